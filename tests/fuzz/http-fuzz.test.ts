// Quick form of the HTTP fuzz run (the full one is `npm run fuzz`): random and malformed requests over
// raw sockets must never produce a server error or take the server down.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { call, startServer } from '../helpers/server';
import { runHttpFuzz } from './http-fuzz';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('HTTP fuzz (quick)', () => {
  it('answers 1,500 random requests with no server error, stays up, and gives its memory back', async () => {
    // A built client, as in production (without one, the pages answer 503 "not built" on purpose).
    const clientDir = mkdtempSync(join(tmpdir(), 'fuzz-client-'));
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>fuzz</title>');
    const server = await startServer({ clientDir, requestTimeoutMs: 2_000, headersTimeoutMs: 1_000, maxConnectionsPerClient: 1_000 });
    const port = Number(new URL(server.origin).port);
    await runHttpFuzz({ port, count: 200, seed: 1 });
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const stats = await runHttpFuzz({ port, count: 1_500, seed: Number(process.env.FUZZ_SEED ?? 20261124) });
    expect(stats.serverErrors).toEqual([]);
    expect(stats.answered).toBeGreaterThan(1_300);
    expect((await call(server, '/api/books')).status).toBe(200);
    gc();
    expect(process.memoryUsage().heapUsed - baseline).toBeLessThan(30 * 1024 * 1024);
    await server.close();
  }, 60_000);
});
