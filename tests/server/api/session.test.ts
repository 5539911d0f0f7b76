// Logging in and out, bearer tokens, and what a 401 says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
const SB = { 'x-sandbox': 'session-tests' };
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('POST /api/session', () => {
  it('logs in with 201 and a session cookie that is HttpOnly and SameSite=Lax', async () => {
    const response = await call(server, '/api/session', { method: 'POST', headers: SB, json: { username: 'ada', password: 'lovelace' } });
    expect(response.status).toBe(201);
    expect(response.json.user).toMatchObject({ id: 1, username: 'ada' });
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^sid=s_[\w-]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(response.headers['cache-control']).toBe('no-store');
    const me = await call(server, '/api/session', { headers: { ...SB, cookie: cookie.split(';')[0]! } });
    expect(me.json.user.username).toBe('ada');
  });

  it.each([
    ['a wrong password', { username: 'ada', password: 'nope' }],
    ['an unknown user', { username: 'nobody', password: 'lovelace' }],
  ])('answers 401 to %s without saying which part was wrong', async (_name, credentials) => {
    const response = await call(server, '/api/session', { method: 'POST', headers: SB, json: credentials });
    expect(response.status).toBe(401);
    expect(response.json.type).toBe('/problems/invalid-credentials');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('logs out with 204 and a cookie that expires at once; the old cookie no longer works', async () => {
    const login = await call(server, '/api/session', { method: 'POST', headers: SB, json: { username: 'ada', password: 'lovelace' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const logout = await call(server, '/api/session', { method: 'DELETE', headers: { ...SB, cookie } });
    expect(logout.status).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/^sid=; Max-Age=0; Path=\/;/);
    const write = await call(server, '/api/books/1', { method: 'PATCH', headers: { ...SB, cookie }, json: { status: 'read' } });
    expect(write.status).toBe(401);
    expect(write.json.detail).toMatch(/expired or was logged out/);
  });

  it('a session belongs to its sandbox', async () => {
    const login = await call(server, '/api/session', { method: 'POST', headers: SB, json: { username: 'ada', password: 'lovelace' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const elsewhere = await call(server, '/api/books/1', { method: 'PATCH', headers: { 'x-sandbox': 'another', cookie }, json: { status: 'read' } });
    expect(elsewhere.status).toBe(401);
  });
});

describe('bearer tokens', () => {
  it('issues a token with 201 and no-store, and accepts it for writes', async () => {
    const response = await call(server, '/api/tokens', { method: 'POST', headers: SB, json: { username: 'grace', password: 'hopper' } });
    expect(response.status).toBe(201);
    expect(response.json.tokenType).toBe('Bearer');
    expect(response.headers['cache-control']).toBe('no-store');
    const write = await call(server, '/api/books/7', { method: 'PATCH', headers: { ...SB, authorization: `Bearer ${response.json.token}` }, json: { status: 'read' } });
    expect(write.status).toBe(200);
  });

  it.each([
    ['an unknown token', 'Bearer t_nope', /invalid_token/],
    ['another scheme', 'Basic YWRhOmxvdmVsYWNl', /^Bearer realm/],
  ])('answers 401 to %s, with a WWW-Authenticate challenge', async (_name, authorization, challenge) => {
    const response = await call(server, '/api/books/1', { method: 'DELETE', headers: { ...SB, authorization } });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(challenge);
  });
});

describe('CSRF protection for cookie-authenticated changes', () => {
  it.each([
    ['another site', 'http://evil.example', 403],
    ['a null origin (sandboxed frame)', 'null', 403],
    ['this server', undefined, 200],
    ['no Origin at all (curl, scripts)', '', 200],
  ])('a PATCH with the session cookie from %s → %i', async (_from, origin, status) => {
    const login = await call(server, '/api/session', { method: 'POST', headers: SB, json: { username: 'ada', password: 'lovelace' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const headers: Record<string, string> = { ...SB, cookie };
    if (origin === undefined) headers.origin = server.origin;
    else if (origin !== '') headers.origin = origin;
    const response = await call(server, '/api/books/2', { method: 'PATCH', headers, json: { status: 'read' } });
    expect(response.status).toBe(status);
    if (status === 403) expect(response.json.rule).toBe('same-origin-for-cookie-auth');
  });

  it('does not apply to bearer tokens, which a browser never sends by itself', async () => {
    const token = (await call(server, '/api/tokens', { method: 'POST', headers: SB, json: { username: 'ada', password: 'lovelace' } })).json.token;
    const response = await call(server, '/api/books/2', { method: 'PATCH', headers: { ...SB, origin: 'http://evil.example', authorization: `Bearer ${token}` }, json: { status: 'read' } });
    expect(response.status).toBe(200);
  });
});
