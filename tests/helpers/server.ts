// Starts the app on 127.0.0.1 with a free port for a test, and closes it afterwards.
import type { FastifyInstance } from 'fastify';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { agentFrom } from './agents';
import { startRedis, type RedisServer } from './redis';

export { agentFrom };
import { buildApp, type BuildOptions } from '../../server/app';

export interface TestServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close: () => Promise<void>;
}

/** For one describe block: a redis-server of its own and a server using it, started before the block's tests
 *  (handed to `started`) and stopped after them. */
export function serverOnRedis(started: (server: TestServer, redis: RedisServer) => void, options: BuildOptions = {}): void {
  let server: TestServer | undefined;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    server = await startServer({ ...options, redisUrl: redis.url });
    started(server, redis);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await redis?.close();
  });
}

export async function startServer(options: BuildOptions = {}): Promise<TestServer> {
  const app = await buildApp(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod | string;
  json?: unknown;
};

/** Sends a request over a real socket and reads the whole response. */
export async function call(server: TestServer, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const { json, headers, ...rest } = options;
  const finalHeaders: Record<string, string> = { ...(headers as Record<string, string> | undefined) };
  let body = rest.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!Object.keys(finalHeaders).some((h) => h.toLowerCase() === 'content-type')) finalHeaders['content-type'] = 'application/json';
  }
  const response = await undiciRequest(`${server.origin}${path}`, {
    ...rest,
    method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: finalHeaders,
    body,
  });
  const text = await response.body.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json: parsed };
}

/** Logs in a demo user and returns the Cookie header value to send. */
export async function login(server: TestServer, username = 'ada', password = username === 'ada' ? 'lovelace' : 'hopper', sandbox?: string): Promise<string> {
  const response = await call(server, '/api/session', {
    method: 'POST',
    json: { username, password },
    headers: sandbox ? { 'x-sandbox': sandbox } : {},
  });
  if (response.status !== 201) throw new Error(`login failed: ${response.status} ${response.text}`);
  const setCookie = String(response.headers['set-cookie']);
  return setCookie.split(';')[0]!;
}

/** Requests from other loopback addresses (127.0.0.2, 127.0.0.3…), as other networks would send them, with
 *  optional headers. Call it once at the top of a test file: the agents it makes are closed after each test. */
export function otherAddresses(): (address: string, headers?: Record<string, string>) => RequestOptions {
  const agents: Agent[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });
  return (address, headers) => {
    const agent = agentFrom(address);
    agents.push(agent);
    // Without headers of its own it names none, so a test may spread it after the headers it sends.
    const options = headers ? { dispatcher: agent, headers } : { dispatcher: agent };
    return options as RequestOptions;
  };
}

/** Resolves once the server holds at least `count` open connections: checked now and on each new connection
 *  the server accepts (an event), never on a timer. */
export function untilConnections(server: TestServer, count: number): Promise<void> {
  const http = server.app.server;
  return new Promise((resolve) => {
    const check = () =>
      http.getConnections((_error, open) => {
        if (open < count) return;
        http.off('connection', check);
        resolve();
      });
    http.on('connection', check);
    check();
  });
}
