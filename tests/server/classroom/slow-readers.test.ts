// Memory under slow readers, the review's attack performed for real (issue 12, item 5): event-stream readers
// that never read (sockets paused after the response's first bytes) sit in a room while the instructor
// broadcasts large transcripts, twenty times the server's stream budget. The server must hold no more than
// its budget in stream buffers, cut the laggards off (the one furthest behind first), keep a reader that does
// read whole, keep answering other requests, and its memory must not grow with what was broadcast.
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import type { StreamCut } from '../../../server/classroom/sse';
import { REPLAY_BYTES, RECENT_BYTES } from '../../../server/classroom/limits';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, createRoom, joinRoom, TEST_SETTINGS, transcript } from './helpers';
import { SseParser } from './sse-client';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 1_048_576;
/** Bytes of the body in each broadcast transcript (the broadcast's JSON is a little larger). */
const BODY = 256 * 1_024;

function bigTranscript(n: number): Transcript {
  const shown = transcript(`big-${n}`);
  const data = `${n} `.padEnd(BODY, 'x');
  shown.exchanges[0]!.response!.body = { encoding: 'text', data, wireSize: BODY, decodedSize: BODY, truncated: false };
  return shown;
}

async function broadcastBig(server: TestServer, room: RoomCreated, n: number): Promise<void> {
  const response = await call(server, `/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: bearer(room.instructorKey), json: { transcript: bigTranscript(n) } });
  expect(response.status, response.text).toBe(200);
}

/** An event-stream reader that never reads: it sends the request, waits for the first bytes of the answer,
 *  and pauses its socket for good (the kernel's receive buffer fills, then the server's send buffer). */
function pausedReader(server: TestServer, path: string, key: string): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.origin).port) });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${key}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (first) => {
      socket.pause();
      expect(first.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
      resolve(socket);
    });
  });
}

/** A reader that reads everything, keeping only the ids and types of the events (not their data). */
async function readingReader(server: TestServer, path: string, key: string) {
  // Ids are kept as numbers: a string cut from the stream would keep the whole chunk it came from alive.
  const seen: { id: number | undefined; event: string; seq?: number; missed?: boolean }[] = [];
  let wake = () => {};
  const parser = new SseParser((event) => {
    const data = event.event === 'broadcast' || event.event === 'state' ? (JSON.parse(event.data) as { seq?: number; missed?: boolean }) : {};
    seen.push({ id: event.id === undefined ? undefined : Number(event.id), event: event.event, ...(data.seq === undefined ? {} : { seq: data.seq }), ...(data.missed === undefined ? {} : { missed: data.missed }) });
    wake();
  });
  const controller = new AbortController();
  const response = await request(`${server.origin}${path}`, { headers: { accept: 'text/event-stream', ...bearer(key) }, signal: controller.signal });
  expect(response.statusCode).toBe(200);
  const done = (async () => {
    try {
      for await (const chunk of response.body) parser.push((chunk as Buffer).toString('utf8'));
    } catch {
      // aborted at the end of the test
    }
  })();
  return {
    seen,
    /** Resolves once `check` holds for what was seen (checked on every event, never on a timer). */
    async until(check: () => boolean): Promise<void> {
      while (!check()) await new Promise<void>((resolve) => (wake = resolve));
    },
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Heap and Buffer memory after a full collection. */
function liveBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('paused event-stream readers and large broadcasts', () => {
  it('hold the server to its stream budget: laggards cut off furthest behind first, readers and /get unharmed, memory flat', async () => {
    const budget = 2 * MiB;
    // A per-stream cap above the budget: here the server's budget alone decides whom to cut.
    const server = await startServer({ ...TEST_SETTINGS, streamBufferBudgetBytes: budget, streamMaxBufferedBytes: 64 * MiB });
    cleanup.push(() => server.close());
    const { streams } = server.app.classroom;
    const cuts: StreamCut[] = [];
    streams.onCut((cut) => cuts.push(cut));

    const room = await createRoom(server, 'Slow readers');
    const students: StudentJoined[] = [];
    for (let i = 1; i <= 17; i += 1) students.push(await joinRoom(server, room.code, `Reader ${i}`));
    const events = `/app/rooms/${room.code}/events`;
    const reader = await readingReader(server, events, students[0]!.studentKey);
    cleanup.push(() => reader.close());
    await reader.until(() => reader.seen.some((event) => event.event === 'state'));

    // Warm up (the first broadcast compiles schemas and serialisers), then measure from here.
    await broadcastBig(server, room, 0);
    await reader.until(() => reader.seen.some((event) => event.seq === 1));
    const before = liveBytes();
    const rssBefore = process.memoryUsage().rss;

    // The first wave stops reading now; the second a few broadcasts later, so the first is further behind.
    const sockets: Socket[] = [];
    cleanup.push(() => sockets.forEach((socket) => socket.destroy()));
    const open = async (from: number, to: number) => {
      const ports = new Set<number>();
      for (let i = from; i < to; i += 1) {
        const socket = await pausedReader(server, events, students[i]!.studentKey);
        sockets.push(socket);
        ports.add(socket.localPort!);
      }
      return ports;
    };
    const firstWave = await open(1, 9);
    const broadcasts = Math.ceil((20 * budget) / BODY);
    const headStart = 6;
    let secondWave = new Set<number>();
    let maxHeld = 0;
    let answered = 0;
    for (let n = 1; n <= broadcasts; n += 1) {
      if (n === headStart + 1) secondWave = await open(9, 17);
      await broadcastBig(server, room, n);
      maxHeld = Math.max(maxHeld, streams.heldBytes);
      // Everyone else is still served while the laggards pile up.
      if (n % 10 === 0) {
        const get = await call(server, '/get');
        expect(get.status).toBe(200);
        answered += 1;
      }
    }
    const last = broadcasts + 1;
    await reader.until(() => reader.seen.some((event) => event.seq === last));

    // The server never held more than its budget for all streams together.
    expect(maxHeld).toBeLessThanOrEqual(budget);
    expect(answered).toBe(Math.floor(broadcasts / 10));
    // Every laggard was cut off, by the budget, each wave as a whole before the next: furthest behind first.
    expect(cuts.every((cut) => cut.why === 'server-budget' && cut.tag === `room:${room.code}`)).toBe(true);
    const order = cuts.map((cut) => (firstWave.has(cut.remotePort!) ? 1 : secondWave.has(cut.remotePort!) ? 2 : 0));
    expect(order).toEqual([...Array(firstWave.size).fill(1), ...Array(secondWave.size).fill(2)]);
    expect(streams.cutOffCount).toBe(16);
    // The reader that reads got every broadcast, in order, and was never cut off.
    const seqs = reader.seen.filter((event) => event.seq !== undefined).map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(streams.count(`room:${room.code}`)).toBe(1);

    // Memory: what the server keeps is its replay buffer, the room's recent broadcasts (the same bytes) and
    // at most the stream budget, not what was broadcast (20 × the budget, to 17 streams). Live heap and
    // Buffers after a full collection are measured; RSS is only reported, as the allocator returns freed
    // memory to the system when it likes.
    const volume = broadcasts * BODY;
    // (The paused sockets are the attacker's; what their own buffers hold is not the server's memory.)
    for (const socket of sockets) socket.destroy();
    const grown = liveBytes() - before;
    const bound = REPLAY_BYTES + RECENT_BYTES + budget + 4 * MiB;
    console.log(`slow readers: ${broadcasts} broadcasts (${(volume / MiB).toFixed(0)} MiB), most held ${(maxHeld / MiB).toFixed(2)} MiB of a ${budget / MiB} MiB budget, live memory ${(grown / MiB).toFixed(1)} MiB more (bound ${(bound / MiB).toFixed(0)} MiB), RSS ${((process.memoryUsage().rss - rssBefore) / MiB).toFixed(1)} MiB more`);
    expect(grown).toBeLessThan(bound);
    expect(grown).toBeLessThan(volume / 2);

    // A laggard that comes back with the id it last had finds it is no longer kept: it gets a fresh state,
    // marked missed, with the recent broadcasts, and then the live ones.
    const back = await readingReader(server, `${events}?lastEventId=${reader.seen.find((event) => event.seq === 1)!.id}`, students[1]!.studentKey);
    cleanup.push(() => back.close());
    await back.until(() => back.seen.length > 0);
    expect(back.seen[0]).toMatchObject({ event: 'state', missed: true });
  }, 120_000);

  it('cut off one reader past its own cap, however much room the server budget has left', async () => {
    const cap = 512 * 1_024;
    const server = await startServer({ ...TEST_SETTINGS, streamMaxBufferedBytes: cap });
    cleanup.push(() => server.close());
    const { streams } = server.app.classroom;
    const cuts: StreamCut[] = [];
    streams.onCut((cut) => cuts.push(cut));
    const room = await createRoom(server, 'One laggard');
    const fast = await joinRoom(server, room.code, 'Fast');
    const slow = await joinRoom(server, room.code, 'Slow');
    const events = `/app/rooms/${room.code}/events`;
    const reader = await readingReader(server, events, fast.studentKey);
    cleanup.push(() => reader.close());
    const paused = await pausedReader(server, events, slow.studentKey);
    cleanup.push(() => void paused.destroy());
    let sent = 0;
    while (cuts.length === 0 && sent < 40) await broadcastBig(server, room, (sent += 1));
    expect(cuts).toEqual([{ tag: `room:${room.code}`, remotePort: paused.localPort, why: 'stream-cap', buffered: expect.any(Number) }]);
    expect(cuts[0]!.buffered).toBeGreaterThan(cap);
    expect(streams.cutOffCount).toBe(1);
    // The reader that reads got every broadcast.
    await reader.until(() => reader.seen.some((event) => event.seq === sent));
    expect(reader.seen.filter((event) => event.seq !== undefined).map((event) => event.seq)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
  }, 60_000);
});
