// Background work (202 → poll → 303), legacy paths (308) and the OpenAPI description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startServer, type TestServer } from '../../helpers/server';

describe('book exports (asynchronous work)', () => {
  let server: TestServer;
  let now = new Date('2026-11-24T12:00:00Z');
  beforeAll(async () => {
    server = await startServer({ exportJobMs: 3_000, now: () => now });
  });
  afterAll(() => server.close());

  it('answers 202 with the job, then 200 with progress while it runs, then 303 to the result', async () => {
    const started = await call(server, '/api/books/2/exports', { method: 'POST' });
    expect(started.status).toBe(202);
    expect(started.headers.location).toMatch(/^\/api\/books\/2\/exports\/[0-9a-f]{12}$/);
    expect(started.headers['retry-after']).toBe('3');
    expect(started.json).toMatchObject({ state: 'running', progress: 0, result: null });

    now = new Date(now.getTime() + 1_500);
    const running = await call(server, started.headers.location as string);
    expect(running.status).toBe(200);
    expect(running.json).toMatchObject({ state: 'running', progress: 50 });
    expect(running.headers['retry-after']).toBe('2');

    now = new Date(now.getTime() + 1_500);
    const done = await call(server, started.headers.location as string);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${started.headers.location}/result`);
    const result = await call(server, done.headers.location as string);
    expect(result.status).toBe(200);
    expect(result.headers['content-disposition']).toBe('attachment; filename="book-2.json"');
    expect(result.json.title).toBe('The Pragmatic Programmer');
  });

  it('answers 404 for an unknown job', async () => {
    expect((await call(server, '/api/books/2/exports/000000000000')).status).toBe(404);
  });
});

describe('legacy paths from the course notes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/api/Category', '/api/categories'],
    ['GET', '/api/Category/2?sort=name', '/api/categories/2?sort=name'],
    ['GET', '/api/Comment', '/api/comments'],
    ['POST', '/api/Comment/1', '/api/comments/1'],
    ['GET', '/api/Book/3', '/api/books/3'],
  ])('%s %s → 308 to %s', async (method, from, to) => {
    const response = await call(server, from, { method });
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe(to);
  });
});

describe('GET /openapi.json', () => {
  let server: TestServer;
  let doc: any;
  beforeAll(async () => {
    server = await startServer();
    doc = (await call(server, '/openapi.json')).json;
  });
  afterAll(() => server.close());

  it('is OpenAPI 3.1 and documents every toy API route', async () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/books', '/api/books/{id}', '/api/categories', '/api/comments/{id}', '/api/users', '/api/session', '/api/tokens', '/api/sandbox/reset', '/api/books/{id}/exports']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/get']).toBeUndefined();
  });

  it('describes the same rules the server enforces', async () => {
    const schema = doc.paths['/api/books'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['title', 'author', 'year']);
    const session = await login(server, 'ada', 'lovelace', 'openapi');
    const response = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'openapi', cookie: session }, json: {} });
    expect(response.json.errors.map((e: { field: string }) => e.field)).toEqual(schema.required);
    const parameters = doc.paths['/api/books'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['page', 'per_page', 'q', 'sort', 'status', 'category']));
  });

  it('marks the routes that need a login', () => {
    expect(doc.paths['/api/books'].post.security).toEqual([{ sessionCookie: [] }, { bearerToken: [] }]);
    expect(doc.paths['/api/books'].get.security).toBeUndefined();
  });
});
