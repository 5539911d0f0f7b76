import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_CODE } from '../../../server/classroom/ids';
import type { RoomCreated, RoomEvents, StudentJoined } from '../../../server/protocol/classroom-types';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, broadcast, createRoom, joinRoom, openRoom, TEST_SETTINGS, transcript } from './helpers';
import { SseStream } from './sse-client';

describe('rooms', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(TEST_SETTINGS);
  });
  afterAll(() => server.close());

  describe('POST /app/rooms and joining', () => {
    it('gives the instructor an 8-letter code without look-alikes, a join link with a secret, a key, a sandbox and an inbox', async () => {
      const room = await createRoom(server, 'Status codes');
      expect(room.code).toMatch(ROOM_CODE);
      expect(room.code).toMatch(/^[A-Z]{8}$/);
      expect(room.code).not.toMatch(/[AEIOUYL0-9]/);
      expect(room.joinLink).toMatch(new RegExp(`^/room/${room.code}#join=[A-Za-z0-9_-]{22}$`));
      // The instructor's sandbox cannot be derived from the code: a secret follows it.
      expect(room.sandbox).toMatch(new RegExp(`^room-${room.code.toLowerCase()}-[a-z2-9]{12}$`));
      expect(room).toMatchObject({
        title: 'Status codes',
        joinUrl: `/room/${room.code}`,
        eventsUrl: `/app/rooms/${room.code}/events`,
        faults: { latencyMs: 0, status429: false, status503: false, drop: false },
      });
      expect(room.instructorKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(room.inbox.url).toBe(`/inbox/${room.inbox.id}/`);
      expect(room.inboxUrl).toBe(room.inbox.url);
    });

    it('works without a body too', async () => {
      const response = await call(server, '/app/rooms', { method: 'POST' });
      expect(response.status).toBe(201);
      expect(response.json.title).toBe('');
    });

    it.each([
      ['in lower case', (code: string) => code.toLowerCase()],
      ['with the dash the projector shows', (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`],
      ['with a space', (code: string) => `${code.slice(0, 4)}%20${code.slice(4)}`],
    ])('lets a student check a code (%s) before joining, and shows only its code and title', async (_how, spell) => {
      const room = await createRoom(server);
      const response = await call(server, `/app/rooms/${spell(room.code)}`);
      expect(response.status).toBe(200);
      // No inbox address, no sandbox, no count: a code alone tells nothing to act on.
      expect(response.json).toEqual({ code: room.code, title: 'HTTP 101' });
    });

    it('lets a student join by code with a display name, stored as the text typed', async () => {
      const room = await createRoom(server);
      const student = await joinRoom(server, room.code.toLowerCase(), '  <b>Maya</b>  ');
      expect(student).toMatchObject({ name: '<b>Maya</b>', room: { code: room.code, students: 1 }, eventsUrl: room.eventsUrl });
      expect(student.sandbox).toBe(`room-${room.code.toLowerCase()}-${student.studentId}`);
      expect(student.studentKey).not.toBe(room.instructorKey);
      expect(student.inbox.id).not.toBe(room.inbox.id);
    });

    it.each([
      ['an empty name', '  ', /empty/],
      ['a name too long', 'x'.repeat(41), /at most 40/],
      ['a right-to-left override', 'a\u202Eb', /invisible/],
    ])('refuses %s with 422 naming the field', async (_what, name, reason) => {
      const room = await createRoom(server);
      const response = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name } });
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json.errors[0]).toMatchObject({ field: 'name', location: 'body', message: expect.stringMatching(reason) });
    });
  });

  describe('GET /app/rooms/:code/events', () => {
    it('is an event stream that starts with the room state', async () => {
      const room = await createRoom(server);
      const stream = await openRoom(server, room.code, room.instructorKey);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-cache, no-transform');
      expect(stream.headers['content-encoding']).toBeUndefined();
      const first = await stream.next();
      expect(first.event).toBe('state');
      // Ids start at the server's clock, so they keep growing across a restart.
      expect(Number(first.id)).toBeGreaterThan(Date.now() - 60_000);
      expect(JSON.parse(first.data)).toMatchObject({ room: { code: room.code }, you: { role: 'instructor' }, roster: [], missed: false, broadcasts: [], captures: [], goal: null });
      expect(stream.parser.retry).toBe(2000);
      stream.close();
    });

    it('delivers a broadcast to every subscriber, in order, each with an id', async () => {
      const room = await createRoom(server);
      const students = await Promise.all(['Ada', 'Grace', 'Linus'].map((name) => joinRoom(server, room.code, name)));
      const streams = await Promise.all([
        openRoom(server, room.code, room.instructorKey),
        ...students.map((student) => openRoom(server, room.code, student.studentKey)),
      ]);
      for (const stream of streams) await stream.nextOf('state');
      const ids = ['t1', 't2', 't3', 't4', 't5'];
      for (const id of ids) expect((await broadcast(server, room, id)).status).toBe(200);

      for (const stream of streams) {
        const received = [];
        for (const _ of ids) received.push(await stream.nextOf('broadcast'));
        expect(received.map((event) => JSON.parse(event.data).transcript.id)).toEqual(ids);
        const eventIds = received.map((event) => Number(event.id));
        expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
        expect(new Set(eventIds).size).toBe(ids.length);
        stream.close();
      }
    });

    it('answers a broadcast with its event id and how many streams are open', async () => {
      const room = await createRoom(server);
      const stream = await openRoom(server, room.code, room.instructorKey);
      await stream.nextOf('state');
      const response = await broadcast(server, room, 'x', 'Look at the status line');
      expect(response.json).toEqual({ eventId: expect.stringMatching(/^\d+$/), streams: 1 });
      expect(JSON.parse((await stream.nextOf('broadcast')).data)).toMatchObject({ note: 'Look at the status line', transcript: { id: 'x' } });
      stream.close();
    });

    it('replays exactly what a reconnecting student missed (Last-Event-ID), then continues live', async () => {
      const room = await createRoom(server);
      const student = await joinRoom(server, room.code, 'Wi-Fi Walter');
      const first = await openRoom(server, room.code, student.studentKey);
      await first.nextOf('state');
      await broadcast(server, room, 'seen');
      const seen = await first.nextOf('broadcast');
      first.close();
      await first.ended;

      await broadcast(server, room, 'missed-1');
      await broadcast(server, room, 'missed-2');
      const again = await openRoom(server, room.code, student.studentKey, seen.id);
      await broadcast(server, room, 'live');
      const after = [await again.next(), await again.next(), await again.next()];
      expect(after.map((event) => [event.event, JSON.parse(event.data).transcript?.id])).toEqual([
        ['broadcast', 'missed-1'],
        ['broadcast', 'missed-2'],
        ['broadcast', 'live'],
      ]);
      const ids = after.map((event) => Number(event.id));
      expect(ids.every((id) => id > Number(seen.id))).toBe(true);
      expect(new Set(ids).size).toBe(3);
      again.close();
    });

    it('sends a fresh state with missed: true when the missed events are no longer kept', async () => {
      const room = await createRoom(server);
      const stream = await openRoom(server, room.code, room.instructorKey, '999999');
      const state = await stream.next();
      expect(state.event).toBe('state');
      expect(JSON.parse(state.data).missed).toBe(true);
      stream.close();
    });

    it('gives a late joiner every recent broadcast, in order, with the ids of their events', async () => {
      const room = await createRoom(server);
      const ids: string[] = [];
      for (const id of ['first', 'second', 'on-the-projector']) ids.push((await broadcast(server, room, id)).json.eventId);
      const student = await joinRoom(server, room.code, 'Late Lee');
      const stream = await openRoom(server, room.code, student.studentKey);
      const state: RoomEvents['state'] = await stream.json('state');
      expect(state.broadcasts.map((b) => [b.transcript.id, b.seq, b.eventId])).toEqual([
        ['first', 1, ids[0]],
        ['second', 2, ids[1]],
        ['on-the-projector', 3, ids[2]],
      ]);
      expect(state.you).toEqual({ role: 'student', studentId: student.studentId, name: 'Late Lee' });
      expect(state.roster).toBeUndefined();
      stream.close();
    });

    it('sends a heartbeat comment while nothing happens', async () => {
      const quick = await startServer({ ...TEST_SETTINGS, sseHeartbeatMs: 30 });
      const room = await createRoom(quick);
      const stream = await openRoom(quick, room.code, room.instructorKey);
      expect(await stream.waitForComments(3)).toEqual(['connected', 'heartbeat', 'heartbeat']);
      stream.close();
      await quick.close();
    });
  });

  describe('try this, progress and the roster', () => {
    let room: RoomCreated;
    let ada: StudentJoined;
    let bob: StudentJoined;
    let instructor: SseStream;
    let adaStream: SseStream;
    let bobStream: SseStream;
    beforeAll(async () => {
      room = await createRoom(server);
      instructor = await openRoom(server, room.code, room.instructorKey);
      await instructor.nextOf('state');
      ada = await joinRoom(server, room.code, 'Ada');
      bob = await joinRoom(server, room.code, 'Bob');
      adaStream = await openRoom(server, room.code, ada.studentKey);
      bobStream = await openRoom(server, room.code, bob.studentKey);
    });
    afterAll(() => {
      for (const stream of [instructor, adaStream, bobStream]) stream.close();
    });

    it('tells the instructor who joined and who is connected', async () => {
      expect((await instructor.json('student-joined')).student).toMatchObject({ name: 'Ada', connected: false });
      expect((await instructor.json('student-joined')).student).toMatchObject({ name: 'Bob' });
      const presence = [await instructor.json('presence'), await instructor.json('presence')];
      expect(presence).toEqual(
        expect.arrayContaining([
          { studentId: ada.studentId, connected: true, connections: 1 },
          { studentId: bob.studentId, connected: true, connections: 1 },
        ]),
      );
    });

    it('pushes a "try this" request to everyone, or to one student only', async () => {
      const draft = { method: 'POST', url: '/api/books', headers: [], bodyType: 'json', body: '{"title":"Dune"}' };
      const toAda = await call(server, `/app/rooms/${room.code}/push`, {
        method: 'POST',
        headers: bearer(room.instructorKey),
        json: { draft, message: 'Only Ada', studentId: ada.studentId },
      });
      expect(toAda.status).toBe(200);
      await call(server, `/app/rooms/${room.code}/push`, { method: 'POST', headers: bearer(room.instructorKey), json: { draft, message: 'Everyone' } });
      expect((await adaStream.json('try-this')).message).toBe('Only Ada');
      expect(await adaStream.json('try-this')).toEqual({ draft, message: 'Everyone' });
      // Bob's next push is the one for everyone: the one for Ada never reached him.
      expect((await bobStream.json('try-this')).message).toBe('Everyone');
    });

    it('refuses a push to a student who is not in the room', async () => {
      const response = await call(server, `/app/rooms/${room.code}/push`, {
        method: 'POST',
        headers: bearer(room.instructorKey),
        json: { draft: { method: 'GET', url: '/api/books' }, studentId: 'nobody12' },
      });
      expect(response.status).toBe(422);
      expect(response.json.errors[0].field).toBe('studentId');
    });

    it("shows the instructor a student's shared progress, live and in the roster", async () => {
      const lastExchange = { method: 'GET', url: '/api/books/1', status: 404, durationMs: 3 };
      const progress = { lessonId: 'status-codes', step: 3, steps: 5 };
      const response = await call(server, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(ada.studentKey), json: { lastExchange, progress } });
      expect(response.status).toBe(200);
      expect((await instructor.json('progress')).student).toMatchObject({ studentId: ada.studentId, lastExchange, progress });
      const roster = await call(server, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) });
      expect(roster.json.students).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ studentId: ada.studentId, name: 'Ada', connected: true, lastExchange, progress }),
          expect.objectContaining({ studentId: bob.studentId, name: 'Bob', lastExchange: null, progress: null }),
        ]),
      );
    });

    it('refuses an empty progress report', async () => {
      const response = await call(server, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(bob.studentKey), json: {} });
      expect(response.status).toBe(422);
      expect(response.json.detail).toMatch(/lastExchange, progress, goal or several/);
    });

    it('pushes a goal, and the roster shows who reached it, who did not yet, and who has not tried', async () => {
      const goal = { all: [{ status: 304 }, { requestHeader: { name: 'If-None-Match' } }] };
      const pushed = await call(server, `/app/rooms/${room.code}/push`, {
        method: 'POST',
        headers: bearer(room.instructorKey),
        json: { draft: { method: 'GET', url: '/api/books/1' }, message: 'Make the server answer 304', goal: { goal } },
      });
      expect(pushed.status).toBe(200);
      const seen = (await adaStream.json('try-this')).goal;
      expect(seen).toMatchObject({ goal, description: 'status 304 and the request header If-None-Match' });
      expect((await bobStream.json('try-this')).goal).toEqual(seen);
      const report = (who: StudentJoined, reached: boolean, url: string, status: number) =>
        call(server, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(who.studentKey), json: { goal: { goalId: seen.id, reached, attempt: { method: 'GET', url, status } } } });

      expect((await report(ada, false, '/status/304?why=shortcut', 304)).status).toBe(200);
      expect((await instructor.json('progress')).student.goal).toMatchObject({ goalId: seen.id, state: 'not-yet', attempt: { url: '/status/304?why=shortcut' } });
      expect((await report(ada, true, '/api/books/1?fresh=1', 304)).status).toBe(200);
      expect((await instructor.json('progress')).student.goal).toMatchObject({ state: 'reached', attempt: { url: '/api/books/1?fresh=1', status: 304 } });
      // A later miss does not take the tick away.
      await report(ada, false, '/api/books/1', 200);
      expect((await instructor.json('progress')).student.goal).toMatchObject({ state: 'reached' });

      const roster = await call(server, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) });
      const byName = Object.fromEntries(roster.json.students.map((s: { name: string; goal: unknown }) => [s.name, s.goal]));
      expect(byName.Ada).toMatchObject({ state: 'reached' });
      expect(byName.Bob).toBeNull();
      const fresh = await openRoom(server, room.code, room.instructorKey);
      expect((await fresh.json('state')).goal).toEqual(seen);
      fresh.close();
    });

    it("lets a student share their sandbox's data with the instructor, and stop", async () => {
      const share = (on: boolean) => call(server, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(bob.studentKey), json: { shareData: on } });
      expect((await share(true)).json.sharedSandbox).toBe(bob.sandbox);
      expect((await instructor.json('progress')).student).toMatchObject({ studentId: bob.studentId, sharedSandbox: bob.sandbox });
      expect((await share(false)).json.sharedSandbox).toBeNull();
      expect((await instructor.json('progress')).student.sharedSandbox).toBeNull();
    });

    it('refuses a goal it cannot check, and a report about a goal that is not the current one', async () => {
      const bad = await call(server, `/app/rooms/${room.code}/push`, {
        method: 'POST',
        headers: bearer(room.instructorKey),
        json: { draft: { method: 'GET', url: '/api/books' }, goal: { goal: { statuz: 200 } } },
      });
      expect(bad.status).toBe(422);
      expect(bad.json.detail).toMatch(/goal cannot be checked/);
      expect(bad.json.errors[0].field).toBe('goal.goal');
      const stale = await call(server, `/app/rooms/${room.code}/progress`, {
        method: 'POST',
        headers: bearer(bob.studentKey),
        json: { goal: { goalId: 999, reached: true, attempt: { method: 'GET', url: '/', status: 200 } } },
      });
      expect(stale.status).toBe(409);
      expect(stale.json.detail).toMatch(/not the room's current goal/);
    });

    it('tells the instructor when a student leaves', async () => {
      const extra = await openRoom(server, room.code, bob.studentKey);
      expect(await instructor.json('presence')).toEqual({ studentId: bob.studentId, connected: true, connections: 2 });
      extra.close();
      expect(await instructor.json('presence')).toEqual({ studentId: bob.studentId, connected: true, connections: 1 });
    });
  });

  describe('keys', () => {
    let room: RoomCreated;
    let student: StudentJoined;
    beforeAll(async () => {
      room = await createRoom(server);
      student = await joinRoom(server, room.code, 'Eve');
    });

    const actions = [
      ['broadcast', 'POST', 'broadcast', { transcript: transcript('k') }],
      ['push', 'POST', 'push', { draft: { method: 'GET', url: '/api/books' } }],
      ['see the roster', 'GET', 'roster', undefined],
      ['flip fault switches', 'PUT', 'faults', { status503: false }],
      ['close the room', 'DELETE', '', undefined],
    ] as const;

    it.each(actions)('asks for a key (401 with WWW-Authenticate) to %s', async (_what, method, path, json) => {
      const response = await call(server, `/app/rooms/${room.code}/${path}`.replace(/\/$/, ''), { method, json });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="room"');
      expect(response.json).toMatchObject({ type: '/problems/key-required', detail: expect.stringMatching(/Authorization: Bearer/) });
    });

    it.each(actions)('refuses a wrong key (403) to %s', async (_what, method, path, json) => {
      const response = await call(server, `/app/rooms/${room.code}/${path}`.replace(/\/$/, ''), { method, json, headers: bearer('not-the-key') });
      expect(response.status).toBe(403);
      expect(response.json.type).toBe('/problems/wrong-key');
    });

    it.each(actions)("refuses a student's key (403) to %s", async (_what, method, path, json) => {
      const response = await call(server, `/app/rooms/${room.code}/${path}`.replace(/\/$/, ''), { method, json, headers: bearer(student.studentKey) });
      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ type: '/problems/instructor-only', detail: expect.stringMatching(/^Only the instructor/) });
    });

    it('does not take the join code as a key', async () => {
      const response = await call(server, `/app/rooms/${room.code}/roster`, { headers: bearer(room.code) });
      expect(response.status).toBe(403);
      expect(response.json.detail).toMatch(/A join code is not a key/);
    });

    it.each([
      ['no key', {}, 401],
      ['a wrong key', bearer('x'), 403],
    ])('refuses the event stream with %s', async (_what, headers, status) => {
      const response = await call(server, `/app/rooms/${room.code}/events`, { headers });
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('takes the key from ?key= for EventSource, which cannot send headers', async () => {
      const stream = await SseStream.open(server.origin, `/app/rooms/${room.code}/events?key=${encodeURIComponent(student.studentKey)}`);
      expect(stream.status).toBe(200);
      stream.close();
    });

    it("refuses the instructor's key for a student's progress report", async () => {
      const response = await call(server, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: bearer(room.instructorKey), json: { progress: { lessonId: 'x', step: 1 } } });
      expect(response.status).toBe(403);
      expect(response.json.type).toBe('/problems/forbidden');
    });

    it.each([
      ['GET', '/app/rooms/ZZZZZZZZ'],
      ['POST', '/app/rooms/ZZZZZZZZ/join'],
      ['GET', '/app/rooms/ZZZZ-ZZZZ/events'],
      ['GET', '/app/rooms/not-a-code/roster'],
    ])('answers 404 for %s %s, a room that does not exist', async (method, path) => {
      const response = await call(server, path, { method, json: method === 'POST' ? { name: 'x' } : undefined, headers: bearer(room.instructorKey) });
      expect(response.status).toBe(404);
      expect(response.json.detail).toMatch(/A room code is 8 letters, such as KXMP-QRTW/);
    });

    it('answers 405 with Allow for a method a room URL does not support', async () => {
      const response = await call(server, `/app/rooms/${room.code}/broadcast`, { method: 'GET' });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST, OPTIONS');
    });
  });

  describe('closing a room', () => {
    it('tells every stream, ends them, and forgets the room and its inbox', async () => {
      const room = await createRoom(server);
      const student = await joinRoom(server, room.code, 'Sam');
      const streams = [await openRoom(server, room.code, room.instructorKey), await openRoom(server, room.code, student.studentKey)];
      for (const stream of streams) await stream.nextOf('state');
      const response = await call(server, `/app/rooms/${room.code}`, { method: 'DELETE', headers: bearer(room.instructorKey) });
      expect(response.status).toBe(204);
      for (const stream of streams) {
        expect(await stream.json('room-closed')).toEqual({ reason: 'closed' });
        await stream.ended;
      }
      expect((await call(server, `/app/rooms/${room.code}`)).status).toBe(404);
      expect((await call(server, room.inbox.url, { method: 'POST', body: 'x' })).status).toBe(404);
      expect((await call(server, student.inbox.url)).status).toBe(404);
    });
  });
});

describe('room limits', () => {
  it('answers 409 when the room is full', async () => {
    const server = await startServer({ ...TEST_SETTINGS, roomStudentMax: 2 });
    const room = await createRoom(server);
    await joinRoom(server, room.code, 'One');
    await joinRoom(server, room.code, 'Two');
    const response = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Three' } });
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ type: '/problems/room-full', limit: 2, detail: expect.stringMatching(/already has 2 students/) });
    await server.close();
  });

  it('answers 503 with Retry-After when the server holds as many rooms as it may', async () => {
    const server = await startServer({ ...TEST_SETTINGS, roomMax: 1 });
    await createRoom(server);
    const response = await call(server, '/app/rooms', { method: 'POST' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('60');
    expect(response.json.detail).toMatch(/already holds 1 rooms/);
    await server.close();
  });

  it('answers 503 when the server has as many event streams open as it may', async () => {
    const server = await startServer({ ...TEST_SETTINGS, streamMax: 1 });
    const room = await createRoom(server);
    const open = await openRoom(server, room.code, room.instructorKey);
    const refused = await call(server, `/app/rooms/${room.code}/events`, { headers: bearer(room.instructorKey) });
    expect(refused.status).toBe(503);
    expect(refused.json.detail).toMatch(/Too many live event streams/);
    open.close();
    await server.close();
  });

  it('answers 429 when one client makes rooms too fast', async () => {
    const server = await startServer({ ...TEST_SETTINGS, classroomCreatePerMinute: 2 });
    await createRoom(server);
    await createRoom(server);
    const response = await call(server, '/app/rooms', { method: 'POST' });
    expect(response.status).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json.detail).toMatch(/Too many new rooms/);
    await server.close();
  });

  it.each([
    ['a transcript without exchanges', { transcript: { ...transcript('x'), exchanges: [] } }, 'transcript.exchanges'],
    ['a note too long', { transcript: transcript('x'), note: 'x'.repeat(501) }, 'note'],
    ['an unknown field', { transcript: transcript('x'), extra: 1 }, 'extra'],
    // The send endpoint's own transcript schema, all of it: warnings and the bytes received are checked too.
    ['a warning that is not text', { transcript: { ...transcript('x'), exchanges: [{ ...transcript('x').exchanges[0]!, warnings: [{ text: 'Body on GET' }] }] } }, 'transcript.exchanges.0.warnings.0'],
    ['received bytes that are not text', { transcript: { ...transcript('x'), exchanges: [{ ...transcript('x').exchanges[0]!, error: { code: 'HPE', message: 'bad', received: { bytes: 'HTTP/1.1' } } }] } }, 'transcript.exchanges.0.error.received'],
  ])('refuses a broadcast with %s (422 naming the field)', async (_what, json, field) => {
    const server = await startServer(TEST_SETTINGS);
    const room = await createRoom(server);
    const response = await call(server, `/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: bearer(room.instructorKey), json });
    expect(response.status).toBe(422);
    expect(response.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    await server.close();
  });

  it('refuses a broadcast larger than 1 MiB with 413', async () => {
    const server = await startServer(TEST_SETTINGS);
    const room = await createRoom(server);
    const big = transcript('big');
    big.exchanges[0]!.request.raw = 'x'.repeat(1_100_000);
    const response = await call(server, `/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: bearer(room.instructorKey), json: { transcript: big } });
    expect(response.status).toBe(413);
    expect(response.json.type).toBe('/problems/payload-too-large');
    await server.close();
  });
});

describe('shutting down', () => {
  it('app.close() ends every open event stream instead of waiting for the clients', async () => {
    const server = await startServer(TEST_SETTINGS);
    const room = await createRoom(server);
    const inbox = (await call(server, '/app/inboxes', { method: 'POST' })).json;
    const streams = [
      await openRoom(server, room.code, room.instructorKey),
      await openRoom(server, room.code, room.instructorKey),
      await SseStream.open(server.origin, inbox.eventsUrl, { key: inbox.key }),
    ];
    for (const stream of streams) await stream.nextOf('state');
    await server.close();
    await Promise.all(streams.map((stream) => stream.ended));
    expect(streams.every((stream) => stream.isEnded)).toBe(true);
    expect(server.app.classroom.streams.size).toBe(0);
  });

  it('frees a stream when its client leaves', async () => {
    const server = await startServer(TEST_SETTINGS);
    const room = await createRoom(server);
    const student = await joinRoom(server, room.code, 'Leaver');
    const instructor = await openRoom(server, room.code, room.instructorKey);
    const leaving = await openRoom(server, room.code, student.studentKey);
    expect(await instructor.json('presence')).toMatchObject({ connected: true });
    leaving.close();
    expect(await instructor.json('presence')).toMatchObject({ connected: false, connections: 0 });
    expect(server.app.classroom.streams.count(`room:${room.code}`)).toBe(1);
    instructor.close();
    await server.close();
  });
});
