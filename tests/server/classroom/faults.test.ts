import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSettings, RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, createRoom, joinRoom, openRoom, TEST_SETTINGS } from './helpers';

describe("a room's fault switches", () => {
  let server: TestServer;
  let room: RoomCreated;
  let student: StudentJoined;

  const setFaults = (faults: Partial<FaultSettings>) =>
    call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: bearer(room.instructorKey), json: faults });
  const books = (sandbox: string) => call(server, '/api/books', { headers: { 'x-sandbox': sandbox } });

  beforeAll(async () => {
    server = await startServer(TEST_SETTINGS);
    room = await createRoom(server);
    student = await joinRoom(server, room.code, 'Tess');
  });
  afterAll(() => server.close());

  it.each([
    ['status429', 429, '/problems/too-many-requests'],
    ['status503', 503, '/problems/service-unavailable'],
  ] as const)('%s makes the toy API answer %i with Retry-After for the room, then 200 again when off', async (name, status, type) => {
    expect((await setFaults({ [name]: true, retryAfterSeconds: 9 })).status).toBe(200);
    for (const sandbox of [room.sandbox, student.sandbox]) {
      const response = await books(sandbox);
      expect(response.status).toBe(status);
      expect(response.headers['retry-after']).toBe('9');
      expect(response.headers['x-sandbox-fault']).toBe(String(status));
      expect(response.json).toMatchObject({ type, detail: expect.stringMatching(new RegExp(`room ${room.code}`)) });
    }
    expect((await books('demo')).status).toBe(200);
    await setFaults({});
    expect((await books(student.sandbox)).status).toBe(200);
  });

  it('applies to a room sandbox chosen by cookie or query too', async () => {
    await setFaults({ status503: true });
    expect((await call(server, '/api/books', { headers: { cookie: `sandbox=${student.sandbox}` } })).status).toBe(503);
    expect((await call(server, `/api/books?sandbox=${room.sandbox}`)).status).toBe(503);
    await setFaults({});
  });

  it('drops the connection without an answer', async () => {
    await setFaults({ drop: true });
    await expect(request(`${server.origin}/api/books`, { headers: { 'x-sandbox': student.sandbox } })).rejects.toThrow(/other side closed|socket/i);
    await setFaults({});
    expect((await books(student.sandbox)).status).toBe(200);
  });

  it('adds latency before the answer', async () => {
    await setFaults({ latencyMs: 250 });
    const started = performance.now();
    const response = await books(student.sandbox);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    await setFaults({});
  });

  it('shows every change of a switch on the students\' screens, and nothing when nothing changed', async () => {
    const screen = await openRoom(server, room.code, student.studentKey);
    await screen.nextOf('state');
    await setFaults({ latencyMs: 100, status429: true });
    expect(await screen.json('faults')).toEqual({
      faults: { latencyMs: 100, status429: true, status503: false, drop: false, retryAfterSeconds: 5 },
      changed: ['latencyMs', 'status429'],
    });
    const same = await setFaults({ latencyMs: 100, status429: true });
    expect(same.json.changed).toEqual([]);
    // PUT replaces: what is left out is off.
    await setFaults({ drop: true });
    expect((await screen.json('faults')).changed).toEqual(['latencyMs', 'status429', 'drop']);
    expect((await call(server, `/app/rooms/${room.code}/faults`, { headers: bearer(student.studentKey) })).json).toMatchObject({ drop: true, latencyMs: 0 });
    await setFaults({});
    expect((await screen.json('faults')).faults).toMatchObject({ drop: false });
    screen.close();
  });

  it('is in the state a student receives on joining late', async () => {
    await setFaults({ status503: true });
    const late = await joinRoom(server, room.code, 'Late');
    const stream = await openRoom(server, room.code, late.studentKey);
    expect((await stream.json('state')).faults.status503).toBe(true);
    stream.close();
    await setFaults({});
  });

  it.each([
    [{ latencyMs: 20_000 }, 'latencyMs', /10000 or less/],
    [{ latencyMs: -1 }, 'latencyMs', /0 or more/],
    [{ retryAfterSeconds: 0 }, 'retryAfterSeconds', /1 or more/],
    [{ status503: 'yes' }, 'status503', /true or false/],
    [{ slow: true }, 'slow', /not allowed/],
  ])('refuses %j with 422 naming %s', async (faults, field, message) => {
    const response = await setFaults(faults as Partial<FaultSettings>);
    expect(response.status).toBe(422);
    expect(response.json.errors).toContainEqual(expect.objectContaining({ field, message: expect.stringMatching(message) }));
  });
});

describe('fault latency and shutdown', () => {
  it('does not hold app.close() for a request waiting out its added latency', async () => {
    const server = await startServer(TEST_SETTINGS);
    const room = await createRoom(server);
    await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: bearer(room.instructorKey), json: { latencyMs: 10_000 } });
    const waiting = call(server, '/api/books', { headers: { 'x-sandbox': room.sandbox } }).catch((error: Error) => error);
    const started = performance.now();
    await server.close();
    await waiting;
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
