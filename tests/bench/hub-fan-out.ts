// Broadcast fan-out through the Redis hub (REDIS_URL) to event streams split over two server processes: a
// redis-server of its own on a free loopback port, two child processes that each serve Server-Sent Events
// from one hub channel (the server's own EventStream and pipeChannel over a RedisHub), half the subscribers
// connected to each, and a third hub here that publishes broadcast-sized events. Each event is timed from
// the publish call to the last subscriber reading it. The room service is left out on purpose (no join, no
// key check, no audience filter): what is measured is the hub, Redis pub/sub and the streams alone. The
// whole path — a real room on two `npm start` processes sharing REDIS_URL — is fan-out.ts given two origins.
// Loopback only: every server here listens on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { PROJECT_ROOT } from '../../server/client-build';
import { EventStream } from '../../server/classroom/sse';
import { pipeChannel } from '../../server/classroom/subscribe';
import { connectRedis } from '../../server/store/redis/connection';
import { RedisHub } from '../../server/store/redis/hub';
import { REDIS_SERVER, startRedis } from '../helpers/redis';
import { SseParser } from '../server/classroom/sse-client';
import type { FanOutResult } from './fan-out';
import { transcript } from '../server/classroom/helpers';

/** The same figures as the room fan-out's. */
export type HubFanOutResult = FanOutResult;

interface ServerSpec {
  url: string;
  channel: string;
}

const CHANNEL = 'room:BNCH';
const quiet = { warn: () => {}, info: () => {} };
const round = (ms: number) => Math.round(ms * 100) / 100;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** One "server process": every GET is an event stream of the channel. Prints its port, ends with stdin. */
async function serve(spec: ServerSpec): Promise<void> {
  const shared = await connectRedis(spec.url, quiet);
  const hub = new RedisHub(shared.client, { log: quiet });
  const streams = new Set<EventStream>();
  const server = createServer((req, res) => {
    const stream = new EventStream(res, spec.channel, { maxBuffered: 8 * 1_048_576 });
    streams.add(stream);
    stream.onClose(() => streams.delete(stream));
    stream.open();
    pipeChannel(hub, spec.channel, stream, { lastEventId: undefined, canSee: () => true, snapshot: () => ({ type: 'state', json: [Buffer.from('{}')] }) }).catch(() => stream.close());
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const stream of streams) stream.close();
    server.close();
    void hub.close().then(() => shared.close()).then(() => process.exit(0));
  });
}

function startServer(spec: ServerSpec): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'tests/bench/hub-fan-out.ts'), JSON.stringify(spec)], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`a hub server process exited (${code}) before it listened`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, origin: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` }));
  });
}

/** Undefined when redis-server is not installed (the bench then says so and skips the row). */
export async function runHubFanOut(subscribers: number, broadcasts: number, processes = 2): Promise<HubFanOutResult | undefined> {
  if (!REDIS_SERVER) return undefined;
  const redis = await startRedis();
  const servers: ChildProcess[] = [];
  const shared = await connectRedis(redis.url, quiet);
  const hub = new RedisHub(shared.client, { log: quiet });
  const agent = new Agent({ connections: subscribers + 10, pipelining: 0 });
  const bodies: { destroy(): void }[] = [];
  try {
    const origins: string[] = [];
    for (let p = 0; p < processes; p += 1) {
      const started = await startServer({ url: redis.url, channel: CHANNEL });
      servers.push(started.child);
      origins.push(started.origin);
    }
    let target = '';
    let reached = 0;
    let onAll: (() => void) | undefined;
    const connected: Promise<void>[] = [];
    for (let i = 0; i < subscribers; i += 1) {
      const response = await request(`${origins[i % processes]}/events`, { dispatcher: agent, headers: { accept: 'text/event-stream' } });
      if (response.statusCode !== 200) throw new Error(`stream ${i + 1} answered ${response.statusCode}`);
      bodies.push(response.body);
      connected.push(
        new Promise<void>((resolve) => {
          const parser = new SseParser((event) => {
            if (event.event === 'state') resolve();
            else if (event.id === target && (reached += 1) === subscribers) onAll?.();
          });
          response.body.on('data', (chunk: Buffer) => parser.push(chunk.toString('utf8')));
        }),
      );
    }
    await Promise.all(connected);
    // Only this process publishes, so the ids to wait for are known before each publish.
    const before = Number(await hub.lastId(CHANNEL));
    const times: number[] = [];
    for (let n = 1; n <= broadcasts; n += 1) {
      reached = 0;
      target = String(before + n);
      const all = new Promise<void>((resolve) => (onAll = resolve));
      const started = performance.now();
      const event = await hub.publish(CHANNEL, { type: 'broadcast', data: { transcript: transcript(`b${n}`), n } });
      if (event.id !== target) throw new Error(`another publisher on ${CHANNEL}: expected id ${target}, got ${event.id}`);
      await all;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { subscribers, processes, broadcasts, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), maxMs: round(times.at(-1) ?? 0) };
  } finally {
    for (const body of bodies) body.destroy();
    await agent.destroy();
    for (const child of servers) child.stdin?.end();
    await Promise.all(servers.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await hub.close();
    await shared.close();
    await redis.close();
  }
}

if (process.argv[2]?.startsWith('{')) {
  serve(JSON.parse(process.argv[2]) as ServerSpec).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
