// Two server processes on one REDIS_URL behave as one for sandboxes, sessions and tokens, and rate limits;
// losing Redis answers 503 with Retry-After (never a crash), and the servers recover when Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';
import { redisSkipReason, startRedis, type RedisServer } from '../../helpers/redis';
import { SseStream } from '../classroom/sse-client';
import { bearer, broadcast, createRoom, joinRoom, openRoom } from '../classroom/helpers';
import { RedisHub } from '../../../server/store/redis/hub';
import type { HubEvent } from '../../../server/classroom/hub';
import type { InboxLink } from '../../../server/protocol/classroom-types';

const skip = redisSkipReason();

describe.skipIf(skip !== undefined)('two server processes sharing one Redis', () => {
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    const options = { redisUrl: redis.url, loginRatePerMinute: 4 };
    a = await startServer(options);
    b = await startServer(options);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  const token = async (server: TestServer, sandbox: string) => {
    const response = await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': sandbox }, json: { username: 'ada', password: 'lovelace' } });
    expect(response.status).toBe(201);
    return response.json.token as string;
  };

  it('a token made on one works on the other, and a book written on one is read on the other', async () => {
    const bearer = await token(a, 'maya');
    const created = await call(b, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'maya', authorization: `Bearer ${bearer}` }, json: { title: 'Shared', author: 'Maya', year: 2026 } });
    expect(created.status).toBe(201);
    const onA = await call(a, created.headers.location as string, { headers: { 'x-sandbox': 'maya' } });
    expect(onA.status).toBe(200);
    expect(onA.json).toEqual(created.json);
    expect(onA.headers.etag).toBe(created.headers.etag);
    // Another learner's sandbox, on either process, still holds the seed only.
    expect((await call(a, '/api/books?q=Shared', { headers: { 'x-sandbox': 'sam' } })).json).toEqual([]);
    const counts = await call(a, '/api/sandbox', { headers: { 'x-sandbox': 'maya' } });
    expect(counts.json.counts.books).toBe(13);
  });

  it('a session cookie from one is valid on the other, and logging out on the other ends it on both', async () => {
    const login = await call(a, '/api/session', { method: 'POST', headers: { 'x-sandbox': 'lee' }, json: { username: 'grace', password: 'hopper' } });
    expect(login.status).toBe(201);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const who = await call(b, '/api/session', { headers: { 'x-sandbox': 'lee', cookie } });
    expect(who.status).toBe(200);
    expect(who.json.user.username).toBe('grace');
    expect((await call(b, '/api/session', { method: 'DELETE', headers: { 'x-sandbox': 'lee', cookie } })).status).toBe(204);
    expect((await call(a, '/api/session', { headers: { 'x-sandbox': 'lee', cookie } })).status).toBe(401);
  });

  it('a reset on one process disowns the tokens issued on the other', async () => {
    const bearer = await token(a, 'reset-me');
    expect((await call(b, '/api/sandbox/reset', { method: 'POST', headers: { 'x-sandbox': 'reset-me' } })).status).toBe(200);
    const after = await call(a, '/api/session', { headers: { 'x-sandbox': 'reset-me', authorization: `Bearer ${bearer}` } });
    expect(after.status).toBe(401);
  });

  it('shares Idempotency-Key answers: a retry on the other process gets the first book, and keys sent to both at once make one book', async () => {
    const bearer = await token(a, 'idem');
    const post = (server: TestServer, key: string, title = 'Once') =>
      call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'idem', authorization: `Bearer ${bearer}`, 'idempotency-key': key }, json: { title, author: 'Ada', year: 2026 } });
    const first = await post(a, 'retry-across');
    const retry = await post(b, 'retry-across');
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.json).toEqual(first.json);
    expect((await post(b, 'retry-across', 'Other')).status).toBe(422);
    const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i % 2 ? a : b, 'at-once', 'Raced')));
    const created = sent.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((response) => response.headers.location)).size).toBe(1);
    expect(sent.filter((response) => response.status !== 201).map((response) => response.status)).toEqual(sent.filter((response) => response.status !== 201).map(() => 409));
    for (const title of ['Once', 'Raced']) expect((await call(a, `/api/books?q=${title}`, { headers: { 'x-sandbox': 'idem' } })).json).toHaveLength(1);
  });

  it('answers 409 on one process while the same key is being performed on the other (a claim held in Redis)', async () => {
    const bearer = await token(a, 'idem-held');
    const body = { title: 'Held', author: 'Ada', year: 2026 };
    const client = a.app.sharedRedis!.client;
    // What the other process writes when it starts performing the request: the claim, with no answer yet.
    await client.hset('hs:idem:idem-held\n1\nheld-key', 'f', JSON.stringify(body));
    const busy = await call(b, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'idem-held', authorization: `Bearer ${bearer}`, 'idempotency-key': 'held-key' }, json: body });
    expect(busy.status).toBe(409);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json.rule).toBe('idempotency-key-in-progress');
  });

  it('shares export jobs: started on one process, polled and downloaded on the other', async () => {
    const started = await call(a, '/api/books/2/exports', { method: 'POST', headers: { 'x-sandbox': 'exporter' } });
    expect(started.status).toBe(202);
    const job = started.headers.location as string;
    const polled = await call(b, job, { headers: { 'x-sandbox': 'exporter' } });
    expect([200, 303]).toContain(polled.status);
    expect(polled.json.id).toBe(started.json.id);
    expect((await call(b, job, { headers: { 'x-sandbox': 'someone-else' } })).status).toBe(404);
    const key = `hs:job:exporter/${started.json.id}`;
    expect(await b.app.sharedRedis!.client.pttl(key)).toBeGreaterThan(0);
  });

  it('shares rate limits: log-ins counted on both processes together', async () => {
    const attempt = (server: TestServer) => call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': 'limited' }, json: { username: 'ada', password: 'wrong' } });
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    const refused = await attempt(a);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(b)).status).toBe(429);
  });

  it('share the classroom hub: an event published on one reaches a listener on the other, and replays there', async () => {
    expect(a.app.classroom.hub).toBeInstanceOf(RedisHub);
    const heard = new Promise<HubEvent>((resolve) => {
      const stop = b.app.classroom.hub.subscribe('room:WXYZ', (event) => {
        stop();
        resolve(event);
      });
    });
    const before = await b.app.classroom.hub.lastId('room:WXYZ');
    const published = await a.app.classroom.hub.publish('room:WXYZ', { type: 'broadcast', data: { n: 1 } });
    expect((await heard).id).toBe(published.id);
    const replay = await b.app.classroom.hub.replay('room:WXYZ', before);
    expect(replay.kind === 'events' && replay.events.map((event) => [event.id, event.json.toString()])).toEqual([[published.id, '{"n":1}']]);
  });

  it('an inbox event stream replays from Last-Event-ID out of Redis, and deleting the inbox removes its keys', async () => {
    const created = await call(a, '/app/inboxes', { method: 'POST' });
    expect(created.status).toBe(201);
    const inbox = created.json as InboxLink;
    const open = (lastEventId?: string) => SseStream.open(a.origin, inbox.eventsUrl, { key: inbox.key, ...(lastEventId === undefined ? {} : { lastEventId }) });
    const first = await open();
    expect((await first.next()).event).toBe('state');
    expect((await call(a, `${inbox.url}one`, { method: 'POST' })).status).toBeLessThan(300);
    const seen = await first.nextOf('capture');
    first.close();
    for (const path of ['two', 'three']) await call(a, `${inbox.url}${path}`, { method: 'POST' });
    const again = await open(seen.id);
    const missed = [await again.next(), await again.next()];
    expect(missed.map((event) => [event.event, JSON.parse(event.data).request.path])).toEqual([
      ['capture', '/two'],
      ['capture', '/three'],
    ]);
    expect(missed.map((event) => Number(event.id) - Number(seen.id))).toEqual([1, 2]);
    again.close();
    const keys = () => a.app.sharedRedis!.client.keys(`hs:hub:inbox:${inbox.id}:*`);
    expect((await keys()).sort()).toEqual([`hs:hub:inbox:${inbox.id}:m`, `hs:hub:inbox:${inbox.id}:s`]);
    expect((await call(a, `/app/inboxes/${inbox.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${inbox.key}` } })).status).toBe(204);
    expect(await keys()).toEqual([]);
  });

  it('a room on one process runs its events through Redis: a reconnecting student gets exactly what was missed, the instructor a capture in the room inbox', async () => {
    const room = await createRoom(a);
    const student = await joinRoom(a, room.code, 'Wi-Fi Walter');
    const instructor = await openRoom(a, room.code, room.instructorKey);
    await instructor.nextOf('state');
    const first = await openRoom(a, room.code, student.studentKey);
    await first.nextOf('state');
    await broadcast(a, room, 'seen');
    const seen = await first.nextOf('broadcast');
    first.close();
    await first.ended;
    await broadcast(a, room, 'missed-1');
    await broadcast(a, room, 'missed-2');
    const again = await openRoom(a, room.code, student.studentKey, seen.id);
    await broadcast(a, room, 'live');
    const after = [await again.next(), await again.next(), await again.next()];
    expect(after.map((event) => [event.event, JSON.parse(event.data).transcript?.id])).toEqual([
      ['broadcast', 'missed-1'],
      ['broadcast', 'missed-2'],
      ['broadcast', 'live'],
    ]);
    // Ids count every event of the room (the instructor's roster updates too), so they rise but skip some.
    const ids = [Number(seen.id), ...after.map((event) => Number(event.id))];
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(4);
    expect((await call(a, `${room.inbox.url}webhook`, { method: 'POST', json: { hello: 1 } })).status).toBeLessThan(300);
    const capture = await instructor.json('capture');
    expect(capture).toMatchObject({ scope: 'room', request: { path: '/webhook' } });
    again.close();
    instructor.close();
  });

  it('shares rooms: made on one, joined and watched on the other, switched, pushed, shared and closed across both', async () => {
    const room = await createRoom(a);
    const student = await joinRoom(b, room.code, 'Bea');
    // By the join secret too, on the other process.
    const secret = room.joinLink.split('#join=')[1]!;
    const linked = await call(b, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Cy', secret } });
    expect(linked.status).toBe(201);
    // The same name skeleton is refused whichever process the second join reaches.
    const twin = await call(a, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'BEA' } });
    expect(twin.status).toBe(409);
    expect(twin.json.detail).toMatch(/already goes by "Bea"/);
    const roster = await call(a, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) });
    expect(roster.status).toBe(200);
    expect(roster.json.students.map((entry: { name: string }) => entry.name).sort()).toEqual(['Bea', 'Cy']);

    const instructor = await openRoom(a, room.code, room.instructorKey);
    expect(JSON.parse((await instructor.nextOf('state')).data).roster).toHaveLength(2);
    const listening = await openRoom(b, room.code, student.studentKey);
    await listening.nextOf('state');
    // The instructor hears of the student's stream on the other process.
    expect(await instructor.json('presence')).toMatchObject({ studentId: student.studentId, connected: true });
    await broadcast(a, room, 'across');
    expect((await listening.json('broadcast')).transcript.id).toBe('across');

    // Fault switches flipped on A apply to the student's sandbox requests on B.
    const flipped = await call(a, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: bearer(room.instructorKey), json: { status503: true, retryAfterSeconds: 2 } });
    expect(flipped.status).toBe(200);
    expect((await listening.json('faults')).changed).toContain('status503');
    const faulted = await call(b, '/api/books', { headers: { 'x-sandbox': student.sandbox } });
    expect(faulted.status).toBe(503);
    expect(faulted.headers['x-sandbox-fault']).toBe('503');
    expect((await call(b, `/app/rooms/${room.code}/faults`, { headers: bearer(student.studentKey) })).json.status503).toBe(true);
    await call(b, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: bearer(room.instructorKey), json: {} });
    expect((await call(b, '/api/books', { headers: { 'x-sandbox': student.sandbox } })).status).toBe(200);

    // The goal pushed on A is the room's goal on B; the student's report on B shows on A's roster.
    const pushed = await call(a, `/app/rooms/${room.code}/push`, { method: 'POST', headers: bearer(room.instructorKey), json: { draft: { method: 'GET', url: '/api/books' }, goal: { goal: { status: 200 } } } });
    expect(pushed.status).toBe(200);
    const goal = (await listening.json('try-this')).goal;
    expect(goal.id).toBe(1);
    const fresh = await openRoom(b, room.code, student.studentKey);
    const state = JSON.parse((await fresh.nextOf('state')).data);
    expect(state.goal.id).toBe(1);
    expect(state.broadcasts.map((item: { transcript: { id: string } }) => item.transcript.id)).toEqual(['across']);
    fresh.close();
    const reported = await call(b, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(student.studentKey), json: { shareData: true, goal: { goalId: 1, reached: true, attempt: { method: 'GET', url: '/api/books', status: 200 } } } });
    expect(reported.status).toBe(200);
    expect((await instructor.json('progress')).student).toMatchObject({ name: 'Bea', goal: { state: 'reached' }, sharedSandbox: student.sandbox });
    const after = await call(a, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) });
    expect(after.json.students.find((entry: { name: string }) => entry.name === 'Bea')).toMatchObject({ goal: { state: 'reached' }, connected: true });

    // Closing on A ends the student's stream on B and the room on both.
    expect((await call(a, `/app/rooms/${room.code}`, { method: 'DELETE', headers: bearer(room.instructorKey) })).status).toBe(204);
    expect(await listening.json('room-closed')).toEqual({ reason: 'closed' });
    await listening.ended;
    await instructor.ended;
    expect((await call(b, `/app/rooms/${room.code}`)).status).toBe(404);
    expect((await call(b, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Late', secret } })).status).toBe(404);
    expect(await a.app.sharedRedis!.client.keys(`hs:room:${room.code}*`)).toEqual([]);
    // The student's inbox, made on B, went with the room.
    await expect.poll(() => b.app.classroom.inboxes.get(student.inbox.id), { timeout: 10_000 }).toBeUndefined();
  });

  it('a room expires by Redis TTL, which the processes holding its event streams keep refreshing', async () => {
    const watched = await createRoom(a);
    const idle = await createRoom(a);
    const student = await joinRoom(a, watched.code, 'Dee');
    const stream = await openRoom(b, watched.code, student.studentKey);
    await stream.nextOf('state');
    const client = a.app.sharedRedis!.client;
    for (const room of [watched, idle]) await client.pexpire(`hs:room:${room.code}`, 5_000);
    await b.app.classroom.rooms.sweep();
    await a.app.classroom.rooms.sweep();
    // The student's stream on B keeps its room for a whole idle period again; nobody watches the other.
    expect(await client.pttl(`hs:room:${watched.code}`)).toBeGreaterThan(60_000);
    expect(await client.pttl(`hs:room:${idle.code}`)).toBeLessThanOrEqual(5_000);
    await client.del(`hs:room:${idle.code}`);
    expect((await call(b, `/app/rooms/${idle.code}`)).status).toBe(404);
    // The process that made the expired room's inbox lets it go at its next sweep.
    await a.app.classroom.rooms.sweep();
    expect(await a.app.classroom.inboxes.get(idle.inbox.id)).toBeUndefined();
    // Should that process be gone, any other's sweep removes a room inbox whose room has gone (once it is a
    // minute old: a room's inbox is made just before the room).
    const orphaned = await createRoom(a);
    await client.del(`hs:room:${orphaned.code}`);
    await b.app.classroom.inboxes.sweep();
    expect(await b.app.classroom.inboxes.get(orphaned.inbox.id)).toBeDefined();
    await client.hset(`hs:inbox:${orphaned.inbox.id}`, 'last', Date.now() - 61_000);
    await b.app.classroom.inboxes.sweep();
    expect(await b.app.classroom.inboxes.get(orphaned.inbox.id)).toBeUndefined();
    expect(await client.hexists('hs:inboxes', orphaned.inbox.id)).toBe(0);
    stream.close();
  });

  it('shares inboxes: made on one, captured, configured, listed, cleared and deleted on either', async () => {
    const created = await call(a, '/app/inboxes', { method: 'POST' });
    expect(created.status).toBe(201);
    const inbox = created.json as InboxLink;
    const auth = bearer(inbox.key);
    const stream = await SseStream.open(a.origin, inbox.eventsUrl, { key: inbox.key });
    await stream.nextOf('state');
    const configured = await call(b, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: auth, json: { status: 202, headers: [['X-Kept', 'on A']], body: 'queued' } });
    expect(configured.status).toBe(200);
    const sent = await call(a, `${inbox.url}hook`, { method: 'POST', json: { n: 1 } });
    expect(sent.status).toBe(202);
    expect(sent.headers['x-kept']).toBe('on A');
    expect(sent.text).toBe('queued');
    expect((await call(b, `${inbox.url}hook2`, { method: 'POST' })).status).toBe(202);
    expect((await stream.json('capture')).request).toMatchObject({ seq: 1, path: '/hook' });
    expect((await stream.json('capture')).request).toMatchObject({ seq: 2, path: '/hook2' });
    const listed = await call(b, inbox.requestsUrl, { headers: auth });
    expect(listed.json.requests.map((request: { path: string }) => request.path)).toEqual(['/hook', '/hook2']);
    expect((await call(a, inbox.requestsUrl, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await call(b, inbox.requestsUrl, { headers: auth })).json.requests).toEqual([]);
    expect((await call(b, `/app/inboxes/${inbox.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    await stream.ended;
    expect((await call(a, `${inbox.url}late`, { method: 'POST' })).status).toBe(404);
    expect(await a.app.sharedRedis!.client.keys(`hs:inbox:${inbox.id}*`)).toEqual([]);
  });

  it('relays room and student inbox captures to the room from whichever process they reach', async () => {
    const room = await createRoom(a);
    const student = await joinRoom(b, room.code, 'Eve');
    const instructor = await openRoom(a, room.code, room.instructorKey);
    await instructor.nextOf('state');
    const listening = await openRoom(b, room.code, student.studentKey);
    await listening.nextOf('state');
    // The student's inbox was made on B; a request to it lands on A.
    expect((await call(a, `${student.inbox.url}mine`, { method: 'POST' })).status).toBeLessThan(300);
    expect(await listening.json('capture')).toMatchObject({ scope: 'you', request: { path: '/mine' } });
    // The room's inbox was made on A; a request to it lands on B, with a secret that stays masked.
    expect((await call(b, `${room.inbox.url}all`, { method: 'POST', headers: { authorization: 'Bearer hush-123456' } })).status).toBeLessThan(300);
    const shown = await instructor.json('capture');
    expect(shown).toMatchObject({ scope: 'room', request: { path: '/all' } });
    expect(JSON.stringify(shown)).not.toContain('hush-123456');
    expect((await listening.json('capture')).scope).toBe('room');
    // Closing the room on B removes every inbox of the room, wherever it was made.
    expect((await call(b, `/app/rooms/${room.code}`, { method: 'DELETE', headers: bearer(room.instructorKey) })).status).toBe(204);
    await instructor.ended;
    for (const url of [student.inbox.url, room.inbox.url]) expect((await call(a, `${url}after`, { method: 'POST' })).status).toBe(404);
  });

  it('counts a member’s streams on every live process, and none of a process that stopped being heard from', async () => {
    const room = await createRoom(a);
    const student = await joinRoom(b, room.code, 'Gus');
    const client = a.app.sharedRedis!.client;
    const key = `hs:room:${room.code}`;
    // A process killed with two of the student's streams open, last heard from ten minutes ago.
    await client.hset(key, `c:${student.studentId}@ghost`, 2, 'i@ghost', 1, 'hb@ghost', Date.now() - 600_000);
    const roster = async () => (await call(a, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) })).json.students[0];
    expect(await roster()).toMatchObject({ connected: false, connections: 0 });
    const instructor = await openRoom(a, room.code, room.instructorKey);
    await instructor.nextOf('state');
    const stream = await openRoom(b, room.code, student.studentKey);
    await stream.nextOf('state');
    expect(await instructor.json('presence')).toMatchObject({ studentId: student.studentId, connected: true, connections: 1 });
    // One heard from just now counts.
    await client.hset(key, 'hb@ghost', Date.now());
    expect(await roster()).toMatchObject({ connected: true, connections: 3 });
    stream.close();
    expect(await instructor.json('presence')).toMatchObject({ studentId: student.studentId, connections: 2 });
    instructor.close();
  });

  it('answers 503 within the command timeout when Redis hangs without closing its connection, then serves again', async () => {
    await call(a, '/api/books', { headers: { 'x-sandbox': 'frozen' } });
    redis.pause();
    try {
      const started = Date.now();
      const read = await call(a, '/api/books', { headers: { 'x-sandbox': 'frozen' } });
      expect(read.status).toBe(503);
      expect(read.json.detail).toMatch(/Command timed out/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      redis.resume();
    }
    expect((await call(a, '/api/books', { headers: { 'x-sandbox': 'frozen' } })).status).toBe(200);
  });

  it('answers 503 with Retry-After while Redis is down, keeps serving what needs no Redis, and recovers when it is back', async () => {
    await redis.stop();
    for (const server of [a, b]) {
      const read = await call(server, '/api/books', { headers: { 'x-sandbox': 'maya' } });
      expect(read.status).toBe(503);
      expect(read.headers['retry-after']).toBe('5');
      expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(read.json.detail).toMatch(/shared store \(Redis\).*is not answering.*Nothing was changed by this request\. Try again in 5 s/);
      const login = await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': 'maya' }, json: { username: 'ada', password: 'lovelace' } });
      expect(login.status).toBe(503);
      // What needs no shared state still works: the process did not crash.
      expect((await call(server, '/get')).status).toBe(200);
    }
    // Each server reconnects by itself (connection errors meanwhile are expected); wait for both to say so.
    const back = [a, b].map((server) => new Promise((resolve) => server.app.sharedRedis!.client.once('ready', resolve)));
    await redis.start();
    await Promise.all(back);
    // This test's Redis keeps nothing on disk, so the sandbox comes back as the seed; a real one would keep it.
    for (const server of [a, b]) {
      const read = await call(server, '/api/books', { headers: { 'x-sandbox': 'maya' } });
      expect(read.status).toBe(200);
      expect(read.json).toHaveLength(10);
    }
    const bearer = await token(b, 'after');
    expect((await call(a, '/api/session', { headers: { 'x-sandbox': 'after', authorization: `Bearer ${bearer}` } })).status).toBe(200);
  });
});
