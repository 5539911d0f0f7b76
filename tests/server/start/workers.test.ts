// WORKERS=2 with REDIS_URL: the real server (server/main.ts in a process of its own) forks two workers that
// share one port. Requests reach both (each /metrics scrape names the pid that answered), a session made on one
// worker is valid on the other, a worker killed with SIGKILL is started again while requests keep being
// answered, and SIGTERM stops every worker gracefully (event streams told to reconnect) and exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { redisSkipReason, startRedis, type RedisServer } from '../../helpers/redis';
import { spawnServer, type SpawnedServer } from '../ops/spawn-server';
import type { TestServer } from '../../helpers/server';
import { createRoom, openRoom } from '../classroom/helpers';

const skip = redisSkipReason();

/** One client connection: every request on it reaches the worker that accepted it. */
function connection(origin: string) {
  const agent = new Agent({ connections: 1, pipelining: 1 });
  const send = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const response = await request(`${origin}${path}`, { dispatcher: agent, method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  };
  /** The pid of the worker this connection reaches. */
  const pid = async () => {
    const metrics = await send('/metrics');
    expect(metrics.status).toBe(200);
    return Number(/^http_sandbox_process_info\{pid="(\d+)",worker="\d+"\} 1$/m.exec(metrics.text)![1]);
  };
  return { send, pid, close: () => agent.close() };
}

describe.skipIf(skip !== undefined)('WORKERS=2 on one port, sharing state through Redis', () => {
  let redis: RedisServer;
  let server: SpawnedServer;
  let origin: string;

  beforeAll(async () => {
    redis = await startRedis();
    server = spawnServer({ WORKERS: '2', REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    origin = (await server.printed(/running on (http:\/\/[\d.]+:\d+)/))[1]!;
  }, 120_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await redis?.close();
  });

  /** Two connections that reach different workers (the primary hands new connections to workers in turn). */
  async function twoWorkers() {
    const first = connection(origin);
    const firstPid = await first.pid();
    for (let tries = 0; tries < 20; tries += 1) {
      const other = connection(origin);
      const otherPid = await other.pid();
      if (otherPid !== firstPid) return { first, firstPid, other, otherPid };
      await other.close();
    }
    throw new Error('20 new connections all reached the same worker');
  }

  it('spreads connections over two worker processes; a session made on one is valid on the other', async () => {
    const { first, firstPid, other, otherPid } = await twoWorkers();
    expect(firstPid).not.toBe(server.child.pid);
    expect(otherPid).not.toBe(server.child.pid);
    const login = await first.send('/api/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox': 'workers' }, body: JSON.stringify({ username: 'ada', password: 'lovelace' }) });
    expect(login.status).toBe(201);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const who = await other.send('/api/session', { headers: { cookie, 'x-sandbox': 'workers' } });
    expect(who.status).toBe(200);
    expect(JSON.parse(who.text).user.username).toBe('ada');
    await Promise.all([first.close(), other.close()]);
  }, 60_000);

  it('starts a worker killed with SIGKILL again, and requests keep being answered meanwhile', async () => {
    const { first, firstPid, other, otherPid } = await twoWorkers();
    await Promise.all([first.close(), other.close()]);
    const from = server.output().length;
    process.kill(otherPid, 'SIGKILL');
    const slot = (await server.printed(new RegExp(`Worker (\\d) \\(pid ${otherPid}\\) stopped \\(SIGKILL\\)`), from))[1]!;
    // While it is started again, new connections are answered by the worker left.
    const meanwhile = connection(origin);
    expect(await meanwhile.pid()).toBe(firstPid);
    await meanwhile.close();
    const back = Number((await server.printed(new RegExp(`Worker ${slot} \\(pid (\\d+)\\) is serving again`), from))[1]);
    expect(back).not.toBe(otherPid);
    // Connections reach both workers again, the new one among them.
    const { firstPid: a, otherPid: b, first: one, other: two } = await twoWorkers();
    expect([a, b].sort()).toEqual([firstPid, back].sort());
    await Promise.all([one.close(), two.close()]);
    expect(server.output().slice(from).match(/stopped \(SIGKILL\)/g)).toHaveLength(1);
  }, 90_000);

  it('on SIGTERM each worker closes gracefully (its event streams told to reconnect) and the server exits 0', async () => {
    const target = { origin } as TestServer;
    const room = await createRoom(target);
    const stream = await openRoom(target, room.code, room.instructorKey);
    await stream.nextOf('state');
    server.child.kill('SIGTERM');
    await stream.ended;
    expect(stream.raw).toMatch(/\nretry: \d+\n\n$/);
    const code = await server.exited;
    if (code !== 0) console.error(server.output());
    expect(code).toBe(0);
    expect(server.output().match(/HTTP Sandbox is running on/g)).toHaveLength(1);
    expect(server.output()).toContain('SIGTERM received');
  }, 60_000);
});
