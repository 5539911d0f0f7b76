// Shared steps of the classroom tests: make a room, join it, open its event stream, build a transcript.
import type { Transcript } from '../../../server/protocol/api-types';
import type { InboxLink, RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import { call, type TestServer } from '../../helpers/server';
import { SseStream } from './sse-client';

/** Settings for test servers: no creation rate limit in the way, heartbeats out of the way. */
export const TEST_SETTINGS = { classroomCreatePerMinute: 100_000, sseHeartbeatMs: 60_000 };

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export async function createRoom(server: TestServer, title = 'HTTP 101'): Promise<RoomCreated> {
  const response = await call(server, '/app/rooms', { method: 'POST', json: { title } });
  if (response.status !== 201) throw new Error(`create room: ${response.status} ${response.text}`);
  return response.json;
}

export async function joinRoom(server: TestServer, code: string, name: string): Promise<StudentJoined> {
  const response = await call(server, `/app/rooms/${code}/join`, { method: 'POST', json: { name } });
  if (response.status !== 201) throw new Error(`join: ${response.status} ${response.text}`);
  return response.json;
}

export async function createInbox(server: TestServer): Promise<InboxLink> {
  const response = await call(server, '/app/inboxes', { method: 'POST' });
  if (response.status !== 201) throw new Error(`create inbox: ${response.status} ${response.text}`);
  return response.json;
}

/** Opens a room's event stream and reads its first `state` event. */
export async function openRoom(server: TestServer, code: string, key: string, lastEventId?: string): Promise<SseStream> {
  const stream = await SseStream.open(server.origin, `/app/rooms/${code}/events`, { key, ...(lastEventId === undefined ? {} : { lastEventId }) });
  if (stream.status !== 200) throw new Error(`events: ${stream.status}`);
  return stream;
}

export function transcript(id: string): Transcript {
  return {
    id,
    startedAt: '2026-01-01T10:00:00.000Z',
    exchanges: [
      {
        request: { method: 'GET', url: 'http://127.0.0.1/api/books', raw: 'GET /api/books HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', headers: [['Host', '127.0.0.1']], body: null },
        response: {
          httpVersion: '1.1',
          status: 200,
          reason: 'OK',
          headers: [['Content-Type', 'application/json']],
          trailers: [],
          body: { encoding: 'text', data: '[]', wireSize: 2, decodedSize: 2, truncated: false },
          raw: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[]',
        },
        timings: { completeMs: 4.2 },
      },
    ],
  };
}

export function broadcast(server: TestServer, room: RoomCreated, id: string, note?: string) {
  return call(server, `/app/rooms/${room.code}/broadcast`, {
    method: 'POST',
    headers: bearer(room.instructorKey),
    json: note === undefined ? { transcript: transcript(id) } : { transcript: transcript(id), note },
  });
}
