// The server X-ray over real sockets: a representative request of each kind, traced with
// X-Sandbox-Trace: 1, and the steps a learner would read on the Server tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestTrace, TraceStep } from '../../../server/protocol/trace-types';
import { tracedInFlight } from '../../../server/trace/tracer';
import { call, login, startServer, type RequestOptions, type TestServer } from '../../helpers/server';

let server: TestServer;
let adaCookie: string;
let graceCookie: string;
const SANDBOX = 'xray';

beforeAll(async () => {
  server = await startServer();
  adaCookie = await login(server, 'ada', 'lovelace', SANDBOX);
  graceCookie = await login(server, 'grace', 'hopper', SANDBOX);
});
afterAll(() => server.close());

/** Sends a traced request and reads its trace from the URL the answer names. */
async function traced(path: string, options: RequestOptions = {}): Promise<{ status: number; trace: RequestTrace; timing: string; headers: Record<string, unknown> }> {
  const headers = { 'x-sandbox': SANDBOX, 'x-sandbox-trace': '1', ...(options.headers as Record<string, string>) };
  const response = await call(server, path, { ...options, headers });
  const link = String(response.headers['x-sandbox-trace']);
  expect(link).toMatch(/^\/app\/traces\/[\w-]+$/);
  const trace = await call(server, link);
  expect(trace.status).toBe(200);
  return { status: response.status, trace: trace.json, timing: String(response.headers['server-timing']), headers: response.headers };
}

function step(trace: RequestTrace, stage: TraceStep['stage'], outcome?: TraceStep['outcome']): TraceStep {
  const found = trace.steps.find((s) => s.stage === stage && (outcome === undefined || s.outcome === outcome));
  if (!found) throw new Error(`no ${outcome ?? ''} ${stage} step in ${JSON.stringify(trace.steps.map((s) => `${s.stage}:${s.outcome}:${s.title}`))}`);
  return found;
}

function refused(trace: RequestTrace): TraceStep[] {
  return trace.steps.filter((s) => s.outcome === 'refused');
}

const book = { title: 'X-ray', author: 'Röntgen', year: 1895 };

