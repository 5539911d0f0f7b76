// One contract for both classroom hubs: the in-memory one and the Redis one (REDIS_URL). Each test runs
// against both; the Redis run starts its own redis-server (tests/helpers/redis.ts). The second part runs
// two Redis hubs, each with its own connections, as two server processes would.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryHub, type Hub, type HubEvent } from '../../../server/classroom/hub';
import { pipeChannel } from '../../../server/classroom/subscribe';
import type { EventStream } from '../../../server/classroom/sse';
import { HttpProblem } from '../../../server/http/problem';
import { connectRedis, type SharedRedis } from '../../../server/store/redis/connection';
import { RedisHub } from '../../../server/store/redis/hub';
import { redisSkipReason, startRedis, type RedisServer } from '../../helpers/redis';

interface HubOptions {
  maxEvents?: number;
  maxBytes?: number;
  maxTotalBytes?: number;
  idleMs?: number;
}

interface Backend {
  name: string;
  skip?: string;
  hub(options?: HubOptions): Hub & { listenerCount(channel: string): number };
}

const quiet = { warn: () => {}, info: () => {} };
const skip = redisSkipReason();
let server: RedisServer | undefined;
const connections: SharedRedis[] = [];
const hubs: RedisHub[] = [];

/** A "server process": its own command connection and its own hub (with its own subscriber connection). */
async function processHub(options: HubOptions = {}): Promise<RedisHub> {
  const shared = await connectRedis(server!.url, quiet);
  connections.push(shared);
  const hub = new RedisHub(shared.client, { ...options, log: quiet });
  hubs.push(hub);
  return hub;
}

