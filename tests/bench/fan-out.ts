// Broadcast fan-out against the sandbox as it runs: N students join a room (each with a sandbox cookie of
// their own, as their browsers have), open the room's event stream, and the instructor broadcasts M
// exchanges; each is timed from sending POST …/broadcast to the last student reading it. Given several
// origins (processes sharing one REDIS_URL), the instructor creates the room and broadcasts on the first,
// and students join and listen on each in turn.
// Loopback only: run.ts passes origins of servers it started on 127.0.0.1.
import { Agent, request } from 'undici';
import { SseParser } from '../server/classroom/sse-client';
import { transcript } from '../server/classroom/helpers';

export interface FanOutResult {
  subscribers: number;
  processes: number;
  broadcasts: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs the fan-out; `connected` is called with every stream open, before the first broadcast. */
export async function runFanOut(origins: string | string[], subscribers: number, broadcasts: number, connected?: () => Promise<void>): Promise<FanOutResult> {
  const all = typeof origins === 'string' ? [origins] : origins;
  for (const origin of all) {
    const host = new URL(origin).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing non-loopback target ${origin}`);
  }
  const origin = all[0]!;
  const agent = new Agent({ connections: subscribers + 10, pipelining: 0 });
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}, at = origin) => {
    const response = await request(`${at}${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const json = (await response.body.json()) as Record<string, string>;
    if (response.statusCode >= 300) throw new Error(`${path} answered ${response.statusCode}: ${JSON.stringify(json)}`);
    return json;
  };
  const streams: { destroy(): void }[] = [];
  try {
    const room = await post('/app/rooms', { title: 'bench' }, { cookie: 'sandbox=fan-instructor' });
    const counts = new Array<number>(subscribers).fill(0);
    let target = 0;
    let reached = 0;
    let onAllReached: (() => void) | undefined;
    for (let i = 0; i < subscribers; i += 1) {
      const cookie = `sandbox=fan-${i}`;
      const at = all[i % all.length]!;
      const student = await post(`/app/rooms/${room.code}/join`, { name: `Student ${i + 1}` }, { cookie }, at);
      const response = await request(`${at}/app/rooms/${room.code}/events`, { dispatcher: agent, headers: { cookie, authorization: `Bearer ${student.studentKey}` } });
      if (response.statusCode !== 200) throw new Error(`student ${i + 1}'s event stream answered ${response.statusCode}`);
      const parser = new SseParser((event) => {
        if (event.event !== 'broadcast') return;
        counts[i]! += 1;
        if (counts[i] === target && (reached += 1) === subscribers) onAllReached?.();
      });
      response.body.on('data', (chunk: Buffer) => parser.push(chunk.toString('utf8')));
      streams.push(response.body);
    }
    await connected?.();
    const times: number[] = [];
    for (let n = 1; n <= broadcasts; n += 1) {
      target = n;
      reached = 0;
      const everyone = new Promise<void>((resolve) => (onAllReached = resolve));
      const started = performance.now();
      await post(`/app/rooms/${room.code}/broadcast`, { transcript: transcript(`b${n}`) }, { authorization: `Bearer ${room.instructorKey}`, cookie: 'sandbox=fan-instructor' });
      await everyone;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { subscribers, processes: all.length, broadcasts, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), maxMs: round(times.at(-1) ?? 0) };
  } finally {
    for (const stream of streams) stream.destroy();
    await agent.destroy();
  }
}
