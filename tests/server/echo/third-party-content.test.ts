// Third-party content (what anyone can make the echo or an inbox say) cannot act as the app: each probe the
// outside review used, sent for real, and the same class in other spellings. The cross-site versions run in
// Chromium in tests/e2e/security.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveContentType, refreshUrl, sameOriginTarget, thirdPartyHeaderProblem, withoutAppCookies } from '../../../server/http/third-party-content';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const OFF_SITE = ['/%09/evil.example/', '/%0A/evil.example', '/%5C/evil.example', '%5C%5Cevil.example', '//evil.example', 'https://evil.example/', 'http:evil.example', '/%09%09//evil.example'];

describe('echo responses are inert and never act as the app', () => {
  it.each(['/get', '/anything/x', '/base64/SFRUUCBpcyBmdW4', '/html', '/xml', '/status/418', '/response-headers?X-A=1', '/cookies'])('%s carries a sandboxing CSP and nosniff', async (path) => {
    const response = await call(server, path);
    expect(response.headers['content-security-policy']).toContain('sandbox');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(OFF_SITE)('/redirect-to?url=%s is refused: it would leave this server once a browser reads it', async (target) => {
    const response = await call(server, `/redirect-to?url=${target}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it.each(['HEAD', 'DELETE'])('a %s gets the same checks: an off-site Location is refused, the answer made inert', async (method) => {
    const path = method === 'HEAD' ? '/response-headers?Location=https://evil.example/' : '/redirect-to?url=https://evil.example/';
    const response = await call(server, path, { method });
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['content-security-policy']).toContain('sandbox');
  });

  it('the course proxy relays this server\'s own answers made inert, and its own refusal too', async () => {
    const relayed = await call(server, '/proxy/get');
    expect(relayed.status).toBe(200);
    expect(relayed.headers['content-security-policy']).toContain('sandbox');
    expect(relayed.headers['x-content-type-options']).toBe('nosniff');
    const loop = await call(server, '/proxy/proxy/get');
    expect(loop.status).toBe(400);
    expect(loop.headers['content-security-policy']).toContain('sandbox');
  });

  it('still redirects to paths on this server, and absolute-redirect to itself', async () => {
    expect((await call(server, '/redirect-to?url=/get&status_code=307')).headers.location).toBe('/get');
    const absolute = await call(server, '/absolute-redirect/1');
    expect(absolute.status).toBe(302);
    expect(String(absolute.headers.location)).toBe(`${server.origin}/get`);
  });

  // A Host header is the client's to write: one line of curl, or a cache in front that keeps the answer for
  // everyone. An absolute redirect built from it would send the next visitor to the attacker's host.
  it.each([
    ['/absolute-redirect/1', '/get'],
    ['/absolute-redirect/3', '/absolute-redirect/2'],
  ])('%s with a forged Host still redirects to this server (Location ends in %s)', async (path, rest) => {
    const { port } = new URL(server.origin);
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', `localhost@evil.example:${port}`]) {
      const response = await call(server, path, { headers: { host } });
      expect(response.status, host).toBe(302);
      expect(String(response.headers.location), host).toBe(`${server.origin}${rest}`);
    }
  });

  it('a Host that names this server is kept in absolute redirects, so a learner on localhost stays on localhost', async () => {
    const { port } = new URL(server.origin);
    const response = await call(server, '/absolute-redirect/1', { headers: { host: `localhost:${port}` } });
    expect(response.headers.location).toBe(`http://localhost:${port}/get`);
  });

  it('/https-only with a forged Host redirects to the https address of this server, not the forged one', async () => {
    const response = await call(server, '/https-only', { headers: { host: 'evil.example' } });
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe(`https://${new URL(server.origin).host}/https-only`);
  });

  it('a forged Host does not make a Refresh to that host look like this server', async () => {
    const response = await call(server, `/response-headers?Refresh=${encodeURIComponent('0; url=http://evil.example/x')}`, { headers: { host: 'evil.example' } });
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('/problems/unsafe-response');
    expect(response.headers.refresh).toBeUndefined();
  });

  it.each(['0;url=//evil.example', "0; URL='https://evil.example'", '1, url=/\t/evil.example', '0;url=\\\\evil.example'])('Refresh: %s is refused', async (value) => {
    const response = await call(server, `/response-headers?Refresh=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('/problems/unsafe-response');
    expect(response.headers.refresh).toBeUndefined();
  });

  it('Refresh to a path on this server is fine', async () => {
    const response = await call(server, `/response-headers?Refresh=${encodeURIComponent('5; url=/get')}`);
    expect(response.status).toBe(200);
    expect(response.headers.refresh).toBe('5; url=/get');
  });

  it.each(['"*"', '"cookies"', '"storage", "cookies"'])('Clear-Site-Data: %s is refused (it would wipe the app’s cookies and storage)', async (value) => {
    const response = await call(server, `/response-headers?Clear-Site-Data=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    expect(response.headers['clear-site-data']).toBeUndefined();
    expect(response.json.detail).toContain("wipe this site's cookies and storage");
  });

  it.each([
    '/cookies/set?sid=s_attacker&sandbox=attackers',
    '/cookies/set?flavour=oat&sandbox=attackers',
    '/cookies/set/sid/s_attacker',
    '/cookies/set/%20sandbox/attackers',
    '/cookies/delete?sid',
    `/response-headers?Set-Cookie=${encodeURIComponent('sid=s_attacker; Path=/api')}`,
  ])('%s is refused: the app’s own cookies cannot be set, replaced or deleted from here', async (path) => {
    const response = await call(server, path);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('sets other cookies as before', async () => {
    const response = await call(server, '/cookies/set?flavour=oat');
    expect(response.status).toBe(302);
    expect(String(response.headers['set-cookie'])).toContain('flavour=oat');
  });

  it.each(['application/javascript', 'text/javascript; charset=utf-8', 'TEXT/ECMASCRIPT', 'text/css'])('Content-Type: %s is never what goes out', async (type) => {
    const response = await call(server, `/response-headers?Content-Type=${encodeURIComponent(type)}`);
    expect(isActiveContentType(String(response.headers['content-type']))).toBe(false);
  });

  it.each(['Service-Worker-Allowed', 'Alt-Svc'])('%s is refused (it outlives the response)', async (name) => {
    expect((await call(server, `/response-headers?${name}=/`)).status).toBe(400);
  });
});

describe('inboxes', () => {
  async function inbox() {
    const created = await call(server, '/app/inboxes', { method: 'POST' });
    expect(created.status).toBe(201);
    return created.json as { id: string; key: string; url: string };
  }
  const configure = (box: { id: string; key: string }, headers: [string, string][]) =>
    call(server, `/app/inboxes/${box.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${box.key}` }, json: { status: 302, headers, body: '' } });

  it.each([['Location', '/\t/evil.example/'], ['Location', '/\\evil.example'], ['Location', '//evil.example'], ['Refresh', '0; url=/\t/evil.example'], ['Content-Location', 'https://evil.example/'], ['Content-Type', 'application/javascript'], ['Content-Type', 'text/css']])(
    'refuses a configured %s: %j',
    async (name, value) => {
      const box = await inbox();
      const response = await configure(box, [[name, value]]);
      expect(response.status).toBe(422);
      expect(response.json.errors[0].field).toBe('headers[0]');
    },
  );

  it.each([
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    "<META HTTP-EQUIV=Refresh CONTENT='0;URL=//evil.example'>",
    '<meta content="0; url=/&#9;/evil.example" http-equiv="refresh">',
  ])('refuses an HTML body whose meta refresh leaves this server: %s', async (page) => {
    const box = await inbox();
    const response = await call(server, `/app/inboxes/${box.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${box.key}` }, json: { status: 200, headers: [['Content-Type', 'text/html']], body: `<!doctype html>${page}<p>Hi</p>` } });
    expect(response.status).toBe(422);
    expect(response.json.errors[0].field).toBe('body');
  });

  it('accepts an HTML body whose meta refresh stays here', async () => {
    const box = await inbox();
    const response = await call(server, `/app/inboxes/${box.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${box.key}` }, json: { status: 200, headers: [['Content-Type', 'text/html']], body: '<meta http-equiv="refresh" content="5; url=/get"><p>Wait</p>' } });
    expect(response.status).toBe(200);
  });

  it('accepts a Location that stays on this server', async () => {
    const box = await inbox();
    expect((await configure(box, [['Location', '/inbox-view/abc']])).status).toBe(200);
    const answered = await call(server, box.url);
    expect(answered.status).toBe(302);
    expect(answered.headers.location).toBe('/inbox-view/abc');
  });

  it("never records the app's cookies a browser sends along: the owner sees them hidden, other cookies as sent", async () => {
    const box = await inbox();
    await call(server, `${box.url}steal`, { headers: { cookie: 'sid=s_victimsession; flavour=oat; sandbox=victimsbox' } });
    const requests = await call(server, `/app/inboxes/${box.id}/requests`, { headers: { authorization: `Bearer ${box.key}` } });
    const text = JSON.stringify(requests.json);
    expect(text).not.toContain('s_victimsession');
    expect(text).not.toContain('victimsbox');
    expect(text).toContain('flavour=oat');
    const captured = requests.json.requests[0];
    const cookie = captured.headers.find(([name]: [string, string]) => name.toLowerCase() === 'cookie')[1];
    expect(cookie).toBe("sid=[hidden: the app's own cookie]; flavour=oat; sandbox=[hidden: the app's own cookie]");
  });
});

