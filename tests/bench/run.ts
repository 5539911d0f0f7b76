// `npm run bench`: the sandbox exactly as `npm start` runs it (the same build step, then
// `node dist/server/main.js` with the default logging and WORKERS as configured), side by side in one run
// with a bare-Fastify echo (the ceiling of our stack, one process) and, when installed, the real httpbin
// (gunicorn with as many workers as the sandbox has processes). Targets are alternated round by round so
// drift on a shared machine hits all alike. Prints one report and writes JSON (bench/results.json, or --out).
// Every server is started here on 127.0.0.1 and stopped at the end; no traffic leaves loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, request } from 'undici';
import { CLIENT_DIST, PROJECT_ROOT, ensureClientBuilt, ensureServerBuilt } from '../../server/client-build';
import { runFanOut } from './fan-out';
import { runHubFanOut } from './hub-fan-out';
import type { LoadResult, LoadSpec } from './load';
import { cpuMsOf, fillSandboxes, memoryOf } from './memory';
import { countRoundTrips, type RoundTripRow } from './round-trips';
import { REDIS_SERVER, startRedis } from '../helpers/redis';
import type { SendBurstResult, SendBurstSpec } from './send-burst';
import { runWrk, WRK_THREADS, wrkInstalled } from './wrk';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : join(PROJECT_ROOT, 'bench', 'results.json');
const ROUNDS = QUICK ? 1 : 3;
const SLICE_MS = QUICK ? 1_000 : 3_000;
/** Each scenario once on every target before the rounds, unrecorded: V8 compiles the hot paths first. */
const WARM_UP_MS = 1_000;
/** wrk when installed (as issue 15 measured: a C load generator leaves the server more of the 2 cores), else Node. */
const WRK = !args.includes('--node-load') && wrkInstalled();
const CONNECTIONS = 50;
const SEND_SAMPLES = QUICK ? 100 : 400;
/** Sends (each with a direct GET) before the measured ones, not counted: by then V8 has optimised the send path. */
const SEND_WARM_UP = QUICK ? 1_000 : 2_000;
/** "Everyone, press Send now": a lecture hall of students, each sending once per burst. */
const BURST_STUDENTS = 300;
const BURSTS = QUICK ? 2 : 5;
const FAN_OUT_SUBSCRIBERS = 300;
const MEMORY_SANDBOXES = 1_000;
const MEMORY_WRITES = 10;
const TSX = ['--import', 'tsx'];
const WORKERS = Number(process.env.WORKERS ?? 1);

/** Issue 15's targets, checked here and nowhere else. */
const TARGETS = {
  vsCeiling: { 'GET /get': 0.85, 'POST /anything (1 KB JSON)': 0.7, 'GET /api/books?page=1': 0.8, 'GET /api/books/1 (If-None-Match → 304)': 0.8 } as Record<string, number>,
  sendOverheadP50Ms: 0.5,
  /** WORKERS=2 on this 2-core machine against one process, GET /get; and against httpbin with 2 workers. */
  workers2VsOne: 1.25,
  workers2VsHttpbin: 10,
  idleRssMB: 90,
  sandboxesAddMB: 30,
  initialJsKB: 100,
  burstP99Ms: 1_000,
  fanOutP99Ms: 100,
};

interface Started {
  name: string;
  origin: string;
  child: ChildProcess;
  /** The process that serves (for memory and CPU); npm and its shell are not counted. */
  pid: number;
  /** Lines the server wrote after it said it was running (its log), counted by what they say. */
  logLines: () => Map<string, number>;
  /** Started in a process group of its own (npm, its shell, the server), stopped together. */
  group?: boolean;
}

