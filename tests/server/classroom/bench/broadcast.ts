// Benchmark: how long a room broadcast takes to reach N connected subscribers (p50/p99 over a series of
// broadcasts, from sending POST …/broadcast to the last subscriber reading the event), and the server's
// memory with them connected. The server runs in a child process on 127.0.0.1; nothing leaves loopback.
// Run alone: `npx tsx tests/server/classroom/bench/broadcast.ts [--subscribers 300] [--broadcasts 50]`;
// `runBroadcastBench()` is what `npm run bench` can call.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { SseParser } from '../sse-client';
import { transcript } from '../helpers';

export interface BroadcastBenchResult {
  subscribers: number;
  broadcasts: number;
  /** Milliseconds from sending the broadcast until the last subscriber had it. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server memory with every subscriber connected (after a GC when --expose-gc is on). */
  serverRssMB: number;
  serverHeapMB: number;
  /** Server memory before the subscribers connected, for comparison. */
  idleRssMB: number;
  idleHeapMB: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

export async function runBroadcastBench(options: { subscribers?: number; broadcasts?: number } = {}): Promise<BroadcastBenchResult> {
  const subscribers = options.subscribers ?? 300;
  const broadcasts = options.broadcasts ?? 50;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'server.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length > 0 ? resolve(lines.shift()!) : waiting.push(resolve)));
  const memory = async () => {
    child.stdin.write('mem\n');
    return JSON.parse(await nextLine()) as { rss: number; heapUsed: number; streams: number };
  };

  const agent = new Agent({ connections: subscribers + 10, pipelining: 0 });
  try {
    const { port } = JSON.parse(await nextLine()) as { port: number };
    const origin = `http://127.0.0.1:${port}`;
    const post = async (path: string, body: unknown, key?: string) => {
      const response = await request(`${origin}${path}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
      });
      return response.body.json() as Promise<any>;
    };
    const room = await post('/app/rooms', { title: 'bench' });
    const idle = await memory();

    // Each subscriber counts the broadcasts it has read; the bench waits for all to reach a number.
    const counts = new Array<number>(subscribers).fill(0);
    let target = 0;
    let reached = 0;
    let onAllReached: (() => void) | undefined;
    const streams = [];
    for (let i = 0; i < subscribers; i += 1) {
      const student = await post(`/app/rooms/${room.code}/join`, { name: `Student ${i + 1}` });
      const response = await request(`${origin}/app/rooms/${room.code}/events`, { dispatcher: agent, headers: { authorization: `Bearer ${student.studentKey}` } });
      const parser = new SseParser((event) => {
        if (event.event !== 'broadcast') return;
        counts[i]! += 1;
        if (counts[i] === target) {
          reached += 1;
          if (reached === subscribers) onAllReached?.();
        }
      });
      response.body.on('data', (chunk: Buffer) => parser.push(chunk.toString('utf8')));
      streams.push(response.body);
    }
    const connected = await memory();
    if (connected.streams !== subscribers) throw new Error(`only ${connected.streams} of ${subscribers} streams are open`);

    const times: number[] = [];
    for (let n = 1; n <= broadcasts; n += 1) {
      target = n;
      reached = 0;
      const all = new Promise<void>((resolve) => (onAllReached = resolve));
      const started = performance.now();
      await post(`/app/rooms/${room.code}/broadcast`, { transcript: transcript(`b${n}`) }, room.instructorKey);
      await all;
      times.push(performance.now() - started);
    }
    for (const stream of streams) stream.destroy();
    times.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      subscribers,
      broadcasts,
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(times.at(-1)!),
      serverRssMB: mb(connected.rss),
      serverHeapMB: mb(connected.heapUsed),
      idleRssMB: mb(idle.rss),
      idleHeapMB: mb(idle.heapUsed),
    };
  } finally {
    await agent.destroy();
    child.stdin.end();
    await once(child, 'exit');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : Number(process.argv[i + 1]);
  };
  const result = await runBroadcastBench({ subscribers: arg('subscribers'), broadcasts: arg('broadcasts') });
  console.log(JSON.stringify(result, null, 2));
}
