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
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SKIP_CLIENT_BUILD: '1', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const origin = await new Promise<string>((resolve) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /running on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
    });
    const server = { origin } as TestServer;
    // A room whose fault switch adds latency makes a request that is still running when the signal comes.
    const room = (await call(server, '/app/rooms', { method: 'POST', json: {} })).json;
    await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: { latencyMs: 1_500 } });
    const slow = call(server, '/api/books/1', { headers: { 'x-sandbox': room.sandbox } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.json.id).toBe(1);
    expect(await exited).toBe(0);
  }, 20_000);
});
