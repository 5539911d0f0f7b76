// `npm run bench`: the sandbox side by side with a bare-Fastify ceiling and (when installed) the real
// httpbin, on this machine, in one run. Targets are alternated round by round so drift hits all alike.
// Prints one markdown table and writes JSON results (default bench/results.json, or --out PATH).
// Every server is started here on 127.0.0.1 and stopped at the end; no traffic leaves loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { CLIENT_DIST, PROJECT_ROOT, ensureClientBuilt } from '../../server/client-build';
import type { LoadResult, LoadSpec } from './load';
import type { SendBurstResult, SendBurstSpec } from './send-burst';
import { runBroadcastBench } from '../server/classroom/bench/broadcast';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : join(PROJECT_ROOT, 'bench', 'results.json');
const ROUNDS = QUICK ? 1 : 3;
const SLICE_MS = QUICK ? 1_000 : 3_000;
const CONNECTIONS = 50;
const SEND_SAMPLES = QUICK ? 100 : 400;
/** "Everyone, press Send now": a lecture hall of students, each sending once per burst. */
const BURST_STUDENTS = 300;
const BURSTS = QUICK ? 2 : 5;
/** The class must be answered within this, p99 (issue 11). */
const BURST_TARGET_P99_MS = 1_000;
const TSX = ['--import', 'tsx'];

interface Started {
  name: string;
  origin: string;
  child: ChildProcess;
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

async function startNode(name: string, script: string, nodeArgs: string[] = []): Promise<Started> {
  const loader = script.endsWith('.ts') ? TSX : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const { port } = (await readJsonLine(child)) as { port: number };
  return { name, origin: `http://127.0.0.1:${port}`, child };
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

async function startHttpbin(): Promise<Started | undefined> {
  // Debian's httpbin lives in the system Python, which may not be the first python3 on PATH.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const check = spawnSync(python, ['-c', 'import httpbin, gunicorn'], { stdio: 'ignore' });
  if (check.status !== 0) {
    console.log('httpbin is not installed, so it is skipped. To compare with it: apt-get install -y python3-httpbin gunicorn');
    return undefined;
  }
  const port = await freePort();
  const child = spawn(python, ['-m', 'gunicorn', '-w', '2', '-b', `127.0.0.1:${port}`, '--log-level', 'warning', 'httpbin:app'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  if (!(await waitFor(origin, '/get'))) {
    child.kill();
    console.log('httpbin did not start; skipping it.');
    return undefined;
  }
  return { name: 'httpbin', origin, child };
}

function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, join(PROJECT_ROOT, 'tests/bench/load.ts'), JSON.stringify(spec)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    readJsonLine(child).then((result) => resolve(result as unknown as LoadResult), reject);
  });
}

function sendBurst(spec: SendBurstSpec): Promise<SendBurstResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, join(PROJECT_ROOT, 'tests/bench/send-burst.ts'), JSON.stringify(spec)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    readJsonLine(child).then((result) => resolve(result as unknown as SendBurstResult), reject);
  });
}

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
  const probe = await request(`${origin}/app/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', url: '/get', headers: [] }),
  });
  await probe.body.dump();
  if (probe.statusCode !== 200) return { skipped: probe.statusCode };
  for (let i = 0; i < SEND_SAMPLES; i += 1) {
    let t0 = performance.now();
    const a = await request(`${origin}/get`);
    await a.body.dump();
    direct.push(performance.now() - t0);
    t0 = performance.now();
    const b = await request(`${origin}/app/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', url: '/get', headers: [] }),
    });
    await b.body.dump();
    viaSend.push(performance.now() - t0);
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