describe('the server X-ray of a toy-API request', () => {
  it('201: routing, login, the origin check, validation, the insert with its fields, negotiation, the bytes and Location', async () => {
    const { status, trace, timing } = await traced('/api/books', { method: 'POST', headers: { cookie: adaCookie }, json: book });
    expect(status).toBe(201);
    // The steps that decide, in the order the request met them (reads of the store may come between).
    const deciding = trace.steps.filter((s) => s.outcome !== 'info' || s.stage === 'serialization').map((s) => s.stage);
    expect(deciding).toEqual(['routing', 'sandbox', 'authentication', 'csrf', 'validation', 'store', 'negotiation', 'serialization']);
    expect(step(trace, 'routing').facts).toEqual({ pattern: '/api/books' });
    expect(step(trace, 'sandbox').title).toBe('Works in the sandbox xray');
    expect(step(trace, 'authentication').title).toBe('Logged in as ada (user 1)');
    const insert = step(trace, 'store', 'pass');
    expect(insert.title).toMatch(/^Inserted book \d+$/);
    expect(insert.changes).toEqual(expect.arrayContaining([{ field: 'title', before: null, after: 'X-ray' }, { field: 'ownerId', before: null, after: 1 }]));
    expect(step(trace, 'serialization').facts).toMatchObject({ status: 201, location: expect.stringMatching(/^\/api\/books\/\d+$/) });
    expect(timing).toMatch(/^routing;dur=[\d.]+;desc="Matched the route POST \/api\/books", sandbox;dur=/);
    expect(timing).toMatch(/, total;dur=[\d.]+$/);
  });

  it('401: no credential came, and nothing after authentication ran', async () => {
    const { status, trace } = await traced('/api/books/3', { method: 'DELETE' });
    expect(status).toBe(401);
    expect(refused(trace)).toEqual([expect.objectContaining({ stage: 'authentication', title: 'No session cookie or bearer token came with the request: 401' })]);
    expect(trace.steps.some((s) => s.stage === 'store' && s.outcome === 'pass')).toBe(false);
  });

  it("403: the owner rule refuses, naming the book's owner and who is asking", async () => {
    const created = await call(server, '/api/books', { method: 'POST', headers: { cookie: adaCookie, 'x-sandbox': SANDBOX }, json: book });
    const { status, trace } = await traced(`/api/books/${created.json.id}`, { method: 'PATCH', headers: { cookie: graceCookie }, json: { status: 'read' } });
    expect(status).toBe(403);
    const rule = step(trace, 'authorization', 'refused');
    expect(rule.title).toBe(`Only a book's owner may change it: book ${created.json.id} belongs to ada, you are grace`);
    expect(rule.facts).toMatchObject({ rule: 'only-owner-may-change', owner: 'ada', you: 'grace' });
    expect(refused(trace)).toHaveLength(1);
    // The owner passes the same rule.
    const mine = await traced(`/api/books/${created.json.id}`, { method: 'PATCH', headers: { cookie: adaCookie }, json: { status: 'read' } });
    expect(mine.status).toBe(200);
    expect(step(mine.trace, 'authorization', 'pass').title).toBe(`Only a book's owner may change it: book ${created.json.id} is yours`);
    expect(step(mine.trace, 'store', 'pass').changes).toEqual([{ field: 'status', before: 'unread', after: 'read' }]);
  });

  it("403 for a category too: the same owner rule, the same steps as a book's", async () => {
    const { status, trace } = await traced('/api/categories/1', { method: 'PATCH', headers: { cookie: graceCookie }, json: { description: 'Mine now' } });
    expect(status).toBe(403);
    const rule = step(trace, 'authorization', 'refused');
    expect(rule.title).toBe("Only a category's owner may change it: category 1 belongs to ada, you are grace");
    expect(rule.facts).toMatchObject({ rule: 'only-owner-may-change', category: 1, owner: 'ada', you: 'grace' });
    expect(refused(trace)).toHaveLength(1);
    expect(trace.steps.some((s) => s.stage === 'store' && s.outcome === 'pass' && (s.changes ?? []).length > 0)).toBe(false);
    const mine = await traced('/api/categories/1', { method: 'PATCH', headers: { cookie: adaCookie }, json: { description: 'Still mine' } });
    expect(mine.status).toBe(200);
    expect(step(mine.trace, 'authorization', 'pass').title).toBe("Only a category's owner may change it: category 1 is yours");
  });

  it('404: the store has no such book', async () => {
    const { status, trace } = await traced('/api/books/999');
    expect(status).toBe(404);
    expect(trace.steps.find((s) => s.stage === 'store')!.title).toBe('No book with id 999');
    expect(step(trace, 'store', 'refused').why).toMatch(/Book 999 does not exist/);
  });

  it('404 without a route: the nearest route is named', async () => {
    const { status, trace } = await traced('/api/bookz/1');
    expect(status).toBe(404);
    expect(trace.route).toBeNull();
    expect(refused(trace)).toEqual([expect.objectContaining({ stage: 'routing', title: 'No route matches GET /api/bookz/1', facts: { nearest: '/api/books/:id' } })]);
  });

  it('405: the path exists with other methods, listed as in Allow', async () => {
    const { status, trace } = await traced('/api/books', { method: 'DELETE' });
    expect(status).toBe(405);
    expect(refused(trace)).toEqual([expect.objectContaining({ stage: 'routing', title: '/api/books exists, but has no DELETE', facts: { allow: 'GET, HEAD, POST, OPTIONS' } })]);
  });

  it('406: negotiation shows the Accept header parsed with q-values and what is offered', async () => {
    const { status, trace } = await traced('/api/books/1', { headers: { accept: 'image/png, image/webp;q=0.5' } });
    expect(status).toBe(406);
    const negotiation = step(trace, 'negotiation', 'refused');
    expect(negotiation.why).toContain('image/png;q=1, image/webp;q=0.5');
    expect(negotiation.facts).toMatchObject({ chosen: null, offered: expect.stringContaining('application/json') });
  });

  it('412: If-Match against the current ETag fails before anything is written', async () => {
    const { status, trace } = await traced('/api/books/1', { method: 'PATCH', headers: { cookie: adaCookie, 'if-match': '"stale"' }, json: { status: 'read' } });
    expect(status).toBe(412);
    const conditional = step(trace, 'conditional', 'refused');
    expect(conditional.title).toBe('If-Match failed: 412 Precondition Failed');
    expect(conditional.facts).toMatchObject({ 'if-match': '"stale"', 'current etag': expect.stringMatching(/^"/) });
    expect(trace.steps.some((s) => s.stage === 'store' && s.outcome === 'pass')).toBe(false);
  });

  it('415: the content type is refused before the body is read', async () => {
    const { status, trace } = await traced('/api/books', { method: 'POST', headers: { cookie: adaCookie, 'content-type': 'text/plain' }, body: 'title=X' });
    expect(status).toBe(415);
    expect(refused(trace)).toEqual([expect.objectContaining({ stage: 'validation', learn: { kind: 'status', id: '415' } })]);
  });

  it('422: validation names each field that failed', async () => {
    const { status, trace } = await traced('/api/books', { method: 'POST', headers: { cookie: adaCookie }, json: { title: '', year: 'soon' } });
    expect(status).toBe(422);
    const validation = step(trace, 'validation', 'refused');
    expect(Object.keys(validation.facts ?? {})).toEqual(expect.arrayContaining(['author', 'year']));
  });

  it('304: If-None-Match matched the ETag, compared as RFC 9110 §13.2.2 says', async () => {
    const first = await call(server, '/api/books/2', { headers: { 'x-sandbox': SANDBOX } });
    const { status, trace } = await traced('/api/books/2', { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(status).toBe(304);
    const conditional = step(trace, 'conditional', 'pass');
    expect(conditional.title).toBe('If-None-Match matched: 304 Not Modified');
    expect(conditional.facts).toMatchObject({ 'if-none-match': first.headers.etag, 'current etag': first.headers.etag });
    expect(step(trace, 'serialization').title).toBe('Answered 304 with no body');
  });

  it('403 from another site: the origin check, not the owner rule', async () => {
    const { status, trace } = await traced('/api/books/1', { method: 'PATCH', headers: { cookie: adaCookie, origin: 'http://evil.example' }, json: { status: 'read' } });
    expect(status).toBe(403);
    expect(refused(trace)).toEqual([expect.objectContaining({ stage: 'csrf', title: 'A change from another site (Origin http://evil.example) with the session cookie: refused, 403' })]);
  });

  it('202: the export job started in the background, with its states', async () => {
    const { status, trace } = await traced('/api/books/1/exports', { method: 'POST' });
    expect(status).toBe(202);
    expect(step(trace, 'job').title).toMatch(/^Started export job \S+ in the background: running → done in about \d+ s$/);
  });

  it('308: an old path of the course notes, with the Location it points to', async () => {
    const { status, trace } = await traced('/api/Category');
    expect(status).toBe(308);
    expect(step(trace, 'serialization').facts).toMatchObject({ status: 308, location: '/api/categories' });
  });

  it('a list: the cache is a miss, then a hit until a write changes the key', async () => {
    const first = await traced('/api/books?per_page=3');
    const second = await traced('/api/books?per_page=3');
    expect(step(first.trace, 'cache').facts).toEqual({ hit: false });
    expect(step(second.trace, 'cache').facts).toEqual({ hit: true });
  });

  it('holds no secret: no session id, token, password or password hash', async () => {
    const tokens = await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': SANDBOX }, json: { username: 'ada', password: 'lovelace' } });
    const token = tokens.json.token as string;
    const signUp = await traced('/api/users', { method: 'POST', json: { username: 'xray_user', password: 'correct horse battery' } });
    expect(signUp.status).toBe(201);
    const withToken = await traced('/api/books', { method: 'POST', headers: { authorization: `Bearer ${token}` }, json: book });
    const withCookie = await traced('/api/books', { method: 'POST', headers: { cookie: adaCookie }, json: book });
    const all = JSON.stringify([signUp.trace, withToken.trace, withCookie.trace]);
    for (const secret of [token, adaCookie.split('=')[1]!, 'correct horse battery', 'lovelace', 'scrypt']) expect(all).not.toContain(secret);
    expect(step(withToken.trace, 'authentication').facts).toMatchObject({ credential: 'bearer token (value hidden)' });
  });

  it("the fault switches: a room's added latency, then its 503, as steps of their own", async () => {
    const room = (await call(server, '/app/rooms', { method: 'POST', json: {} })).json;
    const setFaults = (faults: object) => call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: faults });
    await setFaults({ latencyMs: 50 });
    const slow = await traced('/api/books/1', { headers: { 'x-sandbox': room.sandbox } });
    expect(step(slow.trace, 'faults').title).toBe(`Waited 50 ms: room ${room.code}'s "added latency" switch is on`);
    expect(step(slow.trace, 'faults').durationMs).toBeGreaterThanOrEqual(45);
    await setFaults({ status503: true });
    const down = await traced('/api/books/1', { headers: { 'x-sandbox': room.sandbox } });
    expect(down.status).toBe(503);
    expect(refused(down.trace)).toEqual([expect.objectContaining({ stage: 'faults' })]);
  });

  it('costs nothing to a request that does not ask: no trace, no Server-Timing', async () => {
    await traced('/api/books/1');
    // Once every traced answer has gone, the async context is switched off, so untraced requests do not
    // pay for it (the bench measured untraced reads 15% slower while it stayed on).
    expect(tracedInFlight()).toBe(0);
    const plain = await call(server, '/api/books/1');
    expect(plain.headers['x-sandbox-trace']).toBeUndefined();
    expect(plain.headers['server-timing']).toBeUndefined();
    const missing = await call(server, '/app/traces/not-a-trace');
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toMatch(/X-Sandbox-Trace: 1/);
  });
});

describe('the X-ray through the send endpoint', () => {
  it('asks for the trace on the wire, as added by the page, and puts it in the exchange', async () => {
    const sent = await call(server, '/app/send', { method: 'POST', json: { method: 'DELETE', url: '/api/books/3', headers: [['X-Sandbox', SANDBOX]], options: { trace: true } } });
    expect(sent.status).toBe(200);
    const exchange = sent.json.exchanges[0];
    expect(exchange.request.raw).toContain('\r\nX-Sandbox-Trace: 1\r\n');
    expect(exchange.typedVsSent).toContainEqual(expect.objectContaining({ name: 'X-Sandbox-Trace', kind: 'added-by-page' }));
    expect(exchange.response.status).toBe(401);
    expect(exchange.trace.steps.find((s: TraceStep) => s.outcome === 'refused')).toMatchObject({ stage: 'authentication' });
  });

  it('leaves requests alone when the X-ray is not asked for, and traces only the toy API', async () => {
    const plain = await call(server, '/app/send', { method: 'POST', json: { method: 'GET', url: '/api/books/1', headers: [] } });
    expect(plain.json.exchanges[0].request.raw).not.toContain('X-Sandbox-Trace');
    expect(plain.json.exchanges[0].trace).toBeUndefined();
    const echo = await call(server, '/app/send', { method: 'POST', json: { method: 'GET', url: '/get', headers: [], options: { trace: true } } });
    expect(echo.json.exchanges[0].request.raw).not.toContain('X-Sandbox-Trace');
  });
});
