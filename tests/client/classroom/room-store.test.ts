// A student's room as they notice it, against a real server on 127.0.0.1: joining opens the room's live
// stream, the instructor's "try this" with a goal arrives, each send is checked against the goal (and the
// instructor's roster says not yet, then reached), the membership survives a reload, and Leave ends it.
import '../page';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomCreated } from '../../../server/protocol/classroom-types';
import { emptyDraft, type Draft } from '../../../client/src/lib/draft';
import { onSent, sendRequest } from '../../../client/src/app/send-request';
import { useRoomStore } from '../../../client/src/features/classroom/room-store';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, createRoom, TEST_SETTINGS } from '../../server/classroom/helpers';
import { clearBrowser, openPageAt, reload } from '../page';

let server: TestServer;
let room: RoomCreated;
let stop: () => void;
const get = (url: string): Draft => ({ ...emptyDraft(), url });

/** What the instructor's roster says about this student's try at the goal. */
async function rosterGoal(name: string): Promise<string | undefined> {
  const roster = await call(server, `/app/rooms/${room.code}/roster`, { headers: bearer(room.instructorKey) });
  return (roster.json.students as { name: string; goal: { state: string } | null }[]).find((s) => s.name === name)?.goal?.state;
}

/** Starting the app loads every lesson; on a busy machine that takes a few seconds. */
const SERVER_START_MS = 30_000;

beforeAll(async () => {
  server = await startServer(TEST_SETTINGS);
  openPageAt(server.origin);
  clearBrowser();
  room = await createRoom(server, 'Store test');
  // What the classroom panel does with each send while a student is in a room.
  stop = onSent(({ transcript }) => {
    const last = transcript.exchanges.at(-1)!;
    useRoomStore.getState().checkGoal(transcript.exchanges, { method: last.request.method, url: new URL(last.request.url).pathname, status: last.response?.status ?? null });
  });
}, SERVER_START_MS);
afterAll(async () => {
  stop();
  useRoomStore.getState().disconnect();
  await server.close();
});

describe("a student's room", () => {
  it('joins by code and name, and the live stream opens', async () => {
    await useRoomStore.getState().joinRoom(room.code.toLowerCase(), 'Maya');
    expect(useRoomStore.getState()).toMatchObject({ error: null, membership: { role: 'student', code: room.code }, room: { code: room.code } });
    await expect.poll(() => useRoomStore.getState().connection).toBe('live');
  });

  it('a wrong code says so and joins nothing', async () => {
    const before = useRoomStore.getState().membership;
    await useRoomStore.getState().joinRoom('ZZZZ', 'Maya');
    expect(useRoomStore.getState().error).toBeTruthy();
    expect(useRoomStore.getState().membership).toBe(before);
  });

  it("receives the instructor's goal, and each send is checked against it: not yet, then reached", async () => {
    const goal = { all: [{ method: 'GET' }, { path: '^/api/books$' }, { status: 200 }] };
    const pushed = await call(server, `/app/rooms/${room.code}/push`, {
      method: 'POST',
      headers: bearer(room.instructorKey),
      json: { draft: { method: 'GET', url: '/api/books' }, message: 'List the books', goal: { goal } },
    });
    expect(pushed.status).toBe(200);
    await expect.poll(() => useRoomStore.getState().tryThis.map((t) => t.message)).toEqual(['List the books']);
    expect(useRoomStore.getState().goal?.goal).toEqual(goal);

    await sendRequest(get('/api/bookz'));
    expect(useRoomStore.getState().goalAttempt).toMatchObject({ reached: false });
    await expect.poll(() => rosterGoal('Maya')).toBe('not-yet');

    await sendRequest(get('/api/books'));
    expect(useRoomStore.getState().goalAttempt).toMatchObject({ reached: true });
    await expect.poll(() => rosterGoal('Maya')).toBe('reached');

    useRoomStore.getState().dismissTryThis(0);
    expect(useRoomStore.getState().tryThis).toEqual([]);
  });

  it('is still in the room after a reload, with the same goal once the stream is back', async () => {
    const goalId = useRoomStore.getState().goal?.id;
    useRoomStore.getState().disconnect();
    const after = await reload(() => import('../../../client/src/features/classroom/room-store'));
    const store = after.useRoomStore;
    expect(store.getState().membership).toMatchObject({ role: 'student', code: room.code });
    expect(store.getState().connection).toBe('offline');
    store.getState().connect();
    await expect.poll(() => store.getState().connection).toBe('live');
    await expect.poll(() => store.getState().goal?.id).toBe(goalId);

    store.getState().leave();
    expect(store.getState()).toMatchObject({ membership: null, room: null, connection: 'offline', tryThis: [] });
    const again = await reload(() => import('../../../client/src/features/classroom/room-store'));
    expect(again.useRoomStore.getState().membership).toBeNull();
  });
});
