// Categories, comments and users over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
let ada: string;
let grace: string;
const SB = { 'x-sandbox': 'resources-tests' };

beforeAll(async () => {
  server = await startServer();
  ada = await login(server, 'ada', 'lovelace', 'resources-tests');
  grace = await login(server, 'grace', 'hopper', 'resources-tests');
});
afterAll(() => server.close());

describe('/api/categories', () => {
  it('creates a category with 201 and Location', async () => {
    const response = await call(server, '/api/categories', { method: 'POST', headers: { ...SB, cookie: ada }, json: { name: 'Poetry' } });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/categories/${response.json.id}`);
    expect(response.json).toMatchObject({ name: 'Poetry', description: '' });
  });

  it.each(['Fiction', 'fiction', 'FICTION'])('answers 409 to a duplicate name (%s), pointing at the existing one', async (name) => {
    const response = await call(server, '/api/categories', { method: 'POST', headers: { ...SB, cookie: ada }, json: { name } });
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json.existing).toBe('/api/categories/3');
    expect(response.json.detail).toMatch(/choose another name/);
  });

  it('answers 409 to renaming onto an existing name (by the category’s owner, grace)', async () => {
    const response = await call(server, '/api/categories/4', { method: 'PATCH', headers: { ...SB, cookie: grace }, json: { name: 'Networking' } });
    expect(response.status).toBe(409);
  });

  it('refuses to delete a category that still has books (409), and deletes an empty one (204)', async () => {
    const used = await call(server, '/api/categories/2', { method: 'DELETE', headers: { ...SB, cookie: ada } });
    expect(used.status).toBe(409);
    expect(used.json.detail).toMatch(/still has \d+ book/);
    const created = await call(server, '/api/categories', { method: 'POST', headers: { ...SB, cookie: ada }, json: { name: 'Empty' } });
    const removed = await call(server, created.headers.location as string, { method: 'DELETE', headers: { ...SB, cookie: ada } });
    expect(removed.status).toBe(204);
    expect((await call(server, created.headers.location as string, { headers: SB })).status).toBe(404);
  });

  it('lists with search and pages', async () => {
    const response = await call(server, '/api/categories?q=computers&sort=-name', { headers: SB });
    expect(response.json.map((c: { name: string }) => c.name)).toEqual(['Networking']);
    expect(response.headers['x-total-count']).toBe('1');
  });
});

describe('comments', () => {
  it("lists a book's comments under the book", async () => {
    const response = await call(server, '/api/books/1/comments', { headers: SB });
    expect(response.status).toBe(200);
    expect(response.json.map((c: { id: number }) => c.id)).toEqual([1, 2]);
  });

  it('creates a comment under a book, with Location at its own URL', async () => {
    const response = await call(server, '/api/books/3/comments', { method: 'POST', headers: { ...SB, cookie: grace }, json: { body: 'A classic.' } });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/comments/${response.json.id}`);
    expect(response.json).toMatchObject({ bookId: 3, authorId: 2, body: 'A classic.' });
    const flat = await call(server, '/api/comments?book=3', { headers: SB });
    expect(flat.json.map((c: { id: number }) => c.id)).toContain(response.json.id);
  });

  it('answers 404 for comments on a book that does not exist', async () => {
    expect((await call(server, '/api/books/999/comments', { headers: SB })).status).toBe(404);
  });

  it('lets only the author edit or delete a comment', async () => {
    const others = await call(server, '/api/comments/1', { method: 'PATCH', headers: { ...SB, cookie: ada }, json: { body: 'mine now' } });
    expect(others.status).toBe(403);
    expect(others.json.rule).toBe('only-author-may-change');
    const own = await call(server, '/api/comments/2', { method: 'PUT', headers: { ...SB, cookie: ada }, json: { body: 'Worth reading three times.' } });
    expect(own.status).toBe(200);
    expect(own.json.body).toBe('Worth reading three times.');
    expect((await call(server, '/api/comments/2', { method: 'DELETE', headers: { ...SB, cookie: ada } })).status).toBe(204);
  });
});

describe('/api/users', () => {
  it('signs up without a login, stores an scrypt hash and never sends it', async () => {
    const response = await call(server, '/api/users', { method: 'POST', headers: SB, json: { username: 'maya', password: 'correct horse', displayName: 'Maya' } });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/users/${response.json.id}`);
    expect(response.text).not.toMatch(/password/i);
    const stored = (await (await server.app.sandboxes.store.open('resources-tests')).users.get(response.json.id))!;
    expect(stored.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored.passwordHash).not.toContain('correct horse');
    const maya = await login(server, 'maya', 'correct horse', 'resources-tests');
    expect(maya).toMatch(/^sid=/);
  });

  it('answers 409 to a taken username and 422 to a bad one', async () => {
    expect((await call(server, '/api/users', { method: 'POST', headers: SB, json: { username: 'ada', password: 'something long' } })).status).toBe(409);
    const bad = await call(server, '/api/users', { method: 'POST', headers: SB, json: { username: 'A D', password: 'short' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'username']);
  });

  it.each(['/api/users', '/api/users/1', '/api/session'])('never includes passwordHash in %s', async (path) => {
    const response = await call(server, path, { headers: { ...SB, cookie: ada } });
    expect(response.text).not.toContain('passwordHash');
    expect(response.text).not.toContain('scrypt');
  });

  it('lets users change only their own account', async () => {
    const others = await call(server, '/api/users/2', { method: 'PATCH', headers: { ...SB, cookie: ada }, json: { displayName: 'x' } });
    expect(others.status).toBe(403);
    const own = await call(server, '/api/users/1', { method: 'PATCH', headers: { ...SB, cookie: ada }, json: { displayName: 'Ada King' } });
    expect(own.json.displayName).toBe('Ada King');
    const owner = await call(server, '/api/users/1', { method: 'DELETE', headers: { ...SB, cookie: ada } });
    expect(owner.status).toBe(409);
    expect(owner.json.detail).toMatch(/own \d+ book/);
  });
});