describe('the rules, as pure functions', () => {
  it('resolves redirect targets the way a browser does', () => {
    const own = 'http://127.0.0.1:3000';
    expect(sameOriginTarget('/get?a=1', own)).toBe('/get?a=1');
    expect(sameOriginTarget('/\t/evil.example', own)).toBeUndefined();
    expect(sameOriginTarget('/\\evil.example', own)).toBeUndefined();
    expect(sameOriginTarget('\\\\evil.example', own)).toBeUndefined();
    expect(sameOriginTarget('https://127.0.0.1:3000/x', own)).toBe('/x');
    expect(sameOriginTarget('http://127.0.0.1:3001/x', own)).toBeUndefined();
    expect(sameOriginTarget('javascript:alert(1)', own)).toBeUndefined();
    expect(refreshUrl('5; url=/x')).toBe('/x');
    expect(refreshUrl("0;URL='//e.example'")).toBe('//e.example');
    expect(refreshUrl('10')).toBeUndefined();
    expect(isActiveContentType('application/x-javascript')).toBe(true);
    expect(isActiveContentType('application/json')).toBe(false);
    expect(thirdPartyHeaderProblem('Set-Cookie', 'SID=x', own)).toContain('log-in session');
    expect(thirdPartyHeaderProblem('Set-Cookie', 'sidebar=x', own)).toBeUndefined();
    expect(withoutAppCookies(['Host', 'x', 'Cookie', 'a=1'])).toEqual(['Host', 'x', 'Cookie', 'a=1']);
  });
});
