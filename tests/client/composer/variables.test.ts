import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import { buildOutgoing, emptyDraft, row } from '../../../client/src/lib/draft';
import { capturedFrom, expandDraft } from '../../../client/src/lib/variables';
import { requestToSend } from '../../../client/src/lib/request-to-send';

describe('{{variables}} in a draft', () => {
  const draft = {
    ...emptyDraft(),
    method: 'PUT',
    url: '/api/books/{{id}}?v={{ id }}',
    headers: [row('Authorization', 'Bearer {{token}}'), row('If-Match', '{{etag}}'), row('X-Off', '{{nowhere}}', false)],
    bodyType: 'json' as const,
    body: '{"title":"{{title}}","year":{{year}}}',
  };

  it('fills in URL, headers and body, and lists the names without a value (not those in switched-off rows)', () => {
    const { draft: expanded, missing } = expandDraft(draft, { id: '7', token: 't0k', etag: '"abc"', title: 'Kindred' });
    const out = buildOutgoing(expanded);
    expect(out.url).toBe('/api/books/7?v=7');
    expect(out.headers).toEqual([
      ['Authorization', 'Bearer t0k'],
      ['If-Match', '"abc"'],
    ]);
    expect(out.body).toEqual({ encoding: 'text', data: '{"title":"Kindred","year":{{year}}}' });
    expect(missing).toEqual(['year']);
  });

  it('fills in auth fields and form rows; a value is not expanded again', () => {
    const { draft: expanded } = expandDraft(
      { ...emptyDraft(), auth: { kind: 'bearer', token: '{{token}}' }, bodyType: 'form', form: [row('q', '{{q}}')] },
      { token: '{{q}}', q: 'a b' },
    );
    expect(buildOutgoing(expanded).headers).toContainEqual(['Authorization', 'Bearer {{q}}']);
    expect(buildOutgoing(expanded).body).toEqual({ encoding: 'text', data: 'q=a+b' });
  });

  it('are filled in before sending and copying (requestToSend)', () => {
    const { outgoing, missing } = requestToSend(draft, { jar: [], useCookies: true, origin: 'http://localhost:3000', variables: { id: '3', token: 'x', etag: 'e', title: 't', year: '1979' } });
    expect(outgoing.url).toBe('/api/books/3?v=3');
    expect(missing).toEqual([]);
  });
});

describe('values captured from responses', () => {
  const exchange = (method: string, url: string, status: number, headers: [string, string][], body?: string) => ({
    request: { method, url, raw: '', headers: [], body: null },
    response: { httpVersion: '1.1', status, reason: '', headers, trailers: [], raw: '', body: body === undefined ? null : { encoding: 'text' as const, data: body, wireSize: 1, decodedSize: 1, truncated: false } },
    timings: { completeMs: 1 },
  });
  const transcript = (...exchanges: ReturnType<typeof exchange>[]): Transcript => ({ id: 't', startedAt: '', exchanges });

  it.each([
    ['the token of POST /api/tokens', transcript(exchange('POST', 'http://localhost:3000/api/tokens', 201, [], '{"token":"abc","tokenType":"Bearer"}')), { token: 'abc' }],
    ['the Location and id of a 201', transcript(exchange('POST', 'http://localhost:3000/api/books', 201, [['Location', '/api/books/13'], ['ETag', '"v1"']])), { location: '/api/books/13', id: '13', etag: '"v1"' }],
    ['an ETag of a 200', transcript(exchange('GET', 'http://localhost:3000/api/books/1', 200, [['etag', 'W/"x"']])), { etag: 'W/"x"' }],
    ['nothing from a 401', transcript(exchange('POST', 'http://localhost:3000/api/tokens', 401, [], '{"title":"no"}')), {}],
  ])('%s', (_name, t, values) => {
    expect(capturedFrom(t)).toEqual(values);
  });
});
