// "Everyone, press Send now", measured: N students, each with their own sandbox cookie and their own
// kept-alive connection (the page is loaded), send GET /api/books through POST /app/send at the same
// moment. Every answer is timed from the moment the burst starts to its last byte, and counted as served
// (200 with the exchange, whose own response is 200), refused (429/503) or failed. Several bursts in a row;
// the percentiles are over every send of every burst.
// Run by run.ts in a process of its own (so the load generator does not share the server's event loop);
// alone: `npx tsx tests/bench/send-burst.ts '{"origin":"http://127.0.0.1:3000","students":300,"bursts":5}'`.
// Loopback only: the origin must be 127.0.0.1, localhost or [::1].
import { Pool } from 'undici';

export interface SendBurstSpec {
  origin: string;
  students: number;
  bursts: number;
}

export interface SendBurstResult {
  students: number;
  bursts: number;
  sends: number;
  /** 200 with a transcript whose exchange got its 200 from GET /api/books. */
  served: number;
  /** 429 or 503 from the send endpoint (or the connection limit). */
  refused: number;
  /** Anything else: other statuses, an exchange without its 200, a failed connection. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The slowest burst's last answer, ms: how long the whole class waited. */
  slowestBurstMs: number;
  /** Each burst's last answer, ms, in order (the first meets a server that has not sent for anyone yet). */
  burstMs: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

export async function runSendBurst(spec: SendBurstSpec): Promise<SendBurstResult> {
  const host = new URL(spec.origin).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`refusing non-loopback target ${spec.origin}`);
  // One browser per student: its own connection, opened and kept alive before the burst.
  const browsers = Array.from({ length: spec.students }, () => new Pool(spec.origin, { connections: 1, keepAliveTimeout: 60_000 }));
  const cookie = (i: number) => `sandbox=burst-${i}`;
  const body = (i: number) => JSON.stringify({ method: 'GET', url: '/api/books', headers: [['Cookie', cookie(i)]] });
  const latencies: number[] = [];
  let served = 0;
  let refused = 0;
  let failed = 0;
  const burstMs: number[] = [];
  try {
    await Promise.all(
      browsers.map(async (pool, i) => {
        try {
          const page = await pool.request({ path: '/api/sandbox', method: 'GET', headers: { cookie: cookie(i) } });
          await page.body.dump();
        } catch {
          // A server that cuts connections per address leaves this student without a page; their sends
          // below are counted as failed when they fail too.
        }
      }),
    );
    for (let burst = 0; burst < spec.bursts; burst += 1) {
      const started = performance.now();
      await Promise.all(
        browsers.map(async (pool, i) => {
          try {
            const response = await pool.request({
              path: '/app/send',
              method: 'POST',
              headers: { cookie: cookie(i), 'content-type': 'application/json' },
              body: body(i),
            });
            const text = await response.body.text();
            latencies.push(performance.now() - started);
            if (response.statusCode === 200) {
              const transcript = JSON.parse(text) as { exchanges: { response?: { status: number } }[] };
              if (transcript.exchanges[0]?.response?.status === 200) served += 1;
              else failed += 1;
            } else if (response.statusCode === 429 || response.statusCode === 503) {
              refused += 1;
            } else {
              failed += 1;
            }
          } catch {
            failed += 1;
          }
        }),
      );
      burstMs.push(round2(performance.now() - started));
    }
  } finally {
    await Promise.all(browsers.map((pool) => pool.destroy()));
  }
  latencies.sort((a, b) => a - b);
  return {
    students: spec.students,
    bursts: spec.bursts,
    sends: spec.students * spec.bursts,
    served,
    refused,
    failed,
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(percentile(latencies, 99)),
    maxMs: round2(latencies.at(-1) ?? 0),
    slowestBurstMs: Math.max(...burstMs),
    burstMs,
  };
}

if (process.argv[2]) {
  runSendBurst(JSON.parse(process.argv[2]) as SendBurstSpec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
