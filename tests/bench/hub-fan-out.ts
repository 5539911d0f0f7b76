// Broadcast fan-out through the Redis hub (REDIS_URL), as two server processes see it: a redis-server of
// its own on a free loopback port, two child processes each holding a RedisHub with half the subscribers
// on one room channel, and a third hub here that publishes broadcast-sized events. Each event is timed from
// the publish call to the moment the last subscriber in either process has it (both processes read the same
// system clock). This is the hub alone — Redis, its pub/sub and each process's hand-out to its listeners —
// not the HTTP streams: rooms themselves still live in one process, so students of one room cannot yet be
// split over two servers end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../server/client-build';
import { connectRedis } from '../../server/store/redis/connection';
import { RedisHub } from '../../server/store/redis/hub';
import { REDIS_SERVER, startRedis } from '../helpers/redis';
import { transcript } from '../server/classroom/helpers';

export interface HubFanOutResult {
  subscribers: number;
  processes: number;
  broadcasts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ListenerSpec {
  url: string;
  channel: string;
  listeners: number;
}

const CHANNEL = 'room:BNCH';
const quiet = { warn: () => {}, info: () => {} };
const clock = () => performance.timeOrigin + performance.now();
const round = (ms: number) => Math.round(ms * 100) / 100;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** One "server process": `listeners` subscribers; prints `ready`, then `<id> <time>` when all have an event. */
async function listen(spec: ListenerSpec): Promise<void> {
  const shared = await connectRedis(spec.url, quiet);
  const hub = new RedisHub(shared.client, { log: quiet });
  const counts = new Map<string, number>();
  for (let i = 0; i < spec.listeners; i += 1) {
    hub.subscribe(spec.channel, (event) => {
      const count = (counts.get(event.id) ?? 0) + 1;
      counts.set(event.id, count);
      if (count === spec.listeners) {
        counts.delete(event.id);
        process.stdout.write(`${event.id} ${clock()}\n`);
      }
    });
  }
  await hub.lastId(spec.channel);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void hub.close().then(() => shared.close()).then(() => process.exit(0));
  });
}

/** Undefined when redis-server is not installed (the bench then says so and skips the row). */
export async function runHubFanOut(subscribers: number, broadcasts: number, processes = 2): Promise<HubFanOutResult | undefined> {
  if (!REDIS_SERVER) return undefined;
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  const shared = await connectRedis(redis.url, quiet);
  const hub = new RedisHub(shared.client, { log: quiet });
  try {
    const heard = new Map<string, number[]>();
    let onHeard: (() => void) | undefined;
    const ready: Promise<void>[] = [];
    for (let p = 0; p < processes; p += 1) {
      const spec: ListenerSpec = { url: redis.url, channel: CHANNEL, listeners: Math.floor(subscribers / processes) + (p < subscribers % processes ? 1 : 0) };
      const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'tests/bench/hub-fan-out.ts'), JSON.stringify(spec)], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      const lines = createInterface({ input: child.stdout! });
      ready.push(
        new Promise((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`a hub listener process exited (${code}) before it was ready`)));
          lines.on('line', (line) => {
            if (line === 'ready') return resolve();
            const [id, at] = line.split(' ');
            heard.set(id!, [...(heard.get(id!) ?? []), Number(at)]);
            onHeard?.();
          });
        }),
      );
    }
    await Promise.all(ready);
    const times: number[] = [];
    for (let n = 1; n <= broadcasts; n += 1) {
      const started = clock();
      const event = await hub.publish(CHANNEL, { type: 'broadcast', data: { transcript: transcript(`b${n}`), n } });
      const everywhere = () => (heard.get(event.id)?.length ?? 0) === processes;
      if (!everywhere()) await new Promise<void>((resolve) => (onHeard = () => everywhere() && resolve()));
      times.push(Math.max(...heard.get(event.id)!) - started);
      heard.delete(event.id);
    }
    times.sort((a, b) => a - b);
    return { subscribers, processes, broadcasts, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), maxMs: round(times.at(-1) ?? 0) };
  } finally {
    for (const child of children) child.stdin?.end();
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await hub.close();
    await shared.close();
    await redis.close();
  }
}

if (process.argv[2]?.startsWith('{')) {
  listen(JSON.parse(process.argv[2]) as ListenerSpec).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
