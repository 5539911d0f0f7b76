// What the lesson player and the response viewer fetch: the lesson list, one lesson, and the reference
// dataset — JSON with an ETag, revalidated for free; an unknown lesson is a 404 problem that says where to look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lesson, LessonSummary } from '../../server/protocol/lesson-format';
import { call, startServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('GET /app/lessons', () => {
  it('lists every lesson in order, with its number of steps and the status codes it teaches', async () => {
    const response = await call(server, '/app/lessons');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const list = response.json as LessonSummary[];
    expect(list.length).toBeGreaterThanOrEqual(12);
    expect(list[0]).toMatchObject({ id: 'anatomy', order: 1, title: expect.any(String), summary: expect.any(String), steps: expect.any(Number) });
    expect(list.map((l) => l.order)).toEqual([...list.map((l) => l.order)].sort((a, b) => a - b));
    expect(list.find((l) => l.id === 'authn-authz')?.codes).toEqual(expect.arrayContaining([401, 403]));
  });
});

describe('GET /app/lessons/:id', () => {
  it('gives the lesson with its introduction and steps', async () => {
    const response = await call(server, '/app/lessons/caching');
    expect(response.status).toBe(200);
    const lesson = response.json as Lesson;
    expect(lesson.intro).toMatch(/^# Caching/);
    expect(lesson.steps[0]).toMatchObject({ title: expect.any(String), text: expect.any(String), goal: expect.any(Object), hints: expect.any(Array), explanation: expect.any(String) });
  });

  it.each(['no-such-lesson', '..%2F..%2Fpackage.json', 'a'.repeat(90)])('answers 404 with a problem for %s', async (id) => {
    const response = await call(server, `/app/lessons/${id}`);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json.detail).toMatch(/GET \/app\/lessons lists the lessons/);
  });
});

describe('revalidation', () => {
  it.each(['/app/lessons', '/app/lessons/anatomy', '/app/reference/status-codes', '/app/reference/headers', '/app/reference/methods'])(
    '%s answers 304 to its own ETag',
    async (path) => {
      const first = await call(server, path);
      expect(first.status).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await call(server, path, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    },
  );
});

describe('GET /app/reference/…', () => {
  it.each([
    ['/app/reference/status-codes', 'statusCodes', 63],
    ['/app/reference/methods', 'methods', 9],
  ])('%s serves the whole list', async (path, key, count) => {
    const response = await call(server, path);
    expect(response.json[key]).toHaveLength(count);
  });

  it('serves at least 40 headers', async () => {
    expect((await call(server, '/app/reference/headers')).json.headers.length).toBeGreaterThanOrEqual(40);
  });
});
