import { describe, expect, it } from 'vitest';
import { emptyDraft, row } from '../../../client/src/lib/draft';
import type { JarCookie } from '../../../client/src/lib/cookie-jar';
import { requestToSend } from '../../../client/src/lib/request-to-send';

const ORIGIN = 'http://localhost:3000';
const jar: JarCookie[] = [
  { name: 'sandbox', value: 'maya', origin: ORIGIN, path: '/', httpOnly: true },
  { name: 'sid', value: 's3cret', origin: ORIGIN, path: '/', httpOnly: true },
];

describe('the request the composer sends', () => {
  it('adds the jar’s cookies for this origin at the end, and says the page added them', () => {
    const { outgoing, addedByPage } = requestToSend({ ...emptyDraft(), headers: [row('Accept', 'application/json')] }, { jar, useCookies: true, origin: ORIGIN });
    expect(outgoing.headers).toEqual([
      ['Accept', 'application/json'],
      ['Cookie', 'sandbox=maya; sid=s3cret'],
    ]);
    expect(addedByPage).toEqual([1]);
  });

  it.each([
    ['a Cookie the learner typed wins', { headers: [row('Cookie', 'a=1')] }, true, ORIGIN, [['Cookie', 'a=1']]],
    ['cookies off sends only what was typed', {}, false, ORIGIN, [['Accept', 'application/json']]],
    ['another origin gets none of this origin’s cookies', { url: 'http://example.org/x' }, true, ORIGIN, [['Accept', 'application/json']]],
  ] as const)('%s', (_name, patch, useCookies, origin, headers) => {
    const { outgoing, addedByPage } = requestToSend({ ...emptyDraft(), ...patch, headers: 'headers' in patch ? [...patch.headers] : emptyDraft().headers }, { jar, useCookies, origin });
    expect(outgoing.headers).toEqual(headers);
    expect(addedByPage).toEqual([]);
  });
});

describe('who the page is logged in as', () => {
  const transcript = (method: string, path: string, status: number, body?: string) => ({
    id: 't',
    startedAt: '2026-12-01T00:00:00Z',
    exchanges: [
      {
        request: { method, url: `${ORIGIN}${path}`, raw: '', headers: [], body: null },
        response: { httpVersion: '1.1', status, reason: '', headers: [], trailers: [], raw: '', body: body === undefined ? null : { encoding: 'text' as const, data: body, wireSize: body.length, decodedSize: body.length, truncated: false } },
        timings: { completeMs: 1 },
      },
    ],
  });
  it.each([
    ['a 201 to POST /api/session names the user', transcript('POST', '/api/session', 201, '{"user":{"id":1,"username":"ada"}}'), { origin: ORIGIN, username: 'ada' }],
    ['a 204 to DELETE /api/session logs out', transcript('DELETE', '/api/session', 204), null],
    ['a failed login changes nothing', transcript('POST', '/api/session', 401, '{"title":"Unauthorized"}'), undefined],
    ['other requests change nothing', transcript('GET', '/api/books', 200, '[]'), undefined],
  ])('%s', async (_name, t, login) => {
    const { loginFrom } = await import('../../../client/src/stores/cookie-jar-store');
    expect(loginFrom(t)).toEqual(login);
  });
});
