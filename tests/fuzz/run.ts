// `npm run fuzz` (full form): 12,000 random and malformed requests over raw sockets against a fresh
// app on loopback, in three seeded rounds; prints the answers by status and fails on any server error
// or if memory does not come back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../../server/app';
import { runHttpFuzz } from './http-fuzz';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const clientDir = mkdtempSync(join(tmpdir(), 'fuzz-client-'));
writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>fuzz</title>');
const app = await buildApp({ clientDir, requestTimeoutMs: 2_000, headersTimeoutMs: 1_000, maxConnectionsPerClient: 1_000 });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
await runHttpFuzz({ port, count: 300, seed: seed - 1 });
gc();
const baseline = process.memoryUsage().heapUsed;
let failed = false;
for (let round = 0; round < 3; round += 1) {
  const started = performance.now();
  const stats = await runHttpFuzz({ port, count: 4_000, seed: seed + round });
  console.log(
    `round ${round + 1} (seed ${seed + round}): ${stats.sent} sent, ${stats.answered} answered, ${stats.closedWithoutAnswer} closed without an answer, ${Math.round(performance.now() - started)} ms`,
  );
  console.log(`  statuses: ${Object.entries(stats.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  for (const error of stats.serverErrors.slice(0, 5)) console.log(`  SERVER ERROR ${error.status}: ${JSON.stringify(error.request)}`);
  if (stats.serverErrors.length) failed = true;
}
gc();
const grown = (process.memoryUsage().heapUsed - baseline) / 1024 / 1024;
console.log(`heap after the run: ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB over the baseline`);
if (grown > 30) failed = true;
await app.close();
console.log(failed ? 'FUZZ FAILED' : 'fuzz passed: no server errors, memory back to baseline');
process.exit(failed ? 1 : 0);
