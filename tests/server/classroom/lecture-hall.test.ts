// A lecture hall behind one address: 300 students, every one on 127.0.0.1 as behind a classroom's NAT,
// each with the sandbox cookie their browser got, join one room with the server's default limits and
// listen to its event stream; the instructor's push reaches all of them. (The per-address connection
// ceiling was 256, which cut the 256th stream.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import { roomChannel } from '../../../server/classroom/rooms';
import { DEFAULT_CONFIG } from '../../../server/config';
import { call, startServer, type TestServer } from '../../helpers/server';
import { STREAMS_PER_MEMBER } from '../../../server/http/connection-limit';
import { bearer, createRoom, joinRoom } from './helpers';
import { SseStream } from './sse-client';

const STUDENTS = 300;

describe('a lecture hall of 300 students behind one address', () => {
  let server: TestServer;
  let room: RoomCreated;
  const streams: SseStream[] = [];
  const students: StudentJoined[] = [];

  beforeAll(async () => {
    // Default limits, only the heartbeat moved out of the way.
    server = await startServer({ sseHeartbeatMs: 60_000 });
    room = await createRoom(server, 'Lecture hall');
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await server.close();
  });

  it('lets every student join with the default limits', async () => {
    const joins = await Promise.all(
      Array.from({ length: STUDENTS }, (_, i) =>
        call(server, `/app/rooms/${room.code}/join`, { method: 'POST', headers: { cookie: `sandbox=hall-${i}` }, json: { name: `Student ${i + 1}` } }),
      ),
    );
    expect(joins.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    students.push(...joins.map((r) => r.json as StudentJoined));
  });

  it('opens all 300 event streams, more than the old ceiling of 256 connections per address', async () => {
    expect(students).toHaveLength(STUDENTS);
    const opened = await Promise.all(
      students.map((student, i) =>
        SseStream.open(server.origin, `/app/rooms/${room.code}/events`, { key: student.studentKey, headers: { cookie: `sandbox=hall-${i}` } }),
      ),
    );
    streams.push(...opened);
    expect(opened.map((s) => s.status)).toEqual(Array.from({ length: STUDENTS }, () => 200));
    await Promise.all(opened.map((s) => s.nextOf('state')));
    expect(server.app.classroom.streams.count(roomChannel(room.code))).toBe(STUDENTS);
    expect(STUDENTS).toBeLessThanOrEqual(DEFAULT_CONFIG.maxConnectionsPerClient);
  });

  it("delivers the instructor's push to every one of the 300 streams", async () => {
    const draft = { method: 'GET', url: '/api/books/3' };
    const pushed = await call(server, `/app/rooms/${room.code}/push`, { method: 'POST', headers: bearer(room.instructorKey), json: { draft, message: 'Everyone, send this now' } });
    expect(pushed.status).toBe(200);
    expect(pushed.json.streams).toBe(STUDENTS);
    const received = await Promise.all(streams.map((s) => s.json('try-this')));
    expect(received.filter((event) => event.message === 'Everyone, send this now' && event.draft.url === '/api/books/3')).toHaveLength(STUDENTS);
  });
});

describe('event streams per room member', () => {
  it(`lets one key hold ${STREAMS_PER_MEMBER} streams (tabs), answers the next with 503 and Retry-After, and admits it again once a tab closes`, async () => {
    const server = await startServer({ sseHeartbeatMs: 60_000 });
    const opened: SseStream[] = [];
    try {
      const room = await createRoom(server, 'Tabs');
      const student = await joinRoom(server, room.code, 'Many Tabs');
      const teacher = await SseStream.open(server.origin, `/app/rooms/${room.code}/events`, { key: room.instructorKey });
      opened.push(teacher);
      for (let i = 0; i < STREAMS_PER_MEMBER; i += 1) {
        const tab = await SseStream.open(server.origin, `/app/rooms/${room.code}/events`, { key: student.studentKey });
        expect(tab.status).toBe(200);
        opened.push(tab);
      }
      const refused = await call(server, `/app/rooms/${room.code}/events`, { headers: bearer(student.studentKey) });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.json).toMatchObject({ type: '/problems/capacity-reached', limit: STREAMS_PER_MEMBER });
      expect(refused.json.detail).toMatch(/Close the other tabs/);

      // Another student of the same room, behind the same address, is not affected.
      const other = await joinRoom(server, room.code, 'One Tab');
      const otherTab = await SseStream.open(server.origin, `/app/rooms/${room.code}/events`, { key: other.studentKey });
      opened.push(otherTab);
      expect(otherTab.status).toBe(200);

      // A tab closes; once the server has seen it go (the instructor's roster says so), a new one opens.
      opened[1]!.close();
      for (;;) {
        const presence = await teacher.json('presence');
        if (presence.studentId === student.studentId && presence.connections === STREAMS_PER_MEMBER - 1) break;
      }
      const again = await SseStream.open(server.origin, `/app/rooms/${room.code}/events`, { key: student.studentKey });
      opened.push(again);
      expect(again.status).toBe(200);
    } finally {
      for (const stream of opened) stream.close();
      await server.close();
    }
  });
});
