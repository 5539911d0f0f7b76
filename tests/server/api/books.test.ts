// The toy API's books over real sockets: every HTTP rule a lesson points at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
let ada: string;
let grace: string;
// Each test file works in its own sandbox so tests do not see each other's writes.
const SB = { 'x-sandbox': 'books-tests' };

beforeAll(async () => {
  server = await startServer();
  ada = await login(server, 'ada', 'lovelace', 'books-tests');
  grace = await login(server, 'grace', 'hopper', 'books-tests');
});
afterAll(() => server.close());

const asAda = (extra: Record<string, string> = {}) => ({ ...SB, cookie: ada, ...extra });

function links(header: string | string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of String(header).split(',')) {
    const match = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (match) result[match[2]!] = match[1]!;
  }
  return result;
}

describe('GET /api/books', () => {
  it('pages with X-Total-Count and a Link header to first, prev, next and last', async () => {
    const response = await call(server, '/api/books?page=2&per_page=5', { headers: SB });
    expect(response.status).toBe(200);
    expect(response.headers['x-total-count']).toBe('12');
    expect(response.json.map((b: { id: number }) => b.id)).toEqual([6, 7, 8, 9, 10]);
    expect(links(response.headers.link)).toEqual({
      first: '/api/books?page=1&per_page=5',
      prev: '/api/books?page=1&per_page=5',
      next: '/api/books?page=3&per_page=5',
      last: '/api/books?page=3&per_page=5',
    });
  });

  it('leaves prev out on the first page and next out on the last', async () => {
    expect(Object.keys(links((await call(server, '/api/books?per_page=5', { headers: SB })).headers.link))).toEqual(['first', 'next', 'last']);
    expect(Object.keys(links((await call(server, '/api/books?page=3&per_page=5', { headers: SB })).headers.link))).toEqual(['first', 'prev', 'last']);
  });

  it('keeps filters in the Link targets', async () => {
    const response = await call(server, '/api/books?status=read&per_page=2', { headers: SB });
    expect(links(response.headers.link).next).toBe('/api/books?status=read&per_page=2&page=2');
  });

  it.each([
    ['q (title)', '?q=network', [3]],
    ['q (author, any case)', '?q=HAWKING', [9]],
    ['status', '?status=reading', [2, 5, 10]],
    ['category by name', '?category=fiction', [6, 7, 8]],
    ['category by id', '?category=4', [9, 10]],
    ['author', '?author=mary%20shelley', [6]],
    ['owner by username', '?owner=grace&per_page=3', [7, 8, 9]],
    ['year', '?year=1999', [2, 12]],
    ['unknown category', '?category=poetry', []],
  ])('filters by %s', async (_name, query, ids) => {
    const response = await call(server, `/api/books${query}`, { headers: SB });
    expect(response.status).toBe(200);
    expect(response.json.map((b: { id: number }) => b.id)).toEqual(ids);
  });

  it('sorts by several fields, - for descending', async () => {
    const response = await call(server, '/api/books?sort=-year,title&per_page=3', { headers: SB });
    expect(response.json.map((b: { year: number }) => b.year)).toEqual([2008, 2002, 1999]);
    const byTitle = await call(server, '/api/books?sort=title&per_page=2', { headers: SB });
    expect(byTitle.json.map((b: { title: string }) => b.title)).toEqual(['A Brief History of Time', 'Clean Code']);
  });

  it.each([
    ['an unknown parameter', '?colour=red', 'colour'],
    ['a sort field that does not exist', '?sort=price', 'price'],
    ['a per_page over the ceiling', '?per_page=1000', 'per_page'],
    ['a page that is not a number', '?page=two', 'page'],
    ['a status that does not exist', '?status=lost', 'status'],
  ])('answers 400 naming the parameter for %s', async (_name, query, parameter) => {
    const response = await call(server, `/api/books${query}`, { headers: SB });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json.detail).toContain(parameter);
    expect(response.json.errors.map((e: { field: string }) => e.field)).toContain(query.includes('sort') ? 'sort' : parameter);
  });
});

