// Liveness and readiness for a load balancer or an orchestrator: GET /healthz is 200 while the process
// serves; GET /readyz (and GET /app/health, the same check) is 200 only when Redis answers (with REDIS_URL),
// the lessons are loaded and DATA_DIR can be written, else 503 with a problem naming what is not ready.
// Neither is rate limited. A request that arrives while the server shuts down gets 503 with Retry-After.
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../server/app';
import type { RedisHub } from '../../../server/store/redis/hub';
import { call, serverOnRedis, startServer, type TestServer } from '../../helpers/server';
import { redisSkipReason, type RedisServer } from '../../helpers/redis';

describe('liveness and readiness (memory)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(() => server.close());

  it('GET /healthz is 200 and never cached', async () => {
    const response = await call(server, '/healthz');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'alive' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each(['/readyz', '/app/health'])('%s is 200 with the lessons loaded and memory storage', async (path) => {
    const response = await call(server, path);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 'ok', lessons: { ready: true }, storage: { ready: true, storage: 'memory' } });
    expect(response.json.lessons.count).toBeGreaterThan(0);
    expect(response.json.redis).toBeUndefined();
  });

  it('a probe every few milliseconds is never rate limited', async () => {
    const statuses = [];
    for (let i = 0; i < 200; i++) statuses.push((await call(server, i % 2 ? '/readyz' : '/healthz')).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it.each(['/readyz', '/app/health'])('%s is 503 naming DATA_DIR when changes cannot be saved, while /healthz stays 200', async (path) => {
    const health = vi.spyOn(server.app.persistence, 'health').mockReturnValue({ ok: false, storage: 'data-dir', dataDir: '/srv/sandbox', problem: 'DATA_DIR /srv/sandbox: the disk is full.' });
    try {
      const response = await call(server, path);
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json.detail).toContain('storage: DATA_DIR /srv/sandbox: the disk is full.');
      expect(response.json.notReady).toEqual(['storage']);
      expect((await call(server, '/healthz')).status).toBe(200);
    } finally {
      health.mockRestore();
    }
  });
});

const skip = redisSkipReason();

describe.skipIf(skip !== undefined)('readiness with REDIS_URL', () => {
  let redis: RedisServer;
  let server: TestServer;
  serverOnRedis((started, itsRedis) => {
    server = started;
    redis = itsRedis;
  });

  it('is ready while Redis answers PING, not ready while it is gone, and ready again when it is back', async () => {
    const ready = await call(server, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.redis).toMatchObject({ ready: true, at: expect.stringContaining(`127.0.0.1:${redis.port}`) });
    expect(ready.json.redis.pingMs).toBeGreaterThanOrEqual(0);

    await redis.stop();
    const down = await call(server, '/readyz');
    expect(down.status).toBe(503);
    expect(down.json.notReady).toEqual(['redis']);
    expect(down.json.detail).toMatch(/redis: Redis at redis:\/\/127\.0\.0\.1:\d+\/? did not answer PING/);
    // Alive all the same: restarting this process would not bring Redis back.
    expect((await call(server, '/healthz')).status).toBe(200);

    await redis.start();
    // The client reconnects by itself within a second; then the next probe says ready.
    const client = server.app.sharedRedis!.client;
    if (client.status !== 'ready') await once(client, 'ready');
    expect((await call(server, '/readyz')).status).toBe(200);
  }, 30_000);

  it("is not ready while Redis answers but the subscriber connection of live classroom events is down", async () => {
    const hub = server.app.classroom.hub as RedisHub;
    const live = vi.spyOn(hub, 'live', 'get').mockReturnValue(false);
    try {
      const response = await call(server, '/readyz');
      expect(response.status).toBe(503);
      expect(response.json.notReady).toEqual(['redis']);
      expect(response.json.detail).toContain('subscriber connection, which carries live classroom events');
    } finally {
      live.mockRestore();
    }
    expect((await call(server, '/readyz')).status).toBe(200);
  });

  it('says Redis is not ready within a second when Redis hangs without closing (SIGSTOP)', async () => {
    redis.pause();
    try {
      const started = performance.now();
      const response = await call(server, '/readyz');
      expect(response.status).toBe(503);
      expect(response.json.detail).toContain('no answer within 1000 ms');
      expect(performance.now() - started).toBeLessThan(1_900);
    } finally {
      redis.resume();
    }
  }, 20_000);
});

describe('what the probes write to the log', () => {
  it('a failing readiness probe writes nothing (Redis and DATA_DIR log their own failure once), and no probe writes a line', async () => {
    const lines: { level: number; msg: string }[] = [];
    const server = await startServer({ logger: true, logLevel: 'info', logStream: { write: (line) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } });
    const health = vi.spyOn(server.app.persistence, 'health').mockReturnValue({ ok: false, storage: 'data-dir', dataDir: '/srv/sandbox', problem: 'DATA_DIR /srv/sandbox: the disk is full.' });
    try {
      for (let i = 0; i < 5; i++) expect((await call(server, '/readyz')).status).toBe(503);
      await call(server, '/healthz');
      await call(server, '/metrics');
      expect(lines.filter((line) => !line.msg.startsWith('Server listening'))).toEqual([]);
    } finally {
      health.mockRestore();
      await server.close();
    }
  });
});

describe('while the server shuts down', () => {
  it('a request arriving on an open connection gets 503 with Retry-After and Connection: close, and the one in progress finishes', async () => {
    const lines: { level: number; msg: string }[] = [];
    const app = await buildApp({ logger: true, logLevel: 'info', logStream: { write: (line) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } });
    let arrived!: () => void;
    const inProgress = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    app.get('/test/held', async () => {
      arrived();
      await released;
      return { finished: true };
    });
    // Runs after the app's own shutdown hooks began (hooks run in the order they were added).
    let shutdownBegan!: () => void;
    const began = new Promise<void>((resolve) => (shutdownBegan = resolve));
    app.addHook('preClose', async () => shutdownBegan());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /test/held HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await inProgress;
    const closed = app.close();
    await began;
    // The next request on the same connection arrives after the shutdown began; the first is let go once
    // the server has it.
    const secondArrived = new Promise<void>((resolve) => app.server.on('request', (request: { url?: string }) => request.url === '/get' && resolve()));
    socket.write('GET /get HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await secondArrived;
    release();
    await closed;
    await ended;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toContain('{"finished":true}');
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 2\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toContain('application/problem+json');
    expect(second).toContain('shutting down');
    // An answer given on purpose: one info line, no error.
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, status: 503, reason: 'shutting down' }));
  }, 20_000);
});
