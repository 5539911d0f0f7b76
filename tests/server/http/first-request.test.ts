// A route's request and response schemas are compiled when the route is first called, not at start
// (server/http/lazy-compilers.ts): the very first request to each route of a fresh server is checked, coerced
// and answered exactly as every later one.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const SB = { 'x-sandbox': 'first-request' };

async function login(server: FastifyInstance): Promise<string> {
  const response = await server.inject({ method: 'POST', url: '/api/tokens', headers: SB, payload: { username: 'ada', password: 'lovelace' } });
  return `Bearer ${response.json().token as string}`;
}

describe('the first request to a route of a fresh server', () => {
  it('is checked against the body schema, each bad field listed', async () => {
    app = await buildApp();
    const authorization = await login(app);
    const response = await app.inject({ method: 'POST', url: '/api/books', headers: { ...SB, authorization }, payload: { title: '', year: 'old', status: 'lost', extra: 1 } });
    expect(response.statusCode).toBe(422);
    const fields = Object.fromEntries((response.json().errors as { field: string; message: string }[]).map((e) => [e.field, e.message]));
    expect(Object.keys(fields).sort()).toEqual(['author', 'extra', 'status', 'title', 'year']);
    expect(fields.year).toBe('must be a whole number');
    // The same request again: the same answer from the validator compiled by the first.
    const again = await app.inject({ method: 'POST', url: '/api/books', headers: { ...SB, authorization }, payload: { title: '', year: 'old', status: 'lost', extra: 1 } });
    expect(again.json().errors).toEqual(response.json().errors);
  });

  it('has its query string coerced to the schema types and an invalid one refused', async () => {
    app = await buildApp();
    const page = await app.inject({ method: 'GET', url: '/api/books?page=2&per_page=5', headers: SB });
    expect(page.statusCode).toBe(200);
    expect((page.json() as { id: number }[]).map((b) => b.id)).toEqual([6, 7, 8, 9, 10]);
    const bad = await app.inject({ method: 'GET', url: '/api/users?page=zero', headers: SB });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toBe('/problems/invalid-query');
  });

  it('is answered through the response schema', async () => {
    app = await buildApp();
    const authorization = await login(app);
    const created = await app.inject({ method: 'POST', url: '/api/books', headers: { ...SB, authorization }, payload: { title: 'Dune', author: 'Frank Herbert', year: 1965 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ title: 'Dune', author: 'Frank Herbert', year: 1965 });
    const users = await app.inject({ method: 'GET', url: '/api/users', headers: SB });
    expect(users.statusCode).toBe(200);
    for (const user of users.json() as Record<string, unknown>[]) expect(Object.keys(user)).not.toContain('passwordHash');
  });
});
