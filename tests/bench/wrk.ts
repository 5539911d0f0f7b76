// Load generator for `npm run bench` when wrk is installed (Debian's `wrk`): a C program that takes a fraction
// of the CPU a Node load generator needs, so on a 2-core machine the server under test keeps more of the cores
// it shares with the load. Same spec and result as tests/bench/load.ts (the fallback without wrk).
// Loopback only: run.ts passes targets it started itself on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './load';

/** wrk's threads: two, as issue 15 measured with (each drives its share of the connections). */
export const WRK_THREADS = 2;

export function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** A Lua script that sets the method, headers and body of every request (wrk has no flags for a body). */
function script(spec: LoadSpec): string {
  const lines = [`wrk.method = ${JSON.stringify(spec.method)}`];
  for (const [name, value] of Object.entries(spec.headers)) lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  // A JSON string literal is a valid Lua string literal for the ASCII bodies the bench sends.
  if (spec.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(spec.body)}`);
  return `${lines.join('\n')}\n`;
}

/** "1.23ms", "850.00us", "1.02s" → milliseconds. */
export function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return { us: value / 1_000, ms: value, s: value * 1_000, m: value * 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
}

/** "0m1.234s" (from the shell's `times`) → milliseconds. */
function clockMs(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match ? Number(match[1]) * 60_000 + Number(match[2]) * 1_000 : 0;
}

/** Reads wrk's report (with --latency) and the shell's `times` line for its children's CPU. */
export function parseWrk(output: string, durationMs_: number): LoadResult {
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  const elapsed = /requests in ([\d.]+\w+),/.exec(output)?.[1];
  const elapsedMs = elapsed ? durationMs(elapsed) : durationMs_;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const percentile = (p: number) => durationMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  // `times` prints the shell's own user/system line, then its children's: wrk's.
  const clocks = [...output.matchAll(/^(\d+m[\d.]+s) (\d+m[\d.]+s)$/gm)];
  const children = clocks.at(-1);
  return {
    requests,
    errors,
    non2xx,
    rps: Math.round((requests / elapsedMs) * 1_000),
    p50: Number(percentile(50).toFixed(2)),
    p99: Number(percentile(99).toFixed(2)),
    cpuMs: children ? Math.round(clockMs(children[1]!) + clockMs(children[2]!)) : 0,
    elapsedMs: Math.round(elapsedMs),
  };
}

export function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.path, spec.origin);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`refusing non-loopback target ${spec.origin}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const lua = join(dir, 'request.lua');
  writeFileSync(lua, script(spec));
  const seconds = Math.max(1, Math.round(spec.durationMs / 1_000));
  const command = `wrk --latency -t${WRK_THREADS} -c${spec.connections} -d${seconds}s -s "$1" "$2"; status=$?; times; exit $status`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command, 'sh', lua, url.href], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`wrk exited with ${code}: ${output.slice(0, 500)}`));
      else resolve(parseWrk(output, spec.durationMs));
    });
  });
}
