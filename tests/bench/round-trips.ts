// Redis round trips per toy-API request, on a sandbox started with REDIS_URL: the server's own count of the
// commands it sent (GET /metrics, http_sandbox_redis_command_duration_seconds_count by command — ioredis here
// sends no pipelines, so one command is one round trip), read before and after each request. A scrape costs
// commands of its own (the sandboxes gauge asks Redis), and the sweeps run in the background, so each request
// is sampled several times: median per command of (scrape, request, scrape) less median of (scrape, scrape).
// Loopback only: run.ts passes the origin of a server it started on 127.0.0.1 (/metrics answers loopback).
import { request } from 'undici';

export interface RoundTripRow {
  request: string;
  status: number;
  /** Median round trips per request, all commands. */
  total: number;
  /** Median round trips per request, by command (those above zero). */
  byCommand: Record<string, number>;
}

const COUNT = /^http_sandbox_redis_command_duration_seconds_count\{command="([^"]+)"\} (\d+)/gm;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function countRoundTrips(origin: string, samples = 9): Promise<RoundTripRow[]> {
  const host = new URL(origin).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing non-loopback target ${origin}`);
  const scrape = async () => {
    const response = await request(`${origin}/metrics`);
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}: ${text.slice(0, 200)}`);
    return new Map([...text.matchAll(COUNT)].map((m) => [m[1]!, Number(m[2])]));
  };
  const delta = (before: Map<string, number>, after: Map<string, number>) =>
    new Map([...after].map(([command, n]) => [command, n - (before.get(command) ?? 0)]));
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await request(`${origin}${path}`, {
      method: method as 'GET',
      headers: { 'x-sandbox': 'bench-round-trips', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text && response.headers['content-type']?.toString().includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  /** Median commands per call of `run` (it sends exactly one request), as per-command medians. */
  const measure = async (run: (i: number) => Promise<number>) => {
    const deltas: Map<string, number>[] = [];
    let status = 0;
    for (let i = 0; i < samples; i += 1) {
      const before = await scrape();
      status = await run(i);
      deltas.push(delta(before, await scrape()));
    }
    const commands = new Set(deltas.flatMap((d) => [...d.keys()]));
    return { status, perCommand: new Map([...commands].map((c) => [c, median(deltas.map((d) => d.get(c) ?? 0))])) };
  };

  // What a scrape alone costs, subtracted from every request below.
  const baseline = (await measure(async () => 0)).perCommand;
  const login = await call('POST', '/api/tokens', {}, { username: 'ada', password: 'lovelace' });
  const token = String(login.json.token ?? '');
  if (login.status >= 300 || !token) throw new Error(`POST /api/tokens answered ${login.status}`);
  const auth = { authorization: `Bearer ${token}` };
  const created = async () => {
    const book = await call('POST', '/api/books', auth, { title: 'Round trips', author: 'Bench', year: 2026 });
    if (book.status !== 201) throw new Error(`POST /api/books answered ${book.status}`);
    return String(book.json.id);
  };
  const mine = await created();
  const toDelete: string[] = [];
  for (let i = 0; i < samples; i += 1) toDelete.push(await created());

  const cases: [string, (i: number) => Promise<number>][] = [
    ['GET /api/books', async () => (await call('GET', '/api/books')).status],
    ['GET /api/books/1', async () => (await call('GET', '/api/books/1')).status],
    ['POST /api/tokens (log in)', async () => (await call('POST', '/api/tokens', {}, { username: 'ada', password: 'lovelace' })).status],
    ['POST /api/books (logged in)', async (i) => (await call('POST', '/api/books', auth, { title: `Round trip ${i}`, author: 'Bench', year: 2026 })).status],
    [`PATCH /api/books/:id (logged in)`, async (i) => (await call('PATCH', `/api/books/${mine}`, auth, { title: `Patched ${i}` })).status],
    ['DELETE /api/books/:id (logged in)', async (i) => (await call('DELETE', `/api/books/${toDelete[i]}`, auth)).status],
    ['GET /get (echo)', async () => (await call('GET', '/get')).status],
  ];
  const rows: RoundTripRow[] = [];
  for (const [name, run] of cases) {
    const { status, perCommand } = await measure(run);
    const byCommand: Record<string, number> = {};
    for (const [command, n] of perCommand) {
      const net = n - (baseline.get(command) ?? 0);
      if (net > 0) byCommand[command] = net;
    }
    rows.push({ request: name, status, total: Object.values(byCommand).reduce((sum, n) => sum + n, 0), byCommand });
  }
  return rows;
}