/** A process whose subscriber connection, once cut, stays down until the test calls `reconnect`. */
async function heldBackHub(): Promise<{ hub: RedisHub; reconnect: () => Promise<void> }> {
  const shared = await connectRedis(server!.url, quiet);
  connections.push(shared);
  const subscriber = shared.client.duplicate({ autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const hub = new RedisHub(shared.client, { log: quiet, subscriber });
  hubs.push(hub);
  const reconnect = async () => {
    if (subscriber.status !== 'end') await new Promise((resolve) => subscriber.once('end', resolve));
    await subscriber.connect();
  };
  return { hub, reconnect };
}

/** Redis closes every subscriber connection (as when a slow one passes its output buffer limit). */
async function cutSubscribers(): Promise<void> {
  const admin = await connectRedis(server!.url, quiet);
  connections.push(admin);
  await admin.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
}

async function closeHubs(): Promise<void> {
  for (const hub of hubs.splice(0)) await hub.close();
  for (const shared of connections.splice(0)) await shared.close();
}

beforeAll(async () => {
  if (!skip) server = await startRedis();
}, 60_000);
afterEach(async () => {
  await closeHubs();
  if (server) {
    const admin = await connectRedis(server.url, quiet);
    await admin.client.flushall();
    await admin.close();
  }
});
afterAll(async () => {
  await server?.close();
});

const memory: Backend = { name: 'memory', hub: (options = {}) => new MemoryHub(options) };
let redisHub: RedisHub | undefined;
const redis: Backend = {
  name: 'redis',
  skip,
  hub: () => redisHub!,
};

/** Ids relative to the first: the memory hub starts at 1 here, the Redis one at the clock's milliseconds. */
const offsets = (events: readonly HubEvent[], first: HubEvent) => events.map((event) => Number(event.id) - Number(first.id));

async function publishMany(hub: Hub, channel: string, count: number, data: (i: number) => unknown = (i) => ({ i })): Promise<HubEvent[]> {
  const events: HubEvent[] = [];
  for (let i = 0; i < count; i += 1) events.push(await hub.publish(channel, { type: 'n', data: data(i) }));
  return events;
}

describe.each([memory, redis])('hub contract: $name', (backend) => {
  const make = async (options: HubOptions = {}) => {
    if (backend.name === 'redis') redisHub = await processHub(options);
    return backend.hub(options);
  };

  describe.skipIf(backend.skip !== undefined)('contract', () => {
    it('numbers each channel one by one and hands events to its listeners in publish order', async () => {
      const hub = await make();
      const seen: string[] = [];
      hub.subscribe('a', (event) => seen.push(`a:${event.type}`));
      hub.subscribe('b', (event) => seen.push(`b:${event.type}`));
      const a1 = await hub.publish('a', { type: '1', data: 1 });
      await hub.publish('b', { type: '1', data: 1 });
      const a2 = await hub.publish('a', { type: '2', data: 2 });
      expect(seen).toEqual(['a:1', 'b:1', 'a:2']);
      expect(Number(a2.id)).toBe(Number(a1.id) + 1);
      expect(await hub.lastId('a')).toBe(a2.id);
    });

    it('keeps order and gives every event its own id when publishes overlap', async () => {
      const hub = await make();
      const seen: HubEvent[] = [];
      hub.subscribe('a', (event) => seen.push(event));
      const published = await Promise.all(Array.from({ length: 40 }, (_, i) => hub.publish('a', { type: 'n', data: { i } })));
      expect(new Set(published.map((event) => event.id)).size).toBe(40);
      expect(offsets(seen, seen[0]!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    });

    it('carries type, audience, time and the JSON bytes, and hands listeners the data', async () => {
      const hub = await make();
      const heard: [HubEvent, unknown][] = [];
      hub.subscribe('room', (event, data) => heard.push([event, data]));
      const before = await hub.lastId('room');
      await hub.publish('room', { type: 'broadcast', data: { n: 1, text: 'é\n"' } });
      await hub.publish('room', { type: 'roster', data: [1], audience: 'instructor' });
      await hub.publish('room', { type: 'push', data: null, audience: 'student:s-1' });
      expect(heard.map(([event, data]) => [event.type, event.audience, data])).toEqual([
        ['broadcast', 'all', { n: 1, text: 'é\n"' }],
        ['roster', 'instructor', [1]],
        ['push', 'student:s-1', null],
      ]);
      const replay = await hub.replay('room', before);
      expect(replay.kind === 'events' && replay.events.map((event) => [event.type, event.audience, event.json.toString('utf8')])).toEqual([
        ['broadcast', 'all', '{"n":1,"text":"é\\n\\""}'],
        ['roster', 'instructor', '[1]'],
        ['push', 'student:s-1', 'null'],
      ]);
      expect(replay.kind === 'events' && replay.events.map((event) => event.at)).toEqual(heard.map(([event]) => event.at));
      expect(heard[0]![0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('stops handing events to a listener that unsubscribed, and keeps the others', async () => {
      const hub = await make();
      const first: string[] = [];
      const second: string[] = [];
      const stop = hub.subscribe('a', (event) => first.push(event.type));
      const stopSecond = hub.subscribe('a', (event) => second.push(event.type));
      await hub.publish('a', { type: 'x', data: 1 });
      stop();
      stop();
      await hub.publish('a', { type: 'y', data: 2 });
      expect(first).toEqual(['x']);
      expect(second).toEqual(['x', 'y']);
      stopSecond();
      expect(hub.listenerCount('a')).toBe(0);
      await hub.publish('a', { type: 'z', data: 3 });
      expect(second).toEqual(['x', 'y']);
    });

    it('replays the events after an id, nothing when up to date, and from the id a new channel gave', async () => {
      const hub = await make();
      const fresh = await hub.lastId('a');
      const events = await publishMany(hub, 'a', 5);
      expect(await hub.replay('a', fresh)).toEqual({ kind: 'events', events: expect.any(Array) });
      const all = await hub.replay('a', fresh);
      expect(all.kind === 'events' && all.events.map((event) => event.id)).toEqual(events.map((event) => event.id));
      const after3 = await hub.replay('a', events[2]!.id);
      expect(after3.kind === 'events' && after3.events.map((event) => event.json.toString())).toEqual(['{"i":3}', '{"i":4}']);
      expect(await hub.replay('a', events[4]!.id)).toEqual({ kind: 'events', events: [] });
      expect(await hub.lastId('a')).toBe(events[4]!.id);
      expect(Number(fresh)).toBe(Number(events[0]!.id) - 1);
    });

    it.each([
      ['older than what is kept', (events: HubEvent[]) => String(Number(events[0]!.id))],
      ['from the future (another server, or a restart)', (events: HubEvent[]) => String(Number(events.at(-1)!.id) + 50)],
    ])('reports a gap for an id %s', async (_what, lastId) => {
      const hub = await make({ maxEvents: 3 });
      const events = await publishMany(hub, 'a', 6);
      expect(await hub.replay('a', lastId(events))).toEqual({ kind: 'gap' });
    });

    it('keeps each channel within its event and byte bounds', async () => {
      const hub = await make({ maxEvents: 3, maxBytes: 100 });
      const events = await publishMany(hub, 'a', 10);
      const replay = await hub.replay('a', events[6]!.id);
      expect(replay.kind === 'events' && replay.events.map((event) => event.id)).toEqual(events.slice(7).map((event) => event.id));
      expect(await hub.replay('a', events[5]!.id)).toEqual({ kind: 'gap' });

      const big = await publishMany(hub, 'b', 5, () => 'x'.repeat(60)); // 62 bytes of JSON each
      expect(await hub.replay('b', big[2]!.id)).toEqual({ kind: 'gap' });
      const kept = await hub.replay('b', big[3]!.id);
      expect(kept.kind === 'events' && kept.events.map((event) => event.id)).toEqual([big[4]!.id]);
      // One event larger than the budget is still kept (alone), as the newest must be replayable.
      const huge = await hub.publish('b', { type: 'n', data: 'y'.repeat(500) });
      const last = await hub.replay('b', big[4]!.id);
      expect(last.kind === 'events' && last.events.map((event) => event.id)).toEqual([huge.id]);
    });

    it('keeps all channels together within a total byte budget, the oldest event anywhere going first', async () => {
      const hub = await make({ maxTotalBytes: 250 });
      const data = 'x'.repeat(48); // 50 bytes of JSON
      const before = { a: await hub.lastId('a'), b: await hub.lastId('b') };
      const a1 = await hub.publish('a', { type: 't', data });
      await hub.publish('b', { type: 't', data });
      const a2 = await hub.publish('a', { type: 't', data });
      await hub.publish('b', { type: 't', data });
      await hub.publish('c', { type: 't', data });
      expect((await hub.replay('a', before.a)).kind).toBe('events');
      await hub.publish('c', { type: 't', data });
      expect(await hub.replay('a', before.a)).toEqual({ kind: 'gap' });
      const a = await hub.replay('a', a1.id);
      expect(a.kind === 'events' && a.events.map((event) => event.id)).toEqual([a2.id]);
      const b = await hub.replay('b', before.b);
      expect(b.kind === 'events' && b.events).toHaveLength(2);
      // A dropped channel's bytes no longer count: two more fit before anything else goes.
      await hub.drop('b');
      await hub.publish('c', { type: 't', data });
      await hub.publish('c', { type: 't', data });
      const kept = await hub.replay('a', a1.id);
      expect(kept.kind === 'events' && kept.events.map((event) => event.id)).toEqual([a2.id]);
      await hub.publish('c', { type: 't', data });
      expect(await hub.replay('a', a1.id)).toEqual({ kind: 'gap' });
    });

    it('drop: listeners hear the last event, then nothing; the channel is forgotten (a gap for old ids)', async () => {
      const hub = await make();
      const seen: string[] = [];
      hub.subscribe('room', (event) => seen.push(event.type));
      const events = await publishMany(hub, 'room', 2);
      await hub.publish('room', { type: 'room-closed', data: {} });
      await hub.drop('room');
      expect(seen).toEqual(['n', 'n', 'room-closed']);
      expect(hub.listenerCount('room')).toBe(0);
      expect(await hub.replay('room', events[0]!.id)).toEqual({ kind: 'gap' });
      await hub.publish('room', { type: 'later', data: {} });
      expect(seen).toEqual(['n', 'n', 'room-closed']);
      await hub.drop('never-used');
    });

    it('a listener added later hears only what comes after it', async () => {
      const hub = await make();
      await publishMany(hub, 'a', 2);
      const seen: string[] = [];
      hub.subscribe('a', (event) => seen.push(event.json.toString()));
      await hub.publish('a', { type: 'n', data: 'late' });
      expect(seen).toEqual(['"late"']);
    });
  });
});

describe.skipIf(skip !== undefined)('two processes sharing the Redis hub', () => {
  /** Waits (no sleep) until `check` holds for what a listener collected, checking at each event. */
  const collect = (hub: Hub, channel: string) => {
    const events: HubEvent[] = [];
    const waiting: { check: () => boolean; resolve: () => void }[] = [];
    const stop = hub.subscribe(channel, (event) => {
      events.push(event);
      for (const wait of waiting.splice(0)) if (wait.check()) wait.resolve();
      else waiting.push(wait);
    });
    const until = (check: (seen: HubEvent[]) => boolean) =>
      check(events) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ check: () => check(events), resolve }));
    return { events, until, stop };
  };

  it('an event published on one process reaches the listeners on the other, in one order for both', async () => {
    const a = await processHub();
    const b = await processHub();
    const onA = collect(a, 'room:ABCD');
    const onB = collect(b, 'room:ABCD');
    await a.lastId('room:ABCD');
    await b.lastId('room:ABCD');
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.publish('room:ABCD', { type: 'from-a', data: { i } })),
      ...Array.from({ length: 20 }, (_, i) => b.publish('room:ABCD', { type: 'from-b', data: { i } })),
    ]);
    await onA.until((seen) => seen.length === 40);
    await onB.until((seen) => seen.length === 40);
    expect(onB.events.map((event) => event.id)).toEqual(onA.events.map((event) => event.id));
    expect(offsets(onB.events, onB.events[0]!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(onB.events.map((event) => event.json.toString())).toEqual(onA.events.map((event) => event.json.toString()));
  });

  it('a browser that reconnects to the other process with the Last-Event-ID it got misses nothing', async () => {
    const a = await processHub();
    const b = await processHub();
    const channel = 'inbox:abcdefghijkl';
    /** A stand-in for one SSE response: what pipeChannel writes to it. */
    const stream = () => {
      const written: { id: string; type: string; json: string }[] = [];
      let closed: (() => void) | undefined;
      const fake = {
        sendJson: (id: string, type: string, json: readonly Buffer[]) => written.push({ id, type, json: Buffer.concat(json).toString() }) > 0,
        onClose: (listener: () => void) => {
          closed = listener;
        },
      } as unknown as EventStream;
      return { fake, written, close: () => closed?.() };
    };
    const options = (lastEventId: string | undefined) => ({ lastEventId, canSee: () => true, snapshot: () => ({ type: 'state', json: [Buffer.from('{}')] }) });

    const first = stream();
    await pipeChannel(a, channel, first.fake, options(undefined));
    await publishMany(a, channel, 3);
    expect(first.written.map((event) => event.type)).toEqual(['state', 'n', 'n', 'n']);
    const lastSeen = first.written.at(-1)!.id;
    first.close();
    // While the browser is away, both processes publish.
    await publishMany(a, channel, 2, (i) => ({ away: `a${i}` }));
    await publishMany(b, channel, 2, (i) => ({ away: `b${i}` }));

    const again = stream();
    const live = collect(b, channel);
    await pipeChannel(b, channel, again.fake, options(lastSeen));
    await a.publish(channel, { type: 'n', data: { after: true } });
    await live.until((seen) => seen.length === 1);
    expect(again.written.map((event) => event.json)).toEqual(['{"away":"a0"}', '{"away":"a1"}', '{"away":"b0"}', '{"away":"b1"}', '{"after":true}']);
    expect(offsets(again.written as unknown as HubEvent[], { id: lastSeen } as HubEvent)).toEqual([1, 2, 3, 4, 5]);

    // Past what is kept, the browser gets a fresh state instead (a gap), never a partial replay.
    const small = await processHub({ maxEvents: 2 });
    await publishMany(small, channel, 3);
    const late = stream();
    await pipeChannel(b, channel, late.fake, options(lastSeen));
    expect(late.written.map((event) => event.type)).toEqual(['state']);
  });

  it('drop on one process ends the listeners and event streams on the other, after the last event', async () => {
    const a = await processHub();
    const b = await processHub();
    const onB = collect(b, 'room:GONE');
    const written: string[] = [];
    let ended = false;
    const stream = { sendJson: (_id: string, type: string) => written.push(type) > 0, onClose: () => {}, close: () => (ended = true) } as unknown as EventStream;
    await pipeChannel(b, 'room:GONE', stream, { lastEventId: undefined, canSee: () => true, snapshot: () => ({ type: 'state', json: [Buffer.from('{}')] }) });
    await a.publish('room:GONE', { type: 'room-closed', data: {} });
    await a.drop('room:GONE');
    await onB.until((seen) => seen.length === 1);
    await expect.poll(() => b.listenerCount('room:GONE')).toBe(0);
    expect(onB.events.map((event) => event.type)).toEqual(['room-closed']);
    expect(written).toEqual(['state', 'room-closed']);
    expect(ended).toBe(true);
  });

  it('a subscriber connection cut by Redis comes back and hands on what was published meanwhile, in order', async () => {
    const a = await processHub();
    const { hub: b, reconnect } = await heldBackHub();
    const onB = collect(b, 'room:CUT1');
    await b.lastId('room:CUT1');
    await publishMany(a, 'room:CUT1', 2);
    await onB.until((seen) => seen.length === 2);
    await cutSubscribers();
    await publishMany(a, 'room:CUT1', 30);
    expect(onB.events).toHaveLength(2);
    await reconnect();
    await onB.until((seen) => seen.length === 32);
    await a.publish('room:CUT1', { type: 'n', data: 'after' });
    await onB.until((seen) => seen.length === 33);
    expect(offsets(onB.events, onB.events[0]!)).toEqual(Array.from({ length: 33 }, (_, i) => i));
  });

  it('when what it missed is no longer kept, an event stream ends (its browser reconnects for a fresh state) and other listeners go on', async () => {
    const a = await processHub({ maxEvents: 5 });
    const { hub: b, reconnect } = await heldBackHub();
    const channel = 'room:CUT2';
    let ended = false;
    const stream = { sendJson: () => true, onClose: () => {}, close: () => (ended = true) } as unknown as EventStream;
    await pipeChannel(b, channel, stream, { lastEventId: undefined, canSee: () => true, snapshot: () => ({ type: 'state', json: [Buffer.from('{}')] }) });
    const plain = collect(b, channel);
    await a.publish(channel, { type: 'n', data: 1 });
    await plain.until((seen) => seen.length === 1);
    await cutSubscribers();
    await publishMany(a, channel, 20);
    await reconnect();
    await expect.poll(() => ended).toBe(true);
    expect(b.listenerCount(channel)).toBe(1);
    const next = await a.publish(channel, { type: 'n', data: 'next' });
    await plain.until((seen) => seen.at(-1)?.id === next.id);
  });

  it('holds one Redis subscription per channel and process while it has listeners, and publishes in one command', async () => {
    const a = await processHub();
    const b = await processHub();
    const admin = await connectRedis(server!.url, quiet);
    connections.push(admin);
    const subscribers = async () => ((await admin.client.call('PUBSUB', 'NUMSUB', 'hs:hub:room:MANY')) as [string, number])[1];
    const stops = [...Array.from({ length: 100 }, () => a.subscribe('room:MANY', () => {})), ...Array.from({ length: 50 }, () => b.subscribe('room:MANY', () => {}))];
    await a.lastId('room:MANY');
    await b.lastId('room:MANY');
    expect(await subscribers()).toBe(2);
    await a.publish('room:MANY', { type: 'warm', data: {} }); // loads the script once
    await admin.client.call('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 10; i += 1) await a.publish('room:MANY', { type: 'n', data: { i } });
    const stats = String(await admin.client.call('INFO', 'commandstats'));
    // Redis counts the commands a script runs too: all but EVALSHA are the publish script's own.
    const insideScript = ['hsetnx', 'hincrby', 'xlen', 'hget', 'hset', 'hdel', 'incr', 'incrby', 'decrby', 'get', 'exists', 'xadd', 'xrange', 'xtrim', 'xdel', 'zadd', 'zrange', 'zrem', 'pexpire', 'publish', 'del'];
    const calls = [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].filter(([, name]) => name !== 'config' && name !== 'info' && !insideScript.includes(name!));
    expect(Object.fromEntries(calls.map(([, name, count]) => [name, Number(count)]))).toEqual({ evalsha: 10 });
    for (const stop of stops) stop();
    await expect.poll(subscribers).toBe(0);
  });

  it('keeps its byte counts true to what the streams hold, through trims, the total budget, drops and expired keys', async () => {
    const a = await processHub({ maxEvents: 6, maxBytes: 400, maxTotalBytes: 1_500 });
    const b = await processHub({ maxEvents: 4, maxBytes: 300, maxTotalBytes: 1_000 });
    const admin = await connectRedis(server!.url, quiet);
    connections.push(admin);
    const redis = admin.client;
    // mulberry32: the same sequence every run.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const check = async () => {
      const bytes: Record<string, number> = {};
      const oldest: Record<string, number> = {};
      for (const key of await redis.keys('hs:hub:*:s')) {
        const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
        if (entries.length === 0) continue;
        const channel = key.slice('hs:hub:'.length, -':s'.length);
        bytes[channel] = entries.reduce((sum, [, fields]) => sum + Buffer.byteLength(fields[7]!), 0);
        oldest[channel] = Number(entries[0]![1][9]);
      }
      const counted = Object.fromEntries(Object.entries(await redis.hgetall('hs:hub:~bytes')).map(([channel, n]) => [channel, Number(n)]));
      const scores = await redis.zrange('hs:hub:~oldest', '0', '-1', 'WITHSCORES');
      const ranked: Record<string, number> = {};
      for (let i = 0; i < scores.length; i += 2) ranked[scores[i]!] = Number(scores[i + 1]);
      expect(Object.keys(ranked).sort()).toEqual(Object.keys(counted).sort());
      expect(Number((await redis.get('hs:hub:~total')) ?? 0)).toBe(Object.values(counted).reduce((sum, n) => sum + n, 0));
      // Channels whose keys expired still count until found (below); every other count is exact.
      const live = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).filter(([channel]) => channel in bytes));
      expect(live(counted)).toEqual(bytes);
      expect(live(ranked)).toEqual(oldest);
      return Object.keys(counted).filter((channel) => !(channel in bytes)).length;
    };
    const totals: number[] = [];
    const lingering: number[] = [];
    for (let step = 0; step < 400; step += 1) {
      const channel = `room:R${random(8)}`;
      const roll = random(100);
      if (roll < 4) await (random(2) ? a : b).drop(channel);
      else if (roll < 6) await redis.del(`hs:hub:${channel}:m`, `hs:hub:${channel}:s`); // as if its TTL ran out
      else await (random(2) ? a : b).publish(channel, { type: 'n', data: 'x'.repeat(random(180)) });
      totals.push(Number((await redis.get('hs:hub:~total')) ?? 0));
      if (step % 50 === 49) lingering.push(await check());
    }
    // The budget was reached many times, and never passed (b's smaller budget applies to b's publishes).
    expect(totals.filter((total) => total > 1_000).length).toBeGreaterThan(100);
    expect(lingering.some((count) => count > 0)).toBe(true);
    expect(Math.max(...totals)).toBeLessThanOrEqual(1_500);
    // Under budget, a channel whose keys expired stops counting once its events are the oldest anywhere
    // (one such channel is found per publish).
    await redis.flushall();
    const roomy = await processHub();
    await roomy.publish('room:OLD', { type: 'n', data: 'x'.repeat(100) });
    await roomy.publish('room:NEW', { type: 'n', data: 'y' });
    await redis.del('hs:hub:room:OLD:m', 'hs:hub:room:OLD:s');
    await roomy.publish('room:NEW', { type: 'n', data: 'y' });
    expect(await check()).toBe(0);
    expect(Number(await redis.get('hs:hub:~total'))).toBe(6);
  });

  it('subscribes to many channels at once before its subscriber connection is up (one shared wait, no listener leak)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const a = await processHub();
      const channels = Array.from({ length: 60 }, (_, i) => `inbox:restart${i}`);
      const heard = new Set<string>();
      for (const channel of channels) a.subscribe(channel, () => heard.add(channel));
      await Promise.all(channels.map((channel) => a.lastId(channel)));
      const b = await processHub();
      for (const channel of channels) await b.publish(channel, { type: 'capture', data: {} });
      await expect.poll(() => heard.size).toBe(60);
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps a channel in Redis only while it is used: both keys expire after idleMs without a publish or a reader', async () => {
    const a = await processHub({ idleMs: 60_000 });
    await a.publish('room:TTL1', { type: 'n', data: {} });
    const admin = await connectRedis(server!.url, quiet);
    connections.push(admin);
    for (const key of ['hs:hub:room:TTL1:m', 'hs:hub:room:TTL1:s']) {
      const ttl = await admin.client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await a.drop('room:TTL1');
    expect(await admin.client.exists('hs:hub:room:TTL1:m', 'hs:hub:room:TTL1:s')).toBe(0);
  });

  it('Redis frozen (SIGSTOP): publish answers 503 within the command timeout; afterwards nothing published was lost', async () => {
    const a = await processHub();
    const b = await processHub();
    const onB = collect(b, 'room:STOP');
    await b.lastId('room:STOP');
    server!.pause();
    try {
      const started = Date.now();
      await expect(a.publish('room:STOP', { type: 'frozen', data: {} })).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/Command timed out/) });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      server!.resume();
    }
    const after = await a.publish('room:STOP', { type: 'after', data: {} });
    await onB.until((seen) => seen.some((event) => event.id === after.id));
    // The timed-out script may still have run once Redis went on: then it reached B in order, before `after`.
    expect(onB.events.map((event) => event.type).filter((type) => type !== 'frozen')).toEqual(['after']);
    expect(offsets(onB.events, onB.events[0]!)).toEqual(onB.events.map((_, i) => i));
  }, 30_000);

  it('Redis down: publish, replay and lastId answer the store’s 503 problem; live events resume when it is back', async () => {
    const a = await processHub();
    const b = await processHub();
    const onB = collect(b, 'room:DOWN');
    await b.lastId('room:DOWN');
    await a.publish('room:DOWN', { type: 'before', data: {} });
    await onB.until((seen) => seen.length === 1);
    await server!.stop();
    for (const call of [() => a.publish('room:DOWN', { type: 'lost', data: {} }), () => b.replay('room:DOWN', '1'), () => a.lastId('room:DOWN')]) {
      const error = await call().then(
        () => undefined,
        (problem: unknown) => problem,
      );
      expect(error).toBeInstanceOf(HttpProblem);
      expect((error as HttpProblem).status).toBe(503);
      expect((error as HttpProblem).headers).toEqual({ 'retry-after': '5' });
    }
    const back = connections.map((shared) => new Promise((resolve) => shared.client.once('ready', resolve)));
    await server!.start();
    await Promise.all(back);
    // This Redis keeps nothing on disk: the channel starts again, with ids past the old ones.
    await expect.poll(async () => (await a.publish('room:DOWN', { type: 'after', data: {} })) && onB.events.some((event) => event.type === 'after'), { timeout: 10_000 }).toBe(true);
    expect(onB.events[0]!.type).toBe('before');
    expect(onB.events.map((event) => event.type)).not.toContain('lost');
    expect(Number(onB.events.at(-1)!.id)).toBeGreaterThan(Number(onB.events[0]!.id));
  }, 30_000);
});
