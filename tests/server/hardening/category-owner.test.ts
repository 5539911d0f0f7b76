// Any user could change any category (the outside review renamed and deleted ada's categories while
// logged in as grace). Categories now follow the books' owner rule: each test performs the attack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
let ada: string;
let grace: string;
const SANDBOX = 'categories-owner';
const as = (cookie: string) => ({ cookie, 'x-sandbox': SANDBOX });

beforeAll(async () => {
  server = await startServer();
  ada = await login(server, 'ada', 'lovelace', SANDBOX);
  grace = await login(server, 'grace', 'hopper', SANDBOX);
});
afterAll(() => server.close());

describe("another user's category", () => {
  it.each([
    ['PUT', 'replace', { name: 'Grace was here', description: '' }],
    ['PATCH', 'change', { name: 'Grace was here' }],
    ['DELETE', 'delete', undefined],
  ])('%s by grace of ada’s category → 403 naming the owner and you; the category is unchanged', async (method, action, json) => {
    const before = await call(server, '/api/categories/2', { headers: as(grace) });
    const response = await call(server, '/api/categories/2', { method, headers: as(grace), ...(json === undefined ? {} : { json }) });
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ type: '/problems/forbidden', owner: 'ada', you: 'grace', rule: 'only-owner-may-change' });
    expect(response.json.detail).toBe(
      `You are logged in as grace, but category 2 belongs to ada, and only a category's owner may ${action} it. This is a 403, not a 401: the server knows who you are, and the answer is no. Add a category of your own (POST /api/categories) and change that one.`,
    );
    expect((await call(server, '/api/categories/2', { headers: as(grace) })).json).toEqual(before.json);
  });

  it('without logging in: 401 before any owner check', async () => {
    expect((await call(server, '/api/categories/2', { method: 'PATCH', headers: { 'x-sandbox': SANDBOX }, json: { name: 'x' } })).status).toBe(401);
  });
});

describe('your own category', () => {
  it('a category grace adds is hers: she may change and delete it, ada may not', async () => {
    const created = await call(server, '/api/categories', { method: 'POST', headers: as(grace), json: { name: 'Poetry', description: '' } });
    expect(created.status).toBe(201);
    expect(created.json.ownerId).toBe(2);
    const id = created.json.id as number;
    expect((await call(server, `/api/categories/${id}`, { method: 'PATCH', headers: as(ada), json: { name: 'Ada’s now' } })).json.owner).toBe('grace');
    const renamed = await call(server, `/api/categories/${id}`, { method: 'PATCH', headers: as(grace), json: { name: 'Poems' } });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'Poems', ownerId: 2 });
    expect((await call(server, `/api/categories/${id}`, { method: 'DELETE', headers: as(grace) })).status).toBe(204);
  });
});