function clientWeight(): Record<string, number> {
  const index = readFileSync(join(CLIENT_DIST, 'index.html'), 'utf8');
  const initial = [...index.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  const sizes = { jsRaw: 0, jsGzip: 0, cssRaw: 0, cssGzip: 0, lazyJsRaw: 0, lazyJsGzip: 0 };
  for (const file of readdirSync(join(CLIENT_DIST, 'assets'))) {
    const bytes = readFileSync(join(CLIENT_DIST, 'assets', file));
    const gz = gzipSync(bytes, { level: 9 }).length;
    const isInitial = initial.includes(`assets/${file}`);
    if (file.endsWith('.js')) {
      if (isInitial) {
        sizes.jsRaw += bytes.length;
        sizes.jsGzip += gz;
      } else {
        sizes.lazyJsRaw += bytes.length;
        sizes.lazyJsGzip += gz;
      }
    } else if (file.endsWith('.css') && isInitial) {
      sizes.cssRaw += bytes.length;
      sizes.cssGzip += gz;
    }
  }
  return sizes;
}

/** The sandbox as production runs it: compiled to plain JavaScript (Vite SSR build), no TypeScript loader. */
async function buildServer(): Promise<string> {
  const { build } = await import('vite');
  await build({
    configFile: join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    publicDir: false,
    build: { ssr: join(PROJECT_ROOT, 'tests/bench/sandbox-server.ts'), outDir: join(PROJECT_ROOT, 'dist/bench-server'), emptyOutDir: true },
  });
  return 'dist/bench-server/sandbox-server.js';
}

async function main(): Promise<void> {
  await ensureClientBuilt((m) => console.log(m));
  const serverScript = await buildServer();
  const servers: Started[] = [];
  try {
    const sandbox = await startNode('sandbox', serverScript, ['--expose-gc']);
    servers.push(sandbox);
    // Memory first, on the fresh process, so load-test garbage does not count against it.
    sandbox.child.stdin!.write('memory 1000 10\n');
    const memory = (await readJsonLine(sandbox.child)) as { rssBefore: number; rssAfter: number; sandboxes: number };
    servers.push(await startNode('ceiling', 'tests/bench/ceiling-server.ts'));
    const httpbin = await startHttpbin();
    if (httpbin) servers.push(httpbin);
    const byName = new Map(servers.map((s) => [s.name, s]));

    // The toy API's 304 needs the current ETag of book 1.
    const book = await request(`${sandbox.origin}/api/books/1`);
    await book.body.dump();
    const etag = String(book.headers.etag);
    const echo = ['sandbox', 'ceiling', 'httpbin'];
    const scenarios: Scenario[] = [
      { name: 'GET /get', path: '/get', method: 'GET', headers: {}, targets: echo },
      { name: 'POST /anything (1 KB JSON)', path: '/anything', method: 'POST', headers: { 'content-type': 'application/json' }, body: KB_JSON, targets: echo },
      { name: 'GET /api/books?page=1', path: '/api/books?page=1', method: 'GET', headers: {}, targets: ['sandbox', 'ceiling'] },
      { name: 'GET /api/books/1 (If-None-Match → 304)', path: '/api/books/1', method: 'GET', headers: { 'if-none-match': etag }, targets: ['sandbox', 'ceiling'] },
    ];

    const samples = new Map<string, LoadResult[]>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const scenario of scenarios) {
        const order = round % 2 === 0 ? scenario.targets : [...scenario.targets].reverse();
        for (const target of order) {
          const server = byName.get(target);
          if (!server) continue;
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
          samples.set(key, [...(samples.get(key) ?? []), result]);
        }
      }
    }

    const rows: Record<string, unknown>[] = [];
    for (const scenario of scenarios) {
      const summary = (target: string) => {
        const list = samples.get(`${scenario.name}|${target}`);
        if (!list) return undefined;
        return {
          rps: median(list.map((r) => r.rps)),
          p50: median(list.map((r) => r.p50)),
          p99: median(list.map((r) => r.p99)),
          errors: list.reduce((sum, r) => sum + r.errors, 0),
          non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
        };
      };
      const ours = summary('sandbox')!;
      const ceiling = summary('ceiling');
      const bin = summary('httpbin');
      rows.push({
        scenario: scenario.name,
        sandbox: ours,
        ceiling,
        httpbin: bin,
        vsCeiling: ceiling ? Number((ours.rps / ceiling.rps).toFixed(2)) : undefined,
        vsHttpbin: bin ? Number((ours.rps / bin.rps).toFixed(1)) : undefined,
      });
    }

    const send = await sendOverhead(sandbox.origin);
    const burst = await sendBurst({ origin: sandbox.origin, students: BURST_STUDENTS, bursts: BURSTS });

    const fanOut = await runBroadcastBench({ subscribers: 300, broadcasts: QUICK ? 20 : 100 });

    const weight = clientWeight();
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
    const results = { date: new Date().toISOString(), quick: QUICK, machine, connections: CONNECTIONS, sliceMs: SLICE_MS, rounds: ROUNDS, throughput: rows, send, burst, memory, fanOut, clientWeight: weight };

    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    const lines = [
      `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${CONNECTIONS} connections, ${ROUNDS} × ${SLICE_MS / 1000} s per target.`,
      '',
      '| Scenario | Sandbox req/s | p50 / p99 ms | Ceiling req/s | × ceiling | httpbin req/s | × httpbin | errors |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map((row) => {
        const r = row as { scenario: string; sandbox: { rps: number; p50: number; p99: number; errors: number; non2xx: number }; ceiling?: { rps: number }; httpbin?: { rps: number }; vsCeiling?: number; vsHttpbin?: number };
        return `| ${r.scenario} | ${r.sandbox.rps} | ${r.sandbox.p50} / ${r.sandbox.p99} | ${r.ceiling?.rps ?? '–'} | ${r.vsCeiling ?? '–'} | ${r.httpbin?.rps ?? '–'} | ${r.vsHttpbin ?? '–'} | ${r.sandbox.errors + r.sandbox.non2xx} |`;
      }),
      '',
      'skipped' in send
        ? `| Send endpoint | skipped (POST /app/send answered ${send.skipped}) |`
        : `| Send endpoint: POST /app/send → /get vs a direct GET /get | added p50 ${send.overheadP50!.toFixed(2)} ms (send ${send.sendP50!.toFixed(2)} / direct ${send.directP50!.toFixed(2)}), p99 send ${send.sendP99!.toFixed(2)} / direct ${send.directP99!.toFixed(2)} ms |`,
      `| Class burst: ${burst.students} students (own cookies) send GET /api/books through POST /app/send at once, ${burst.bursts} times | served ${burst.served} of ${burst.sends}, refused ${burst.refused}, failed ${burst.failed}; p50 ${burst.p50Ms} ms, p99 ${burst.p99Ms} ms (target ≤ ${BURST_TARGET_P99_MS}), slowest burst done in ${burst.slowestBurstMs} ms |`,
      `| Broadcast to ${fanOut.subscribers} SSE subscribers | p50 ${fanOut.p50Ms} ms, p99 ${fanOut.p99Ms} ms (${fanOut.broadcasts} broadcasts); server RSS ${fanOut.serverRssMB} MB connected (${fanOut.idleRssMB} MB idle) |`,
      `| Memory: 1,000 sandboxes × 10 writes | RSS ${mb(memory.rssAfter)} (was ${mb(memory.rssBefore)}) |`,
      `| Client initial load | JS ${kb(weight.jsRaw!)} (${kb(weight.jsGzip!)} gzip), CSS ${kb(weight.cssRaw!)} (${kb(weight.cssGzip!)} gzip); lazy JS ${kb(weight.lazyJsGzip!)} gzip |`,
    ];
    console.log(lines.join('\n'));
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nResults written to ${OUT}`);
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
}

if (!existsSync(join(PROJECT_ROOT, 'package.json'))) throw new Error('run from the project');
await main();