function readJsonLine(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      child.stdout!.off('data', onData);
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before answering`)));
  });
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** The process below `root` running dist/server/main.js: node itself, whose argument is the script, not the shell
 *  whose one argument is the whole `npm start` command line ending in it. */
function servingPid(root: number): number | undefined {
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      // Gone.
    }
    if (argv.some((arg) => arg === 'dist/server/main.js' || arg.endsWith('/dist/server/main.js'))) return pid;
    queue.push(...childPids(pid));
  }
  return undefined;
}

/**
 * `npm start` itself, in a process group of its own, on a free loopback port. Resolves once it says it is
 * running; rejects with its output when it exits first (a refused setting, for instance).
 */
function startSandbox(name: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
  });
  let output = '';
  let running = false;
  const lines = new Map<string, number>();
  let partial = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (running) {
        const all = (partial + text).split('\n');
        partial = all.pop()!;
        for (const line of all) {
          let what = line.slice(0, 40);
          try {
            // "slow request: GET /app/send took 1234 ms" → "slow request: GET /app/send"
            what = String((JSON.parse(line) as { msg?: string }).msg ?? '').replace(/ took \d+ ms.*$/, '');
          } catch {
            // Not JSON: count it by its start.
          }
          lines.set(what, (lines.get(what) ?? 0) + 1);
        }
        return;
      }
      output += text;
      const match = /running on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (!match) return;
      running = true;
      const pid = servingPid(child.pid!);
      if (pid === undefined) return reject(new Error('npm start is running, but no dist/server/main.js process was found'));
      resolve({ name, origin: match[1]!, child, pid, logLines: () => lines, group: true });
    });
    child.once('exit', (code) => {
      if (!running) reject(new Error(`npm start exited (${code}) before serving:\n${output.trim()}`));
    });
  });
}

/** Stops the server and waits until it has exited. */
function stopped(server: Started): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  stop(server);
  return exited;
}

function stop(server: Started): void {
  if (server.child.exitCode !== null) return;
  try {
    if (server.group) process.kill(-server.child.pid!, 'SIGTERM');
    else server.child.kill('SIGTERM');
  } catch {
    // Already gone.
  }
}

async function startNode(name: string, script: string): Promise<Started> {
  const child = spawn(process.execPath, [...TSX, join(PROJECT_ROOT, script)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const { port } = (await readJsonLine(child)) as { port: number };
  return { name, origin: `http://127.0.0.1:${port}`, child, pid: child.pid!, logLines: () => new Map() };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(origin: string, path: string, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    try {
      const response = await request(`${origin}${path}`);
      await response.body.dump();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

async function startHttpbin(workers: number, name = 'httpbin'): Promise<Started | undefined> {
  // Debian's httpbin lives in the system Python, which may not be the first python3 on PATH.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const check = spawnSync(python, ['-c', 'import httpbin, gunicorn'], { stdio: 'ignore' });
  if (check.status !== 0) {
    console.log('httpbin is not installed, so it is skipped. To compare with it: apt-get install -y python3-httpbin gunicorn');
    return undefined;
  }
  const port = await freePort();
  const child = spawn(python, ['-m', 'gunicorn', '-w', String(workers), '-b', `127.0.0.1:${port}`, '--log-level', 'warning', 'httpbin:app'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  if (!(await waitFor(origin, '/get'))) {
    child.kill();
    console.log('httpbin did not start; skipping it.');
    return undefined;
  }
  return { name, origin, child, pid: child.pid!, logLines: () => new Map() };
}

function runChild<T>(script: string, spec: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, join(PROJECT_ROOT, script), JSON.stringify(spec)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    readJsonLine(child).then((result) => resolve(result as T), reject);
  });
}

const load = (spec: LoadSpec) => (WRK ? runWrk(spec) : runChild<LoadResult>('tests/bench/load.ts', spec));
const LOAD_GENERATOR = WRK
  ? `wrk (${WRK_THREADS} threads)`
  : 'a Node load generator (undici, tests/bench/load.ts; install wrk for a lighter one: apt-get install -y wrk)';
const sendBurst = (spec: SendBurstSpec) => runChild<SendBurstResult>('tests/bench/send-burst.ts', spec);

interface Scenario {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  targets: string[];
}

const KB_JSON = JSON.stringify({ title: 'x'.repeat(900), author: 'Bench', year: 2026, tags: ['a', 'b'] });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function sendOverhead(origin: string): Promise<Record<string, number>> {
  const direct: number[] = [];
  const viaSend: number[] = [];
  // One keep-alive connection of our own for both, one request at a time: what is timed is the server.
  const client = new Client(origin, { pipelining: 1 });
  // A learner may send SEND_RATE_PER_MINUTE (300) a minute: a new learner (sandbox cookie) every 100 sends
  // keeps every sample a real send, never a 429.
  const send = (i: number) =>
    client.request({
      path: '/app/send',
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `sandbox=bench-send-${Math.floor(i / 100)}` },
      body: JSON.stringify({ method: 'GET', url: '/get', headers: [] }),
    });
  try {
    const probe = await send(0);
    await probe.body.dump();
    if (probe.statusCode !== 200) return { skipped: probe.statusCode };
    let refused = 0;
    // The first sends run code V8 has not optimised yet: SEND_WARM_UP pairs first, not counted.
    for (let i = 0; i < SEND_WARM_UP + SEND_SAMPLES; i += 1) {
      let t0 = performance.now();
      const a = await client.request({ path: '/get', method: 'GET' });
      await a.body.dump();
      const directMs = performance.now() - t0;
      t0 = performance.now();
      const b = await send(i);
      await b.body.dump();
      const sendMs = performance.now() - t0;
      if (b.statusCode !== 200) refused += 1;
      if (i < SEND_WARM_UP) continue;
      direct.push(directMs);
      viaSend.push(sendMs);
    }
    if (refused > 0) throw new Error(`${refused} of ${SEND_WARM_UP + SEND_SAMPLES} sends were not answered 200: the overhead would be measured on refusals`);
  } finally {
    await client.close();
  }
  const p = (values: number[], q: number) => [...values].sort((x, y) => x - y)[Math.floor(q * values.length)]!;
  return {
    directP50: p(direct, 0.5),
    directP99: p(direct, 0.99),
    sendP50: p(viaSend, 0.5),
    sendP99: p(viaSend, 0.99),
    overheadP50: p(viaSend, 0.5) - p(direct, 0.5),
    overheadP99: p(viaSend, 0.99) - p(direct, 0.99),
  };
}

