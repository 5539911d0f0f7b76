// Graceful shutdown: on SIGTERM the server stops taking new connections but finishes the requests
// already in flight, then exits 0.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';
import { call, type TestServer } from '../../helpers/server';

describe('graceful shutdown', () => {
  it('drains an in-flight request before exiting on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: PROJECT_ROOT,
      // At debug level the server logs each request as it arrives (JSON lines, as stdout is a pipe).
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    /** Resolves with the first match of `pattern` in what the server printed, as soon as it is printed. */
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          child.stdout.off('data', check);
          resolve(match);
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const origin = (await printed(/running on (http:\/\/[\d.]+:\d+)/))[1]!;
    const server = { origin } as TestServer;
    // A room whose fault switch adds latency makes a request that is still running when the signal comes.
    const room = (await call(server, '/app/rooms', { method: 'POST', json: {} })).json;
    await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: { latencyMs: 1_500 } });
    const slow = call(server, '/api/books/1', { headers: { 'x-sandbox': room.sandbox } });
    // The signal comes once the server has the request (its "incoming request" line), not after a guessed pause.
    await printed(/"url":"\/api\/books\/1"[^\n]*"msg":"incoming request"/);
    child.kill('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.json.id).toBe(1);
    expect(await exited).toBe(0);
  }, 20_000);
});