describe('POST /api/books', () => {
  it('answers 201 with Location and the created book, owned by the user', async () => {
    const response = await call(server, '/api/books', { method: 'POST', headers: asAda(), json: { title: 'Kindred', author: 'Octavia E. Butler', year: 1979 } });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/books/${response.json.id}`);
    expect(response.json).toMatchObject({ title: 'Kindred', status: 'unread', categoryId: null, ownerId: 1 });
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    const fetched = await call(server, response.headers.location as string, { headers: SB });
    expect(fetched.json.title).toBe('Kindred');
  });

  it('answers 401 with WWW-Authenticate when nobody is logged in, before looking at the body', async () => {
    const response = await call(server, '/api/books', { method: 'POST', headers: SB, json: { nonsense: true } });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    expect(response.json.detail).toMatch(/POST \/api\/session/);
  });

  it('answers 415 naming the accepted type when Content-Type is wrong or missing', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const response = await call(server, '/api/books', { method: 'POST', headers: asAda(headers), body: '{"title":"x","author":"y","year":1}' });
      expect(response.status).toBe(415);
      expect(response.json.detail).toContain('application/json');
      expect(response.json.accepted).toEqual(['application/json']);
    }
  });

  it('answers 400 for malformed JSON, pointing at where it broke', async () => {
    const response = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'content-type': 'application/json' }), body: '{"title": "x",\n "year": }' });
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('/problems/malformed-json');
    expect(response.json.detail).toMatch(/line 2/);
  });

  it('answers 422 listing each bad field', async () => {
    const response = await call(server, '/api/books', { method: 'POST', headers: asAda(), json: { title: '', year: 'old', status: 'lost', extra: 1 } });
    expect(response.status).toBe(422);
    const fields = Object.fromEntries(response.json.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(Object.keys(fields).sort()).toEqual(['author', 'extra', 'status', 'title', 'year']);
    expect(fields.year).toBe('must be a whole number');
    expect(fields.status).toMatch(/one of "unread", "reading", "read"/);
    expect(fields.author).toBe('is required');
  });

  it('answers 422 when categoryId names no category', async () => {
    const response = await call(server, '/api/books', { method: 'POST', headers: asAda(), json: { title: 'x', author: 'y', year: 1, categoryId: 99 } });
    expect(response.status).toBe(422);
    expect(response.json.errors[0].field).toBe('categoryId');
  });
});

describe('GET and HEAD /api/books/:id', () => {
  it('gives ETag and Last-Modified, and HEAD the same headers without a body', async () => {
    const get = await call(server, '/api/books/2', { headers: SB });
    expect(get.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(get.headers['last-modified']).toBe('Mon, 05 Jan 2026 09:00:00 GMT');
    expect(get.headers.vary).toBe('Accept');
    const head = await call(server, '/api/books/2', { method: 'HEAD', headers: SB });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    for (const name of ['etag', 'last-modified', 'content-type', 'content-length', 'vary']) expect(head.headers[name]).toBe(get.headers[name]);
  });

  it.each([
    ['If-None-Match with the current ETag', async () => ({ 'if-none-match': String((await call(server, '/api/books/3', { headers: SB })).headers.etag) })],
    ['If-None-Match: *', async () => ({ 'if-none-match': '*' })],
    ['If-Modified-Since after the change', async () => ({ 'if-modified-since': 'Tue, 06 Jan 2026 00:00:00 GMT' })],
  ])('answers 304 without a body for %s', async (_name, headers) => {
    const response = await call(server, '/api/books/3', { headers: { ...SB, ...(await headers()) } });
    expect(response.status).toBe(304);
    expect(response.text).toBe('');
    expect(response.headers.etag).toBeTruthy();
  });

  it('answers 200 when the ETag is stale or the date is older', async () => {
    expect((await call(server, '/api/books/3', { headers: { ...SB, 'if-none-match': '"old"' } })).status).toBe(200);
    expect((await call(server, '/api/books/3', { headers: { ...SB, 'if-modified-since': 'Sun, 04 Jan 2026 00:00:00 GMT' } })).status).toBe(200);
  });

  it.each([
    ['an unknown id', '/api/books/999', 404],
    ['an id that is not a number', '/api/books/abc', 400],
  ])('answers a problem for %s', async (_name, path, status) => {
    const response = await call(server, path, { headers: SB });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('content negotiation', () => {
  it.each([
    ['application/json', /^application\/json/, (t: string) => JSON.parse(t).id === 1],
    ['application/xml', /^application\/xml/, (t: string) => t.includes('<book>') && t.includes('<id>1</id>')],
    ['application/yaml', /^application\/yaml/, (t: string) => t.includes('id: 1')],
    ['text/html', /^text\/html/, (t: string) => t.includes('<table>')],
    ['text/html;q=0.5, application/xml', /^application\/xml/, () => true],
    ['*/*', /^application\/json/, () => true],
  ])('Accept: %s', async (accept, type, check) => {
    const response = await call(server, '/api/books/1', { headers: { ...SB, accept } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(type);
    expect(response.headers.vary).toBe('Accept');
    expect(check(response.text)).toBe(true);
  });

  it('gives each representation its own ETag', async () => {
    const json = await call(server, '/api/books/1', { headers: SB });
    const xml = await call(server, '/api/books/1', { headers: { ...SB, accept: 'application/xml' } });
    expect(json.headers.etag).not.toBe(xml.headers.etag);
  });

  it('escapes user text in the HTML table', async () => {
    const created = await call(server, '/api/books', { method: 'POST', headers: asAda(), json: { title: '<script>alert(1)</script>', author: 'A & B', year: 2000 } });
    const html = await call(server, created.headers.location as string, { headers: { ...SB, accept: 'text/html' } });
    expect(html.text).not.toContain('<script>');
    expect(html.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.text).toContain('A &amp; B');
  });

  it('answers 406 listing what it can send', async () => {
    const response = await call(server, '/api/books/1', { headers: { ...SB, accept: 'image/png' } });
    expect(response.status).toBe(406);
    expect(response.json.available).toContain('application/json');
    expect(response.json.detail).toContain('application/yaml');
  });
});

describe('PUT, PATCH and DELETE /api/books/:id', () => {
  const whole = { title: 'SICP, 2nd edition', author: 'Harold Abelson', year: 1996, status: 'read', categoryId: 1 };

  it('replaces a book with PUT, and the same PUT twice leaves the same state and ETag', async () => {
    const first = await call(server, '/api/books/1', { method: 'PUT', headers: asAda(), json: whole });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject(whole);
    const second = await call(server, '/api/books/1', { method: 'PUT', headers: asAda(), json: whole });
    expect(second.json).toEqual(first.json);
    expect(second.headers.etag).toBe(first.headers.etag);
  });

  it.each(['application/merge-patch+json', 'application/json'])('changes only the sent fields with PATCH (%s)', async (type) => {
    const before = (await call(server, '/api/books/4', { headers: SB })).json;
    const response = await call(server, '/api/books/4', { method: 'PATCH', headers: asAda({ 'content-type': type }), body: JSON.stringify({ status: 'reading', categoryId: null }) });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ...before, status: 'reading', categoryId: null, updatedAt: response.json.updatedAt });
  });

  it('answers 415 to a PATCH in another format, with Accept-Patch', async () => {
    const response = await call(server, '/api/books/4', { method: 'PATCH', headers: asAda({ 'content-type': 'application/json-patch+json' }), body: '[]' });
    expect(response.status).toBe(415);
    expect(response.headers['accept-patch']).toBe('application/json, application/merge-patch+json');
  });

  it('answers 412 when If-Match does not match, and proceeds when it does', async () => {
    const current = await call(server, '/api/books/5', { headers: SB });
    const stale = await call(server, '/api/books/5', { method: 'PATCH', headers: asAda({ 'if-match': '"stale"' }), json: { status: 'read' } });
    expect(stale.status).toBe(412);
    expect(stale.json.currentEtag).toBe(current.headers.etag);
    for (const method of ['PUT', 'DELETE']) {
      const response = await call(server, '/api/books/5', { method, headers: asAda({ 'if-match': '"stale"' }), json: method === 'PUT' ? whole : undefined });
      expect(response.status).toBe(412);
    }
    const fresh = await call(server, '/api/books/5', { method: 'PATCH', headers: asAda({ 'if-match': String(current.headers.etag) }), json: { status: 'read' } });
    expect(fresh.status).toBe(200);
  });

  it('accepts the ETag of another representation of the same version in If-Match', async () => {
    const xml = await call(server, '/api/books/6', { headers: { ...SB, accept: 'application/xml' } });
    const response = await call(server, '/api/books/6', { method: 'PATCH', headers: asAda({ 'if-match': String(xml.headers.etag) }), json: { year: 1819 } });
    expect(response.status).toBe(200);
  });

  it("answers 403 to a change of someone else's book, naming the rule", async () => {
    const response = await call(server, '/api/books/8', { method: 'PATCH', headers: asAda(), json: { status: 'read' } });
    expect(response.status).toBe(403);
    expect(response.json.rule).toBe('only-owner-may-change');
    expect(response.json.detail).toMatch(/belongs to grace/);
    const asGrace = await call(server, '/api/books/8', { method: 'PATCH', headers: { ...SB, cookie: grace }, json: { status: 'read' } });
    expect(asGrace.status).toBe(200);
  });

  it('deletes with 204 and no body; the same DELETE again is 404, and its comments are gone', async () => {
    const first = await call(server, '/api/books/12', { method: 'DELETE', headers: { ...SB, cookie: grace } });
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    const again = await call(server, '/api/books/12', { method: 'DELETE', headers: { ...SB, cookie: grace } });
    expect(again.status).toBe(404);
    expect((await call(server, '/api/comments?book=12', { headers: SB })).json).toEqual([]);
  });
});

describe('OPTIONS and 405', () => {
  it.each([
    ['/api/books', 'GET, HEAD, POST, OPTIONS'],
    ['/api/books/1', 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ['/api/books/1/comments', 'GET, HEAD, POST, OPTIONS'],
    ['/api/categories', 'GET, HEAD, POST, OPTIONS'],
    ['/api/categories/1', 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ['/api/comments', 'GET, HEAD, OPTIONS'],
    ['/api/comments/1', 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'],
    ['/api/users', 'GET, HEAD, POST, OPTIONS'],
    ['/api/users/1', 'GET, HEAD, PATCH, DELETE, OPTIONS'],
    ['/api/session', 'GET, HEAD, POST, DELETE, OPTIONS'],
    ['/api/tokens', 'POST, OPTIONS'],
    ['/api/sandbox', 'GET, HEAD, POST, OPTIONS'],
    ['/api/books/1/exports', 'POST, OPTIONS'],
  ])('OPTIONS %s → 204 with Allow: %s', async (path, allow) => {
    const response = await call(server, path, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.allow).toBe(allow);
  });

  it.each([
    ['PUT', '/api/books'],
    ['DELETE', '/api/books'],
    ['POST', '/api/books/1'],
    ['PATCH', '/api/comments'],
    ['PUT', '/api/users/1'],
  ])('%s %s → 405 with the same Allow', async (method, path) => {
    const response = await call(server, path, { method, headers: SB });
    expect(response.status).toBe(405);
    const options = await call(server, path, { method: 'OPTIONS' });
    expect(response.headers.allow).toBe(options.headers.allow);
    expect(response.json.detail).toContain(method);
  });
});

describe('trailing slashes', () => {
  it.each([
    ['GET', '/api/books/', '/api/books'],
    ['GET', '/api/books/?page=2&per_page=5', '/api/books?page=2&per_page=5'],
    ['GET', '/api/books/1/', '/api/books/1'],
    ['DELETE', '/api/books/1/', '/api/books/1'],
    ['GET', '/api/books/1/comments/', '/api/books/1/comments'],
  ])('%s %s answers 308 to %s, the canonical URL', async (method, path, target) => {
    const response = await call(server, path, { method, headers: SB });
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe(target);
    expect(response.json.detail).toMatch(/trailing slash/);
  });

  it('keeps a PUT a PUT when the client follows the 308, and the canonical URL answers', async () => {
    const redirected = await call(server, '/api/books/1/', { method: 'PUT', headers: asAda(), json: { title: 'SICP', author: 'Harold Abelson', year: 1985 } });
    expect(redirected.status).toBe(308);
    const followed = await call(server, redirected.headers.location as string, { method: 'PUT', headers: asAda(), json: { title: 'SICP', author: 'Harold Abelson', year: 1985 } });
    expect(followed.status).toBe(200);
  });

  it.each(['/api/bookz/', '/api/', '/api/books/1/nothing/'])('still answers 404 for %s, which names no resource either way', async (path) => {
    const response = await call(server, path, { headers: SB });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });

  it('still answers 405 with Allow for a method the canonical resource does not support', async () => {
    const response = await call(server, '/api/books', { method: 'PUT', headers: SB });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });
});

describe('Idempotency-Key on POST /api/books', () => {
  const book = { title: 'Retried', author: 'Ada', year: 2026 };

  it('answers a retry with the same key with the first book, not a second one', async () => {
    const first = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': '"retry-1"' }), json: book });
    const retry = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': '"retry-1"' }), json: book });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.json.id).toBe(first.json.id);
  });

  it('makes a new book for a new key, or for no key', async () => {
    const a = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-2' }), json: book });
    const b = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-3' }), json: book });
    const c = await call(server, '/api/books', { method: 'POST', headers: asAda(), json: book });
    expect(new Set([a.headers.location, b.headers.location, c.headers.location]).size).toBe(3);
  });

  it('refuses the same key with another body (422), and an empty key (400)', async () => {
    await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-4' }), json: book });
    const reused = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-4' }), json: { ...book, title: 'Other' } });
    expect(reused.status).toBe(422);
    expect(reused.json.detail).toMatch(/already used for a different request body/);
    expect((await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': '""' }), json: book })).status).toBe(400);
  });

  it('leaves the key of a request that failed free: its retry is performed again, not answered "in progress"', async () => {
    const failing = { ...book, categoryId: 9999 };
    const first = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-5' }), json: failing });
    const retry = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'retry-5' }), json: failing });
    expect([first.status, retry.status]).toEqual([422, 422]);
    expect(retry.json.detail).toMatch(/does not match any category/);
  });

  it('performs requests sent at once with one key once: the others get its book or 409 with Retry-After', async () => {
    const sent = await Promise.all(Array.from({ length: 6 }, () => call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'at-once' }), json: book })));
    const created = sent.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((response) => response.headers.location)).size).toBe(1);
    for (const busy of sent.filter((response) => response.status !== 201)) {
      expect(busy.status).toBe(409);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json.detail).toMatch(/still being performed/);
    }
  });

  it('keeps each user\'s keys apart', async () => {
    const mine = await call(server, '/api/books', { method: 'POST', headers: asAda({ 'idempotency-key': 'shared-key' }), json: book });
    const theirs = await call(server, '/api/books', { method: 'POST', headers: { ...SB, cookie: grace, 'idempotency-key': 'shared-key' }, json: book });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.location).not.toBe(mine.headers.location);
  });
});