interface Weight {
  raw: number;
  br: number;
  gzip: number;
}

/** Bytes on the wire for one URL, fetched as a browser would (br), as an older one would (gzip), and raw. */
async function servedSize(origin: string, path: string): Promise<Weight> {
  const size = async (encoding: string) => {
    const response = await request(`${origin}${path}`, { headers: { 'accept-encoding': encoding } });
    const bytes = Buffer.from(await response.body.arrayBuffer()).length;
    // Another build replaced dist/client while the server ran (it serves the files it found at start).
    if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}: dist/client was rebuilt during the run; run the bench again`);
    return bytes;
  };
  return { raw: await size('identity'), br: await size('gzip, deflate, br, zstd'), gzip: await size('gzip') };
}

/** The client as served: what the page loads at once (its scripts, preloads and styles), and the rest. */
async function clientWeight(origin: string): Promise<Record<string, Weight>> {
  const page = await request(`${origin}/`);
  const html = await page.body.text();
  const initial = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!));
  const add = (a: Weight, b: Weight) => ({ raw: a.raw + b.raw, br: a.br + b.br, gzip: a.gzip + b.gzip });
  const zero = { raw: 0, br: 0, gzip: 0 };
  const sizes: Record<string, Weight> = { initialJs: zero, initialCss: zero, lazyJs: zero, html: await servedSize(origin, '/') };
  for (const file of readdirSync(join(CLIENT_DIST, 'assets'))) {
    if (!/\.(js|css)$/.test(file)) continue;
    const path = `/assets/${file}`;
    const key = file.endsWith('.css') ? (initial.has(path) ? 'initialCss' : undefined) : initial.has(path) ? 'initialJs' : 'lazyJs';
    if (key) sizes[key] = add(sizes[key]!, await servedSize(origin, path));
  }
  return sizes;
}

const mb = (bytes: number) => bytes / 2 ** 20;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

/** The Measure row of the server X-ray: a traced read against the same read untraced, in the same run. */
function traceCost(rows: { scenario: string; sandbox: { rps: number; p50: number; p99: number } }[]): string {
  const plain = rows.find((r) => r.scenario === 'GET /api/books/1')?.sandbox;
  const traced = rows.find((r) => r.scenario.startsWith('GET /api/books/1 traced'))?.sandbox;
  if (!plain || !traced) return '| Server X-ray | not measured |';
  return `| Server X-ray: GET /api/books/1 with X-Sandbox-Trace: 1 vs without | ${traced.rps} vs ${plain.rps} req/s (${Math.round((traced.rps / plain.rps) * 100)}%), p50 ${traced.p50} vs ${plain.p50} ms; requests without the header pay one header lookup |`;
}

type Summary = { rps: number; p50: number; p99: number; errors: number; serverCpu: number; loadCpu: number; cpuPerRequestUs: number };

/**
 * Issue 17's scaling rows: WORKERS=2 on Redis against one process in memory (and one process on Redis), or,
 * when WORKERS=2 did not start, why — said once — and one process on Redis against one in memory.
 */
function scalingRows(workers2: string, scaling: { scenario: string; memory: Summary; workers2?: Summary; redis1?: Summary; httpbin2?: Summary }[]): string[] {
  const cpu = (s: Summary) => `CPU server ${pct(s.serverCpu, 1)} / load gen ${pct(s.loadCpu, 1)}`;
  const figures = (s: Summary) => `${s.rps} req/s, p50 ${s.p50} / p99 ${s.p99} ms, ${cpu(s)}${s.errors ? `, ${s.errors} errors` : ''}`;
  const ratio = (a: Summary, b: Summary) => `×${(a.rps / b.rps).toFixed(2)}`;
  const measured = scaling.some((s) => s.workers2);
  const rows = measured ? [] : [`| WORKERS=2 on Redis | ${workers2.replace('Configuration error: ', '')} |`];
  for (const { scenario, memory, workers2: two, redis1, httpbin2 } of scaling) {
    if (two) {
      const one = redis1 ? `; one process on Redis ${figures(redis1)}` : '';
      const scaled = two.rps / memory.rps;
      const goal = scenario === 'GET /get' ? ` (target ≥ ${TARGETS.workers2VsOne}: ${scaled >= TARGETS.workers2VsOne ? 'met' : '**missed**'})` : '';
      const bin = httpbin2 ? `; httpbin with 2 gunicorn workers ${figures(httpbin2)}: WORKERS=2 is ×${(two.rps / httpbin2.rps).toFixed(1)} of it (target ≥ ${TARGETS.workers2VsHttpbin}: ${two.rps / httpbin2.rps >= TARGETS.workers2VsHttpbin ? 'met' : '**missed**'})` : '';
      rows.push(`| WORKERS=2 on Redis vs one process in memory, ${scenario} | ${ratio(two, memory)}${goal}: WORKERS=2 ${figures(two)} (CPU summed over the primary and its workers); memory ${figures(memory)}${one}${bin} |`);
    } else if (redis1) {
      rows.push(`| One process on Redis vs one in memory, ${scenario} | ${ratio(redis1, memory)}: Redis ${figures(redis1)}; memory ${figures(memory)} |`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  // The build step of `npm start` (server/build.ts --if-stale), done once here so the three copies of the
  // sandbox started below do not race to build.
  await ensureClientBuilt((m) => console.log(m));
  await ensureServerBuilt((m) => console.log(m));

  const servers: Started[] = [];
  const loadAtStart = loadavg().map((n) => Number(n.toFixed(2)));
  // Issue 17's rows: a redis-server of the bench's own (free loopback port, temp folder, no persistence) that
  // WORKERS=2 and the single processes on Redis share. Skipped, and said, when redis-server is not installed.
  const redis = REDIS_SERVER ? await startRedis() : undefined;
  const noRedis = 'skipped: redis-server is not installed (apt-get install redis-server)';
  // WORKERS=2 on Redis against the single process in memory. A server that refuses it says why at start.
  let workers2 = noRedis;
  try {
    if (redis) {
      try {
        servers.push(await startSandbox('workers2', { WORKERS: '2', REDIS_URL: redis.url }));
        workers2 = 'started';
      } catch (error) {
        const message = (error as Error).message;
        workers2 = `refused at start: ${message.split('\n').find((line) => line.includes('WORKERS=')) ?? message}`;
      }
      // One process on the same Redis: what Redis costs a process, apart from what a second one adds.
      servers.push(await startSandbox('redis1', { REDIS_URL: redis.url, WORKERS: '1' }));
    }
    const sandbox = await startSandbox('sandbox');
    servers.push(sandbox);
    await new Promise((r) => setTimeout(r, 1_000));
    const idle = memoryOf(sandbox.pid);
    const fillFailed = await fillSandboxes(sandbox.origin, MEMORY_SANDBOXES, MEMORY_WRITES);
    const filled = memoryOf(sandbox.pid);

    // The same build with every log line off, and with one line per request, for what logging costs.
    servers.push(await startSandbox('silent', { LOG_LEVEL: 'silent' }));
    servers.push(await startSandbox('debug', { LOG_LEVEL: 'debug' }));
    servers.push(await startNode('ceiling', 'tests/bench/ceiling-server.ts'));
    const httpbin = await startHttpbin(WORKERS);
    // httpbin with two gunicorn workers, beside WORKERS=2 (issue 15: ≥ 10× httpbin with as many processes).
    const httpbin2 = workers2 === 'started' && WORKERS !== 2 ? await startHttpbin(2, 'httpbin2') : undefined;
    if (httpbin2) servers.push(httpbin2);
    if (httpbin) servers.push(httpbin);
    const byName = new Map(servers.map((s) => [s.name, s]));

    // The toy API's 304 needs the current ETag of book 1.
    const book = await request(`${sandbox.origin}/api/books/1`);
    await book.body.dump();
    const etag = String(book.headers.etag);
    const echo = ['sandbox', 'ceiling', 'httpbin'];
    const scenarios: Scenario[] = [
      { name: 'GET /get', path: '/get', method: 'GET', headers: {}, targets: [...echo, 'silent', 'debug', 'workers2', 'redis1', 'httpbin2'] },
      { name: 'POST /anything (1 KB JSON)', path: '/anything', method: 'POST', headers: { 'content-type': 'application/json' }, body: KB_JSON, targets: echo },
      { name: 'GET /api/books?page=1', path: '/api/books?page=1', method: 'GET', headers: {}, targets: ['sandbox', 'ceiling', 'workers2', 'redis1'] },
      { name: 'GET /api/books/1 (If-None-Match → 304)', path: '/api/books/1', method: 'GET', headers: { 'if-none-match': etag }, targets: ['sandbox', 'ceiling'] },
      // The server X-ray's cost: the same read without and with X-Sandbox-Trace: 1.
      { name: 'GET /api/books/1', path: '/api/books/1', method: 'GET', headers: {}, targets: ['sandbox'] },
      { name: 'GET /api/books/1 traced (X-Sandbox-Trace: 1)', path: '/api/books/1', method: 'GET', headers: { 'x-sandbox-trace': '1' }, targets: ['sandbox'] },
    ];

    interface Sample extends LoadResult {
      serverCpuMs: number;
    }
    const samples = new Map<string, Sample[]>();
    for (const scenario of scenarios) {
      for (const target of scenario.targets) {
        const server = byName.get(target);
        if (server) await load({ origin: server.origin, path: scenario.path, method: scenario.method, headers: scenario.headers, body: scenario.body, connections: CONNECTIONS, durationMs: WARM_UP_MS });
      }
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const scenario of scenarios) {
        const order = round % 2 === 0 ? scenario.targets : [...scenario.targets].reverse();
        for (const target of order) {
          const server = byName.get(target);
          if (!server) continue;
          const cpuBefore = cpuMsOf(server.pid);
          const result = await load({
            origin: server.origin,
            path: scenario.path,
            method: scenario.method,
            headers: scenario.headers,
            body: scenario.body,
            connections: CONNECTIONS,
            durationMs: SLICE_MS,
          });
          const key = `${scenario.name}|${target}`;
          samples.set(key, [...(samples.get(key) ?? []), { ...result, serverCpuMs: cpuMsOf(server.pid) - cpuBefore }]);
        }
      }
    }
    const loaded = memoryOf(sandbox.pid);

    const summary = (scenario: string, target: string) => {
      const list = samples.get(`${scenario}|${target}`);
      if (!list) return undefined;
      return {
        rps: median(list.map((r) => r.rps)),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        errors: list.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
        // Share of one core used during the slice, by the server and by the load generator.
        serverCpu: median(list.map((r) => r.serverCpuMs / r.elapsedMs)),
        // The server's CPU time per request, µs: what the scheduler's share does not change.
        cpuPerRequestUs: median(list.map((r) => (r.requests ? (r.serverCpuMs * 1_000) / r.requests : 0))),
        loadCpu: median(list.map((r) => r.cpuMs / r.elapsedMs)),
      };
    };
    const rows = scenarios.map((scenario) => {
      const ours = summary(scenario.name, 'sandbox')!;
      const ceiling = summary(scenario.name, 'ceiling');
      const bin = summary(scenario.name, 'httpbin');
      return {
        scenario: scenario.name,
        sandbox: ours,
        ceiling,
        httpbin: bin,
        vsCeiling: ceiling ? Number((ours.rps / ceiling.rps).toFixed(2)) : undefined,
        cpuVsCeiling: ceiling && ours.cpuPerRequestUs ? Number((ceiling.cpuPerRequestUs / ours.cpuPerRequestUs).toFixed(2)) : undefined,
        vsHttpbin: bin ? Number((ours.rps / bin.rps).toFixed(1)) : undefined,
        target: TARGETS.vsCeiling[scenario.name],
      };
    });
    // WORKERS=2 on Redis (and one process on Redis) against the single process in memory, same rounds.
    const scaling = ['GET /get', 'GET /api/books?page=1'].map((scenario) => ({
      scenario,
      memory: summary(scenario, 'sandbox')!,
      workers2: summary(scenario, 'workers2'),
      redis1: summary(scenario, 'redis1'),
      httpbin2: summary(scenario, 'httpbin2'),
    }));
    const logging = { info: summary('GET /get', 'sandbox')!, silent: summary('GET /get', 'silent')!, debug: summary('GET /get', 'debug')! };

    const send = await sendOverhead(sandbox.origin);
    const burst = await sendBurst({ origin: sandbox.origin, students: BURST_STUDENTS, bursts: BURSTS });
    let connected = { rss: 0, hwm: 0, processes: 0 };
    const beforeFanOut = memoryOf(sandbox.pid);
    const fanOut = await runFanOut(sandbox.origin, FAN_OUT_SUBSCRIBERS, QUICK ? 20 : 100, async () => {
      connected = memoryOf(sandbox.pid);
    });
    // Redis round trips per toy-API request, and a room's broadcast to students split over two processes:
    // the instructor's process (redis1) and a second single process on the same Redis.
    let roundTrips: RoundTripRow[] | undefined;
    let roomFanOut: Awaited<ReturnType<typeof runFanOut>> | undefined;
    const redis1 = byName.get('redis1');
    if (redis && redis1) {
      roundTrips = await countRoundTrips(redis1.origin);
      const second = await startSandbox('redis2', { REDIS_URL: redis.url, WORKERS: '1' });
      servers.push(second);
      roomFanOut = await runFanOut([redis1.origin, second.origin], FAN_OUT_SUBSCRIBERS, QUICK ? 20 : 100);
    }
    // The hub alone (no room service): 300 event streams on one channel split over two bare processes.
    const hubFanOut = await runHubFanOut(FAN_OUT_SUBSCRIBERS, QUICK ? 20 : 100);
    const weight = await clientWeight(sandbox.origin);
    const logLines = Object.fromEntries([...sandbox.logLines()].sort((a, b) => b[1] - a[1]));
    const logTotal = Object.values(logLines).reduce((sum, n) => sum + n, 0);
    const logTop = Object.entries(logLines).slice(0, 4).map(([what, n]) => `${n} × "${what}"`).join(', ');

    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAtStart, loadAtEnd: loadavg().map((n) => Number(n.toFixed(2))) };
    const memory = { idle, filled, loaded, beforeFanOut, connected, fillFailed };
    const results = { date: new Date().toISOString(), quick: QUICK, machine, loadGenerator: LOAD_GENERATOR, workers: WORKERS, workers2, scaling, roundTrips, roomFanOut, connections: CONNECTIONS, sliceMs: SLICE_MS, rounds: ROUNDS, throughput: rows, logging, send, burst, memory, fanOut, hubFanOut, clientWeight: weight, logLines, targets: TARGETS };

    const verdict = (ok: boolean, missedBy: string) => (ok ? 'met' : `**missed** by ${missedBy}`);
    const idleMB = mb(idle.rss);
    const addedMB = mb(filled.rss - idle.rss);
    const initialKB = weight.initialJs!.br / 1024;
    const initialGzipKB = weight.initialJs!.gzip / 1024;
    const lines = [
      `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; load average (1, 5, 15 min) ${machine.loadAtStart.join(', ')} at the start, ${machine.loadAtEnd.join(', ')} at the end. The sandbox: \`npm start\` (node dist/server/main.js, LOG_LEVEL info, JSON log lines), WORKERS=${WORKERS}; httpbin: gunicorn -w ${WORKERS}. Load: ${LOAD_GENERATOR}, ${CONNECTIONS} connections, ${WARM_UP_MS / 1000} s of warm-up then ${ROUNDS} × ${SLICE_MS / 1000} s per target, medians. CPU columns: share of one core used by the server and by the load generator during the slice (${machine.cpus} cores = ${machine.cpus * 100}%); µs/request: the server's CPU time per request, and the bare Fastify's over the sandbox's (the same ratio in CPU, which the scheduler's share of the cores does not move).`,
      '',
      '| Scenario | Sandbox req/s | p50 / p99 ms | CPU server / load gen | Bare Fastify req/s | × Fastify (target) | µs/request sandbox / Fastify (×) | httpbin req/s | × httpbin | errors |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const goal = r.target === undefined || r.vsCeiling === undefined ? '' : ` (≥ ${r.target}: ${verdict(r.vsCeiling >= r.target, `${Math.round((1 - r.vsCeiling / r.target) * 100)}%`)})`;
        return `| ${r.scenario} | ${r.sandbox.rps} | ${r.sandbox.p50} / ${r.sandbox.p99} | ${pct(r.sandbox.serverCpu, 1)} / ${pct(r.sandbox.loadCpu, 1)} | ${r.ceiling?.rps ?? '–'} | ${r.vsCeiling ?? '–'}${goal} | ${r.sandbox.cpuPerRequestUs.toFixed(1)} / ${r.ceiling ? `${r.ceiling.cpuPerRequestUs.toFixed(1)} (×${r.cpuVsCeiling})` : '–'} | ${r.httpbin?.rps ?? '–'} | ${r.vsHttpbin ?? '–'} | ${r.sandbox.errors} |`;
      }),
      '',
      '| Measure | Result |',
      '|---|---|',
      `| Logging cost, GET /get (same build) | LOG_LEVEL=info (as shipped: start-up, errors, slow requests) ${logging.info.rps} req/s; silent ${logging.silent.rps} req/s; debug (a line per request) ${logging.debug.rps} req/s. The sandbox wrote ${logTotal} log lines during the whole run${logTotal ? ` (${logTop})` : ''} |`,
      ...scalingRows(workers2, scaling),
      traceCost(rows),
      'skipped' in send
        ? `| Send endpoint | skipped (POST /app/send answered ${send.skipped}) |`
        : `| Send endpoint: POST /app/send → /get vs a direct GET /get, one at a time on one connection, after ${SEND_WARM_UP} unmeasured pairs | added p50 ${send.overheadP50!.toFixed(2)} ms (send ${send.sendP50!.toFixed(2)} / direct ${send.directP50!.toFixed(2)}), p99 send ${send.sendP99!.toFixed(2)} / direct ${send.directP99!.toFixed(2)} ms; target ≤ ${TARGETS.sendOverheadP50Ms} ms: ${verdict(send.overheadP50! <= TARGETS.sendOverheadP50Ms, `${(send.overheadP50! - TARGETS.sendOverheadP50Ms).toFixed(2)} ms`)} |`,
      `| Class burst: ${burst.students} students (own cookies) send GET /api/books through POST /app/send at once, ${burst.bursts} times | served ${burst.served} of ${burst.sends}, refused ${burst.refused}, failed ${burst.failed}; p50 ${burst.p50Ms} ms, p99 ${burst.p99Ms} ms (target ≤ ${TARGETS.burstP99Ms}), slowest burst done in ${burst.slowestBurstMs} ms |`,
      `| Broadcast to ${fanOut.subscribers} SSE subscribers (each joined with a cookie of their own) | p50 ${fanOut.p50Ms} ms, p99 ${fanOut.p99Ms} ms over ${fanOut.broadcasts} broadcasts (target ≤ ${TARGETS.fanOutP99Ms}); RSS ${mb(connected.rss).toFixed(1)} MB with all connected (${mb(beforeFanOut.rss).toFixed(1)} MB before) |`,
      roomFanOut
        ? `| Broadcast to ${roomFanOut.subscribers} students of one room split over ${roomFanOut.processes} processes (two \`npm start\` with one REDIS_URL: the instructor creates the room and broadcasts on the first, students join and listen alternately on each) | p50 ${roomFanOut.p50Ms} ms, p99 ${roomFanOut.p99Ms} ms, max ${roomFanOut.maxMs} ms over ${roomFanOut.broadcasts} broadcasts (target ≤ ${TARGETS.fanOutP99Ms}: ${verdict(roomFanOut.p99Ms <= TARGETS.fanOutP99Ms, `${(roomFanOut.p99Ms - TARGETS.fanOutP99Ms).toFixed(1)} ms`)}) |`
        : `| Broadcast to one room's students split over two processes | ${noRedis} |`,
      hubFanOut
        ? `| The same through the Redis hub alone: ${hubFanOut.subscribers} event streams on one channel split over ${hubFanOut.processes} bare processes (the server's EventStream and pipeChannel over RedisHub; no room service, so no join, key or audience check — what the hub, pub/sub and the streams cost) | p50 ${hubFanOut.p50Ms} ms, p99 ${hubFanOut.p99Ms} ms, max ${hubFanOut.maxMs} ms over ${hubFanOut.broadcasts} broadcasts (target ≤ ${TARGETS.fanOutP99Ms}: ${verdict(hubFanOut.p99Ms <= TARGETS.fanOutP99Ms, `${(hubFanOut.p99Ms - TARGETS.fanOutP99Ms).toFixed(1)} ms`)}) |`
        : `| Broadcast through the Redis hub over two processes | ${noRedis} |`,
      `| Memory (RSS of the serving process, no forced GC) | idle after start ${idleMB.toFixed(1)} MB (target ≤ ${TARGETS.idleRssMB}: ${verdict(idleMB <= TARGETS.idleRssMB, `${(idleMB - TARGETS.idleRssMB).toFixed(1)} MB`)}); after ${MEMORY_SANDBOXES} sandboxes × ${MEMORY_WRITES} writes through the API ${mb(filled.rss).toFixed(1)} MB, +${addedMB.toFixed(1)} MB (target ≤ ${TARGETS.sandboxesAddMB}: ${verdict(addedMB <= TARGETS.sandboxesAddMB, `${(addedMB - TARGETS.sandboxesAddMB).toFixed(1)} MB`)}; ${fillFailed} writes failed); after the load runs ${mb(loaded.rss).toFixed(1)} MB, peak ${mb(loaded.hwm).toFixed(1)} MB |`,
      `| Client as served (bytes on the wire) | initial JS ${kb(weight.initialJs!.br)} br / ${kb(weight.initialJs!.gzip)} gzip (${kb(weight.initialJs!.raw)} raw), target ≤ ${TARGETS.initialJsKB} KB: br ${verdict(initialKB <= TARGETS.initialJsKB, `${(initialKB - TARGETS.initialJsKB).toFixed(1)} KB`)}, gzip ${verdict(initialGzipKB <= TARGETS.initialJsKB, `${(initialGzipKB - TARGETS.initialJsKB).toFixed(1)} KB`)}; CSS ${kb(weight.initialCss!.br)} br / ${kb(weight.initialCss!.gzip)} gzip; page ${kb(weight.html!.br)}; loaded later: JS ${kb(weight.lazyJs!.br)} br / ${kb(weight.lazyJs!.gzip)} gzip |`,
    ];
    if (roundTrips) {
      lines.push(
        '',
        '| Toy-API request (one process, REDIS_URL; sandbox in Redis) | Status | Redis round trips | By command |',
        '|---|---|---|---|',
        ...roundTrips.map((r) => `| ${r.request} | ${r.status} | ${r.total} | ${Object.entries(r.byCommand).map(([c, n]) => `${c} ${n}`).join(', ') || '–'} |`),
      );
    } else lines.push('', `Redis round trips per toy-API request: ${noRedis}`);
    console.log(lines.join('\n'));
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nResults written to ${OUT}`);
  } finally {
    await Promise.all(servers.map(stopped));
    await redis?.close();
  }
}

if (!existsSync(join(PROJECT_ROOT, 'package.json'))) throw new Error('run from the project');
await main();
