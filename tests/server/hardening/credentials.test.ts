// Credentials die with what they were issued for. Each test performs the attack the outside review
// reproduced (or its neighbour) and checks the old credential now authenticates nobody.
import type { MemoryGrantStore } from '../../../server/store/grants';
import { afterEach, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function signUp(s: TestServer, sandbox: string, username: string, password: string) {
  const created = await call(s, '/api/users', { method: 'POST', headers: { 'x-sandbox': sandbox }, json: { username, password } });
  expect(created.status).toBe(201);
  return created.json as { id: number };
}

async function token(s: TestServer, sandbox: string, username: string, password: string): Promise<string> {
  const issued = await call(s, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': sandbox }, json: { username, password } });
  expect(issued.status).toBe(201);
  return issued.json.token as string;
}

async function whoAmI(s: TestServer, sandbox: string, headers: Record<string, string>) {
  return call(s, '/api/session', { headers: { 'x-sandbox': sandbox, ...headers } });
}

describe('credentials outlive nothing they were issued for', () => {
  it('a reset sandbox disowns its old tokens, even when a new sign-up gets the same user id (account takeover)', async () => {
    server = await startServer();
    const mallory = await signUp(server, 'class', 'mallory', 'mallory-pass');
    const stolen = await token(server, 'class', 'mallory', 'mallory-pass');
    expect((await whoAmI(server, 'class', { authorization: `Bearer ${stolen}` })).json.user.username).toBe('mallory');

    // Anyone may reset a sandbox they can name; then the victim signs up and gets the same id.
    expect((await call(server, '/api/sandbox/reset', { method: 'POST', headers: { 'x-sandbox': 'class' } })).status).toBe(200);
    const victim = await signUp(server, 'class', 'victim', 'victim-pass');
    expect(victim.id).toBe(mallory.id);

    const asVictim = await whoAmI(server, 'class', { authorization: `Bearer ${stolen}` });
    expect(asVictim.status).toBe(401);
    expect(asVictim.headers['www-authenticate']).toContain('invalid_token');
    const book = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'class', authorization: `Bearer ${stolen}` }, json: { title: 'Mine now', author: 'M', year: 2026 } });
    expect(book.status).toBe(401);
    // The victim's own token works.
    const own = await token(server, 'class', 'victim', 'victim-pass');
    expect((await whoAmI(server, 'class', { authorization: `Bearer ${own}` })).json.user.username).toBe('victim');
  });

  it('a reset from another site is refused (CSRF), and so is a new sandbox forced on the learner', async () => {
    server = await startServer();
    const reset = await call(server, '/api/sandbox/reset', { method: 'POST', headers: { 'x-sandbox': 'class', origin: 'http://127.0.0.2:8080' } });
    expect(reset.status).toBe(403);
    expect(reset.json.detail).toContain('cross-site request forgery');
    const fresh = await call(server, '/api/sandbox', { method: 'POST', headers: { origin: 'http://127.0.0.2:8080' } });
    expect(fresh.status).toBe(403);
    expect(fresh.headers['set-cookie']).toBeUndefined();
    // From the page itself (same Origin as Host) it works.
    const host = new URL(server.origin).host;
    expect((await call(server, '/api/sandbox/reset', { method: 'POST', headers: { 'x-sandbox': 'class', origin: server.origin, host } })).status).toBe(200);
  });

  it('an evicted sandbox leaves no live token: opened again, it is a new sandbox with new users', async () => {
    server = await startServer({ sandboxMax: 3 });
    await signUp(server, 'evicted', 'mallory', 'mallory-pass');
    const stolen = await token(server, 'evicted', 'mallory', 'mallory-pass');
    // Other learners who use their sandboxes (more than one request each) push it out as the least recently used.
    for (const other of ['b1', 'b2', 'b3', 'b4']) {
      await call(server, '/api/books', { headers: { 'x-sandbox': other } });
      await call(server, '/api/books/1', { headers: { 'x-sandbox': other } });
    }
    expect(await server.app.sandboxes.store.has('evicted')).toBe(false);
    const victim = await signUp(server, 'evicted', 'victim', 'victim-pass');
    expect(victim.id).toBe(3);
    expect((await whoAmI(server, 'evicted', { authorization: `Bearer ${stolen}` })).status).toBe(401);
  });

  it("a password change ends the user's other sessions and tokens, keeping the one that made the change", async () => {
    server = await startServer();
    const kept = await token(server, 'pw', 'ada', 'lovelace');
    const leaked = await token(server, 'pw', 'ada', 'lovelace');
    const session = await call(server, '/api/session', { method: 'POST', headers: { 'x-sandbox': 'pw' }, json: { username: 'ada', password: 'lovelace' } });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    expect((await whoAmI(server, 'pw', { cookie })).status).toBe(200);

    const changed = await call(server, '/api/users/1', { method: 'PATCH', headers: { 'x-sandbox': 'pw', authorization: `Bearer ${kept}` }, json: { password: 'a new secret' } });
    expect(changed.status).toBe(200);
    expect((await whoAmI(server, 'pw', { authorization: `Bearer ${leaked}` })).status).toBe(401);
    expect((await whoAmI(server, 'pw', { cookie })).status).toBe(401);
    expect((await whoAmI(server, 'pw', { authorization: `Bearer ${kept}` })).status).toBe(200);
    // The old password no longer logs in; the new one does.
    expect((await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': 'pw' }, json: { username: 'ada', password: 'lovelace' } })).status).toBe(401);
    await token(server, 'pw', 'ada', 'a new secret');
  });

  it('deleting an account ends all its credentials', async () => {
    server = await startServer();
    const user = await signUp(server, 'del', 'brief', 'brief-pass');
    const first = await token(server, 'del', 'brief', 'brief-pass');
    const second = await token(server, 'del', 'brief', 'brief-pass');
    expect((await call(server, `/api/users/${user.id}`, { method: 'DELETE', headers: { 'x-sandbox': 'del', authorization: `Bearer ${first}` } })).status).toBe(204);
    await signUp(server, 'del', 'next', 'next-pass');
    for (const t of [first, second]) expect((await whoAmI(server, 'del', { authorization: `Bearer ${t}` })).status).toBe(401);
  });

  it('keeps only digests of tokens in memory: the saved state names no secret', async () => {
    server = await startServer();
    const secret = await token(server, 'digest', 'ada', 'lovelace');
    const saved = JSON.stringify((server.app.auth.store as MemoryGrantStore).exportState());
    expect(saved).not.toContain(secret);
    expect(saved).not.toContain(secret.slice(2, 20));
  });
});
