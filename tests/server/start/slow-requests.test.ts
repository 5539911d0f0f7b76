// Per-request logging only where it helps: a request slower than SLOW_REQUEST_MS is one warn line (method,
// route, status, time — never the query string), at most one per route every 10 s; an ordinary request writes
// nothing, and time the server waits on purpose (/delay, a room's latency switch, event streams, the send
// endpoint) does not count.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app';
import { call, type TestServer } from '../../helpers/server';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

describe('slow requests', () => {
  const lines: Line[] = [];
  let server: TestServer;

  beforeAll(async () => {
    const app = await buildApp({ logger: true, logLevel: 'info', slowRequestMs: 1_000, logStream: { write: (line) => void lines.push(JSON.parse(line) as Line) } });
    // A route slow for no good reason, as an overloaded server would be.
    app.get('/test/slow', async () => {
      await delay(1_200);
      return { ok: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    server = { app, origin: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: () => app.close() };
  });
  afterAll(() => server.close());

  const slowLines = () => lines.filter((line) => line.msg.startsWith('slow request'));

  it('writes nothing for ordinary requests, errors a learner made included', async () => {
    await call(server, '/get?token=abc');
    await call(server, '/api/books/999');
    await call(server, '/api/books', { method: 'POST', json: {} });
    expect(lines.filter((line) => !line.msg.startsWith('Server listening'))).toEqual([]);
  });

  it('writes one warn line for a slow request, without the query string', async () => {
    await call(server, '/test/slow?key=s3cret-key');
    const [line] = slowLines();
    expect(line).toMatchObject({ level: 40, method: 'GET', route: '/test/slow', status: 200 });
    expect(line!.ms).toBeGreaterThanOrEqual(1_000);
    expect(JSON.stringify(lines)).not.toContain('s3cret-key');
  });

  it('writes one line per route while every request is slow (an overloaded server), not one per request', async () => {
    const before = slowLines().length;
    await Promise.all([call(server, '/test/slow'), call(server, '/test/slow')]);
    expect(slowLines().length).toBe(before);
  });

  it('does not count time spent waiting on purpose', async () => {
    const before = slowLines().length;
    expect((await call(server, '/delay/1')).status).toBe(200);
    const room = (await call(server, '/app/rooms', { method: 'POST', json: {} })).json;
    await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: { latencyMs: 1_200 } });
    expect((await call(server, '/api/books/1', { headers: { 'x-sandbox': room.sandbox } })).status).toBe(200);
    expect(slowLines().length).toBe(before);
  });
});
