// Capacity one client can take: a flood of made-up sandbox names never evicts a sandbox someone is using,
// and one address cannot take every inbox. Each test performs the attack from the outside review, scaled to
// small limits, with a second loopback address (127.0.0.2) as another classroom.
import { afterEach, describe, expect, it } from 'vitest';
import { otherAddresses, call, startServer, untilConnections, type RequestOptions, type TestServer } from '../../helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
/** Requests from another loopback address, as another network would send them. */
const from = otherAddresses();

describe('capacity shares', () => {
  it('thousands of one-request sandbox names never evict a learner’s sandbox', async () => {
    server = await startServer({ sandboxMax: 20 });
    const token = (await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': 'maya' }, json: { username: 'ada', password: 'lovelace' } })).json.token;
    const written = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'maya', authorization: `Bearer ${token}` }, json: { title: 'Mine', author: 'Maya', year: 2026 } });
    expect(written.status).toBe(201);
    // Another learner only reads, but comes back: also someone using it.
    await call(server, '/api/books', { headers: { 'x-sandbox': 'reader' } });
    await call(server, '/api/books/1', { headers: { 'x-sandbox': 'reader' } });
    for (let i = 0; i < 2_000; i += 1) await server.app.inject({ url: '/api/books', headers: { 'x-sandbox': `flood-${i}` } });
    expect(await server.app.sandboxes.store.size()).toBeLessThanOrEqual(20);
    expect(await server.app.sandboxes.store.has('maya')).toBe(true);
    expect(await server.app.sandboxes.store.has('reader')).toBe(true);
    const mine = await call(server, '/api/books?q=Mine', { headers: { 'x-sandbox': 'maya' } });
    expect(mine.json.map((b: { title: string }) => b.title)).toEqual(['Mine']);
    expect((await call(server, '/api/session', { headers: { 'x-sandbox': 'maya', authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('slow sends from one address, under many sandbox names, leave send slots for other addresses', async () => {
    // 4 slots, 1 per learner: one machine with 4 made-up names used to hold all 4 with slow targets.
    server = await startServer({ sendConcurrency: 4, sendClientConcurrency: 1 });
    const order: string[] = [];
    const send = (name: string, url: string, extra: RequestOptions = {}) =>
      call(server!, '/app/send', { method: 'POST', headers: { cookie: `sandbox=${name}` }, json: { method: 'GET', url, headers: [] }, ...extra }).then((response) => {
        order.push(name);
        return response;
      });
    const slow = ['slow-1', 'slow-2', 'slow-3', 'slow-4'].map((name) => send(name, '/drip?numbytes=2&duration=2'));
    // The slow ones take their slots first: 4 connections to /app/send and (at least) 3 the send endpoint
    // opened to /drip on this same server.
    await untilConnections(server, 7);
    const quick = await send('elsewhere', '/uuid', from('127.0.0.2'));
    expect(quick.status).toBe(200);
    expect(order[0]).toBe('elsewhere');
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('one address cannot take every room: an instructor elsewhere still starts one', async () => {
    // The review made 200 rooms in 0.2 s from one machine and locked every other instructor out.
    server = await startServer({ roomMax: 40, classroomCreatePerMinute: 1_000, roomCreatePerAddressPerMinute: 1_000 });
    const answers = [];
    for (let i = 0; i < 40; i += 1) answers.push(await call(server, '/app/rooms', { method: 'POST', headers: { cookie: `sandbox=mint-${i}` } }));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json.detail).toContain("the most one address may hold (a quarter of this server's 40)");
    const elsewhere = await call(server, '/app/rooms', { method: 'POST', json: { title: 'Room 2.14' }, ...from('127.0.0.2') });
    expect(elsewhere.status).toBe(201);
    // Closing one of its rooms gives the address one back.
    const mine = answers[0]!.json;
    expect((await call(server, `/app/rooms/${mine.code}`, { method: 'DELETE', headers: { authorization: `Bearer ${mine.instructorKey}` } })).status).toBe(204);
    expect((await call(server, '/app/rooms', { method: 'POST' })).status).toBe(201);
  });

  it('one address cannot take every inbox: another address still gets one', async () => {
    server = await startServer({ inboxMax: 40, classroomCreatePerMinute: 1_000, classroomCreatePerAddressPerMinute: 1_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) statuses.push((await call(server, '/app/inboxes', { method: 'POST', headers: { cookie: `sandbox=mint-${i}` } })).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    const refused = await call(server, '/app/inboxes', { method: 'POST', headers: { cookie: 'sandbox=one-more' } });
    expect(refused.status).toBe(429);
    expect(refused.json.detail).toContain('the most one address may hold');
    expect((await call(server, '/app/inboxes', { method: 'POST', ...from('127.0.0.2') })).status).toBe(201);
  });
});
