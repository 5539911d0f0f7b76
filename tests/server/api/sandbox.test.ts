// Isolation: every learner in a private copy of the seed data; limits; reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function addBook(sandbox: { header?: string; cookie?: string; query?: string }, title: string) {
  const headers: Record<string, string> = {};
  const name = sandbox.header ?? sandbox.cookie ?? sandbox.query!;
  const session = await login(server, 'ada', 'lovelace', name);
  headers.cookie = [session, sandbox.cookie ? `sandbox=${sandbox.cookie}` : ''].filter(Boolean).join('; ');
  if (sandbox.header) headers['x-sandbox'] = sandbox.header;
  const query = sandbox.query ? `?sandbox=${sandbox.query}` : '';
  return call(server, `/api/books${query}`, { method: 'POST', headers, json: { title, author: 'Me', year: 2026 } });
}

describe('sandboxes', () => {
  it.each<[string, { header?: string; cookie?: string; query?: string }]>([
    ['the X-Sandbox header', { header: 'iso-header' }],
    ['the sandbox cookie', { cookie: 'iso-cookie' }],
    ['the sandbox query parameter', { query: 'iso-query' }],
  ])('a write through %s is seen there and nowhere else', async (_how, sandbox) => {
    const title = `Only in ${JSON.stringify(sandbox)}`;
    const created = await addBook(sandbox, title);
    expect(created.status).toBe(201);
    const name = sandbox.header ?? sandbox.cookie ?? sandbox.query!;
    expect(created.headers['x-sandbox']).toBe(name);
    const search = `q=${encodeURIComponent(title)}`;
    expect((await call(server, `/api/books?${search}&sandbox=${name}`)).json).toHaveLength(1);
    expect((await call(server, `/api/books?${search}`)).json).toHaveLength(0);
    expect((await call(server, `/api/books?${search}&sandbox=someone-else`)).json).toHaveLength(0);
  });

  it('uses the shared demo sandbox when a request names none', async () => {
    const response = await call(server, '/api/sandbox');
    expect(response.json).toMatchObject({ id: 'demo', shared: true, counts: { books: 12, categories: 4, comments: 4, users: 2 } });
    expect(response.headers['x-sandbox']).toBe('demo');
  });

  it('POST /api/sandbox starts a private sandbox and sets its cookie', async () => {
    const response = await call(server, '/api/sandbox', { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.json.shared).toBe(false);
    expect(String(response.headers['set-cookie'])).toMatch(new RegExp(`^sandbox=${response.json.id}; Max-Age=\\d+; Path=/; HttpOnly; SameSite=Lax$`));
  });

  it('POST /api/sandbox/reset brings the seed data back', async () => {
    await addBook({ header: 'to-reset' }, 'Temporary');
    expect((await call(server, '/api/sandbox', { headers: { 'x-sandbox': 'to-reset' } })).json.counts.books).toBe(13);
    const reset = await call(server, '/api/sandbox/reset', { method: 'POST', headers: { 'x-sandbox': 'to-reset' } });
    expect(reset.status).toBe(200);
    expect(reset.json.counts.books).toBe(12);
    expect((await call(server, '/api/books?q=Temporary', { headers: { 'x-sandbox': 'to-reset' } })).json).toEqual([]);
  });

  it.each(['Has Spaces', 'UPPER', 'a'.repeat(41), '../etc'])('answers 400 to the sandbox name %j, saying what a name may be', async (name) => {
    const response = await call(server, `/api/books?sandbox=${encodeURIComponent(name)}`);
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('/problems/invalid-sandbox');
    expect(response.json.detail).toMatch(/1 to 40 lower-case letters/);
  });
});

describe('sandbox limits', () => {
  it('answers 507 with the limit once a collection is full', async () => {
    const small = await startServer({ sandboxItemLimit: 13 });
    const session = await login(small, 'ada', 'lovelace', 'full');
    const post = () => call(small, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'full', cookie: session }, json: { title: 't', author: 'a', year: 1 } });
    expect((await post()).status).toBe(201);
    const full = await post();
    expect(full.status).toBe(507);
    expect(full.json.limit).toBe(13);
    expect(full.json.detail).toMatch(/POST \/api\/sandbox\/reset/);
    await small.close();
  });

  it('drops the least recently used private sandbox beyond the maximum, never the demo one', async () => {
    const small = await startServer({ sandboxMax: 3 });
    for (const name of ['one', 'two', 'three', 'four']) await call(small, `/api/books?sandbox=${name}`);
    const store = small.app.sandboxes.store;
    expect(await store.size()).toBe(3);
    expect(await store.has('one')).toBe(false);
    expect(await store.has('four')).toBe(true);
    await call(small, '/api/books');
    expect(await store.has('demo')).toBe(true);
    await small.close();
  });
});

describe('cached representations', () => {
  it('never serve a stale list after writes, resets and re-creation', async () => {
    const server = await startServer();
    const headers = { 'x-sandbox': 'cache-check' };
    const count = async () => Number((await call(server, '/api/books', { headers })).headers['x-total-count']);
    expect(await count()).toBe(12);
    const cookie = await login(server, 'ada', 'lovelace', 'cache-check');
    await call(server, '/api/books', { method: 'POST', headers: { ...headers, cookie }, json: { title: 'One', author: 'A', year: 1 } });
    expect(await count()).toBe(13);
    await call(server, '/api/sandbox/reset', { method: 'POST', headers });
    expect(await count()).toBe(12);
    const again = await login(server, 'ada', 'lovelace', 'cache-check');
    await call(server, '/api/books', { method: 'POST', headers: { ...headers, cookie: again }, json: { title: 'Zebra42', author: 'A', year: 1 } });
    const list = await call(server, '/api/books?q=Zebra42', { headers });
    expect(list.json.map((b: { title: string }) => b.title)).toEqual(['Zebra42']);
    await server.close();
  });
});
