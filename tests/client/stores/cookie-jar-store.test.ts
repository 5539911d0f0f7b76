// The page's cookie jar as a learner notices it: a cookie a response set goes back on the next request to
// that site, an expired one does not, a login is remembered by name, and all of it survives a reload —
// including the jar an earlier version of the page saved under its old key.
import '../page';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import { emptyDraft } from '../../../client/src/lib/draft';
import { requestToSend } from '../../../client/src/lib/request-to-send';
import { useCookieJarStore } from '../../../client/src/stores/cookie-jar-store';
import { clearBrowser, reload } from '../page';

const SITE = 'http://127.0.0.1:3000';
const NOW = Date.parse('2026-12-01T12:00:00Z');

/** A one-hop transcript whose response set these cookies (and had this body). */
function answered(method: string, path: string, status: number, setCookies: string[], body?: string): Transcript {
  return {
    id: `t-${method}-${path}-${status}`,
    startedAt: new Date(NOW).toISOString(),
    exchanges: [
      {
        request: { method, url: `${SITE}${path}`, raw: '', headers: [], body: null },
        response: {
          httpVersion: '1.1',
          status,
          reason: '',
          headers: setCookies.map((value) => ['Set-Cookie', value] as [string, string]),
          trailers: [],
          raw: '',
          body: body === undefined ? null : { encoding: 'text', data: body, wireSize: body.length, decodedSize: body.length, truncated: false },
        },
      },
    ],
  } as unknown as Transcript;
}

/** The Cookie header the composer would add to a GET of this URL now. */
function cookieSentTo(url: string): string | undefined {
  const { outgoing } = requestToSend({ ...emptyDraft(), url }, { jar: useCookieJarStore.getState().cookies, useCookies: true, origin: SITE, now: NOW });
  return outgoing.headers.find(([name]) => name === 'Cookie')?.[1];
}

beforeEach(() => {
  // A persisted store writes what it is set to, so the browser is cleared after the reset.
  useCookieJarStore.setState(useCookieJarStore.getInitialState(), true);
  clearBrowser();
});

describe('the cookie jar', () => {
  it('sends a cookie a response set back to that site, on every hop of a redirect too, and to no other site', () => {
    const twoHops = answered('GET', '/cookies/set?a=1', 302, ['a=1; Path=/']);
    twoHops.exchanges.push({ ...answered('GET', '/cookies', 200, ['b=2; Path=/']).exchanges[0]! });
    useCookieJarStore.getState().keepFrom(twoHops, NOW);
    expect(cookieSentTo('/api/books')).toBe('a=1; b=2');
    expect(cookieSentTo('http://localhost:3000/api/books')).toBeUndefined();
  });

  it('forgets a cookie the server expires (Max-Age=0), keeps one for later', () => {
    const jar = useCookieJarStore.getState();
    jar.keepFrom(answered('GET', '/x', 200, ['keep=1; Path=/', 'gone=1; Path=/']), NOW);
    jar.keepFrom(answered('GET', '/x', 200, ['gone=; Path=/; Max-Age=0']), NOW);
    expect(cookieSentTo('/')).toBe('keep=1');
  });

  it('knows who logged in from the login answer, and forgets them on logout', () => {
    const jar = useCookieJarStore.getState();
    jar.keepFrom(answered('POST', '/api/session', 201, ['sid=s_1; Path=/; HttpOnly'], '{"user":{"id":1,"username":"ada"}}'), NOW);
    expect(useCookieJarStore.getState().login).toEqual({ origin: SITE, username: 'ada' });
    jar.keepFrom(answered('GET', '/api/books', 200, []), NOW);
    expect(useCookieJarStore.getState().login?.username).toBe('ada');
    jar.keepFrom(answered('DELETE', '/api/session', 204, ['sid=; Path=/; Max-Age=0']), NOW);
    expect(useCookieJarStore.getState().login).toBeNull();
    expect(cookieSentTo('/api/books')).toBeUndefined();
  });

  it('holds one sandbox cookie per site: adopting another sandbox replaces it', () => {
    const jar = useCookieJarStore.getState();
    jar.adoptSandbox('first', SITE);
    jar.adoptSandbox('room-sandbox', SITE);
    jar.adoptSandbox('elsewhere', 'http://localhost:3000');
    expect(cookieSentTo('/api/books')).toBe('sandbox=room-sandbox');
  });

  it('survives a reload', async () => {
    useCookieJarStore.getState().keepFrom(answered('POST', '/api/session', 201, ['sid=s_2; Path=/'], '{"user":{"username":"grace"}}'), NOW);
    const after = await reload(() => import('../../../client/src/stores/cookie-jar-store'));
    expect(after.useCookieJarStore.getState().cookies.map((c) => `${c.name}=${c.value}`)).toEqual(['sid=s_2']);
    expect(after.useCookieJarStore.getState().login?.username).toBe('grace');
  });

  it('keeps the jar and login an earlier version of the page saved (with the send options, under one key)', async () => {
    const cookie = { name: 'sid', value: 's_old', origin: SITE, path: '/', httpOnly: true };
    localStorage.setItem(
      'http-sandbox:exchange',
      JSON.stringify({ state: { options: { followRedirects: true, useCookies: true, timeoutMs: 2500 }, jar: [cookie], login: { origin: SITE, username: 'ada' } }, version: 1 }),
    );
    const jar = await reload(() => import('../../../client/src/stores/cookie-jar-store'));
    const options = await import('../../../client/src/stores/send-options-store');
    expect(jar.useCookieJarStore.getState()).toMatchObject({ cookies: [cookie], login: { username: 'ada' } });
    expect(options.useSendOptionsStore.getState().options).toEqual({ followRedirects: true, useCookies: true, timeoutMs: 2500 });
  });
});
