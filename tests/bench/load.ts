// Load generator, run in its own process by run.ts: sends one request shape over N keep-alive
// connections for a fixed time and prints requests/s and latency percentiles as JSON.
// Loopback only: run.ts passes targets it started itself on 127.0.0.1.
import { Pool } from 'undici';

export interface LoadSpec {
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU time this load generator used (user + system), ms: its share of the cores the server also uses. */
  cpuMs: number;
  elapsedMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const host = new URL(spec.origin).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing non-loopback target ${spec.origin}`);
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await pool.request({ path: spec.path, method: spec.method, headers: spec.headers, body: spec.body });
        await response.body.dump();
        if (response.statusCode < 200 || response.statusCode >= 400) non2xx += 1;
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, worker));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    non2xx,
    rps: Math.round((latencies.length / elapsed) * 1000),
    p50: Number(percentile(sorted, 50).toFixed(2)),
    p99: Number(percentile(sorted, 99).toFixed(2)),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    elapsedMs: Math.round(elapsed),
  };
}

if (process.argv[2]?.startsWith('{')) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  runLoad(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
