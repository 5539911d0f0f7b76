// The end of a lecture (journey 2, step 6): the instructor restarts the server with DATA_DIR, and the room,
// its broadcasts and its inbox's captures are still there when students reconnect.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RoomEvents } from '../../../server/protocol/classroom-types';
import { startServer } from '../../helpers/server';
import { broadcast, createRoom, joinRoom, openRoom, TEST_SETTINGS } from './helpers';

describe('a room across a restart', () => {
  it('keeps the recent broadcasts and room inbox captures; a student who reconnects gets them in a fresh state', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-room-'));
    const first = await startServer({ ...TEST_SETTINGS, dataDir });
    const room = await createRoom(first);
    const student = await joinRoom(first, room.code, 'Maya');
    await broadcast(first, room, 'before-1');
    const last = await broadcast(first, room, 'before-2');
    const sent = await request(`${first.origin}${room.inboxUrl}hello`, { method: 'POST', body: 'hi', headers: { authorization: 'Bearer mine-123456' } });
    await sent.body.dump();
    await first.close();

    const second = await startServer({ ...TEST_SETTINGS, dataDir });
    // The instructor is back first and broadcasts four times (more events than the student saw before); then the browser reconnects with the id of the
    // last event it saw before the restart. It must not take this process's events for the ones it missed.
    for (const id of ['after-1', 'after-2', 'after-3', 'after-4']) await broadcast(second, room, id);
    const stream = await openRoom(second, room.code, student.studentKey, last.json.eventId);
    const state: RoomEvents['state'] = await stream.json('state');
    expect(state.missed).toBe(true);
    expect(state.broadcasts.map((b) => [b.transcript.id, b.seq])).toEqual([
      ['before-1', 1],
      ['before-2', 2],
      ['after-1', 3],
      ['after-2', 4],
      ['after-3', 5],
      ['after-4', 6],
    ]);
    expect(state.captures).toHaveLength(1);
    expect(state.captures[0]!.raw).not.toContain('mine-123456');
    // Numbering goes on where it stopped.
    await broadcast(second, room, 'after');
    expect((await stream.json('broadcast')).seq).toBe(7);
    stream.close();
    await second.close();
  });
});
