// GET /metrics in the Prometheus text format: requests by route pattern (never the URL a client typed), method
// and status with a latency histogram; event streams, rooms, inboxes and sandboxes held; Redis round trips;
// the process's own figures. Served to this machine only, or to a scraper with METRICS_TOKEN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, serverOnRedis, startServer, type TestServer } from '../../helpers/server';
import { redisSkipReason, type RedisServer } from '../../helpers/redis';
import { createInbox, createRoom, openRoom, TEST_SETTINGS } from '../classroom/helpers';

/** The value of one sample line (name with its labels, exactly as printed), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const count = (route: string, method: string, status: number) =>
  `http_request_duration_seconds_count{route="${route}",method="${method}",status="${status}"}`;

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(TEST_SETTINGS);
  }, 60_000);
  afterAll(() => server.close());

  it('counts requests by route pattern and status, with unmatched URLs as one `unknown` route', async () => {
    await call(server, '/api/books/1');
    await call(server, '/api/books/2');
    await call(server, '/api/books/999');
    await call(server, '/no/such/path-7f3a');
    await call(server, '/another/unknown?secret=x');
    const response = await call(server, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const text = response.text;
    expect(sample(text, count('/api/books/:id', 'GET', 200))).toBe(2);
    expect(sample(text, count('/api/books/:id', 'GET', 404))).toBe(1);
    expect(sample(text, count('unknown', 'GET', 404))).toBe(2);
    // The raw URLs never become labels: the number of series stays bounded whatever clients ask for.
    expect(text).not.toContain('path-7f3a');
    expect(text).not.toContain('/api/books/1"');
    expect(text).not.toContain('secret');
    // A latency histogram per series, with buckets from half a millisecond to 30 s.
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.0005",route="/api/books/:id",method="GET",status="200"}');
    expect(sample(text, 'http_request_duration_seconds_bucket{le="+Inf",route="/api/books/:id",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_sum{route="/api/books/:id",method="GET",status="200"}')).toBeGreaterThan(0);
  });

  it('reports open event streams, rooms, inboxes and sandboxes as they change', async () => {
    const before = (await call(server, '/metrics')).text;
    const rooms = sample(before, 'http_sandbox_rooms')!;
    const inboxes = sample(before, 'http_sandbox_inboxes')!;
    const sandboxes = sample(before, 'http_sandbox_sandboxes{store="memory"}')!;
    expect(sample(before, 'http_sandbox_event_streams_open')).toBe(0);

    const room = await createRoom(server);
    await createInbox(server);
    await call(server, '/api/books', { headers: { 'x-sandbox': 'metrics-one' } });
    const stream = await openRoom(server, room.code, room.instructorKey);
    try {
      const during = (await call(server, '/metrics')).text;
      expect(sample(during, 'http_sandbox_event_streams_open')).toBe(1);
      expect(sample(during, 'http_sandbox_rooms')).toBe(rooms + 1);
      // A room has an inbox of its own, besides the one made here.
      expect(sample(during, 'http_sandbox_inboxes')).toBeGreaterThanOrEqual(inboxes + 1);
      expect(sample(during, 'http_sandbox_sandboxes{store="memory"}')).toBeGreaterThan(sandboxes);
    } finally {
      stream.close();
    }
  });

  it("includes the process's own figures (CPU, memory, event loop)", async () => {
    const text = (await call(server, '/metrics')).text;
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    }
  });

  it('is not served to a client behind a proxy, or relayed by a proxy on this machine', async () => {
    const relayed = await call(server, '/metrics', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(relayed.status).toBe(403);
    expect(relayed.headers['content-type']).toContain('application/problem+json');
    expect(relayed.json.detail).toContain('METRICS_TOKEN');
    expect(relayed.text).not.toContain('http_request_duration_seconds');
  });
});

describe('GET /metrics behind a trusted proxy, with METRICS_TOKEN', () => {
  const token = 'scrape-3b1f0c9e2d7a4c55';
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ trustProxy: ['loopback'], metricsToken: token });
  }, 60_000);
  afterAll(() => server.close());

  it.each([
    ['no token', 401, {}],
    ['a wrong token', 401, { authorization: 'Bearer scrape-0000000000000000' }],
    ['the token', 200, { authorization: `Bearer ${token}` }],
  ])('a client on the internet with %s gets %i', async (_what, status, headers) => {
    const response = await call(server, '/metrics', { headers: { 'x-forwarded-for': '203.0.113.7', ...headers } });
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.json.detail).toContain('Authorization: Bearer <METRICS_TOKEN>');
      expect(response.text).not.toContain(token);
    } else {
      expect(response.text).toMatch(/^http_request_duration_seconds_count/m);
    }
  });

  it('this machine reads it without the token', async () => {
    expect((await call(server, '/metrics')).status).toBe(200);
  });
});

const skip = redisSkipReason();

describe.skipIf(skip !== undefined)('GET /metrics with REDIS_URL', () => {
  let redis: RedisServer;
  let server: TestServer;
  serverOnRedis((started, itsRedis) => {
    server = started;
    redis = itsRedis;
  });

  it('times the Redis commands the store sends, by command, and counts the sandboxes held in Redis', async () => {
    await call(server, '/api/books', { headers: { 'x-sandbox': 'metrics-redis' } });
    await call(server, '/readyz');
    const text = (await call(server, '/metrics')).text;
    expect(sample(text, 'http_sandbox_redis_command_duration_seconds_count{command="ping"}')).toBeGreaterThanOrEqual(1);
    const commands = [...text.matchAll(/^http_sandbox_redis_command_duration_seconds_count\{command="([a-z]+)"\} (\d+)/gm)];
    expect(commands.length).toBeGreaterThan(1);
    expect(sample(text, 'http_sandbox_sandboxes{store="redis"}')).toBeGreaterThanOrEqual(1);
  });

  it('still answers while Redis is down, without the sandbox count', async () => {
    await redis.stop();
    try {
      const response = await call(server, '/metrics');
      expect(response.status).toBe(200);
      expect(response.text).not.toMatch(/^http_sandbox_sandboxes\{/m);
      expect(sample(response.text, 'http_sandbox_rooms')).toBe(0);
    } finally {
      await redis.start();
    }
  }, 20_000);
});
