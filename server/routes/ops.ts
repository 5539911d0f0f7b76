// Operating a course server: is the process alive (GET /healthz), may a load balancer send it learners
// (GET /readyz, and GET /app/health, the same check under its older name), what it is doing (GET /metrics,
// Prometheus text format), and the answer a request gets while the server shuts down.
//
// - /healthz is 200 whenever the process serves HTTP at all: a liveness probe restarts a process only when
//   it stops answering, never because Redis or the disk is in trouble (restarting would not fix those).
// - /readyz is 200 when every part a learner's request needs works (server/services/readiness.ts: Redis,
//   the lessons, DATA_DIR). Otherwise 503 with a problem naming each part that is not ready (RFC 9110 §15.6.4).
// - /metrics counts requests by route *pattern* (/api/books/:id, never the URL a client typed, so the number
//   of series stays bounded; anything no route matched is one `unknown` route) and status, with their
//   latency, plus live event streams, sandboxes, rooms, inboxes, Redis round trips and the process's own
//   figures. Cost: one onResponse hook and one histogram observation per request (server/services/route-latency.ts; README: "Operating a
//   course server" gives the measured cost). It shows operational figures and no secrets, yet a stranger has
//   no business reading them: it is served to this machine (loopback) only, or with METRICS_TOKEN.
// - While the server shuts down (SIGTERM), a request still arriving is answered 503 with Retry-After
//   (server/http/shutdown-answer.ts).
// None of these routes has a rate limit: a probe every second from the load balancer is expected.
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import cluster from 'node:cluster';
import { collectDefaultMetrics, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { Redis } from 'ioredis';
import { answerDuringShutdown } from '../http/shutdown-answer';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from '../http/problem';
import { clientOf } from '../services/client-address';
import { checkReadiness, READY_RETRY_AFTER_S } from '../services/readiness';
import { RouteLatency } from '../services/route-latency';

/** Route label of requests no route matched (404s, 405s): one series, whatever URL was asked for. */
const UNKNOWN_ROUTE = 'unknown';
/** Latency buckets in seconds: a toy-API answer takes about a millisecond; sends and /delay take seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Redis round trips are sub-millisecond on a LAN; the command timeout is 2 s. */
const REDIS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];
/** Commands that wait on purpose (blocking reads, subscriptions): their time is not a round trip. */
const WAITING_COMMANDS = new Set(['blpop', 'brpop', 'blmove', 'bzpopmin', 'bzpopmax', 'xread', 'xreadgroup', 'subscribe', 'psubscribe', 'ssubscribe']);

export interface OpsOptions {
  /** METRICS_TOKEN: a scraper that sends it as a bearer token may read /metrics from anywhere. */
  metricsToken?: string;
  /** How many lessons are loaded (0 until they are). */
  lessonCount: () => number;
}

/** The process's own figures (CPU, memory, event loop, GC) are collected once per process, however many
 *  apps it builds (tests build many); each app's scrape adds them to its own. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Which process answered the scrape: with WORKERS above 1 each scrape through the shared port reaches one worker.
    new Gauge({
      name: 'http_sandbox_process_info',
      help: 'This server process: its pid, and its worker number with WORKERS above 1 (0 for a single process).',
      labelNames: ['pid', 'worker'] as const,
      registers: [processRegistry],
    }).set({ pid: String(process.pid), worker: cluster.isWorker ? (process.env.WORKER_SLOT ?? '0') : '0' }, 1);
  }
  return processRegistry;
}

/** Times every command the store sends on `client` (pipelined ones too), from write to reply. */
function timeRedisCommands(client: Redis, histogram: Histogram<'command'>): void {
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<Redis['sendCommand']>[0], ...rest: unknown[]) => {
    const started = performance.now();
    const result = (send as (...args: unknown[]) => unknown)(command, ...rest);
    const name = command.name.toLowerCase();
    if (!WAITING_COMMANDS.has(name)) {
      command.promise.then(
        () => histogram.observe({ command: name }, (performance.now() - started) / 1_000),
        () => undefined,
      );
    }
    return result;
  }) as Redis['sendCommand'];
}

/** Same length digests, so comparing them takes the same time whatever the token sent. */
const digest = (text: string) => createHash('sha256').update(text).digest();

const LOOPBACK = /^(127\.|::1$)/;
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

export default fp<OpsOptions>(
  async (app, options) => {
    // ---- Shutdown: new requests are told to come back (server/http/shutdown-answer.ts). ----
    answerDuringShutdown(app);

    // ---- Metrics ----
    const registry = new Registry();
    const requests = new RouteLatency(
      'http_request_duration_seconds',
      'Time from the request arriving to the response sent, by route pattern (unknown: no route matched), method and status. For event streams and /delay it is how long they were open.',
      LATENCY_BUCKETS,
    );
    registry.registerMetric(requests as unknown as Metric);
    app.addHook('onResponse', (request, reply, done) => {
      // The route's pattern, as registered; the method is one the router knows (Node parses no others).
      const route = request.is404 ? UNKNOWN_ROUTE : (request.routeOptions.url ?? UNKNOWN_ROUTE);
      requests.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1_000);
      done();
    });

    new Gauge({
      name: 'http_sandbox_event_streams_open',
      help: 'Event streams (Server-Sent Events) open now: room and inbox live views.',
      registers: [registry],
      collect() {
        this.set(app.classroom.streams.size);
      },
    });
    new Gauge({
      name: 'http_sandbox_rooms',
      help: 'Classroom rooms held (with REDIS_URL, by all the processes together).',
      registers: [registry],
      async collect() {
        this.set(await app.classroom.rooms.count().catch(() => app.classroom.rooms.size));
      },
    });
    new Gauge({
      name: 'http_sandbox_inboxes',
      help: 'Request inboxes held (room and student inboxes included; with REDIS_URL, by all the processes together).',
      registers: [registry],
      async collect() {
        this.set(await app.classroom.inboxes.count().catch(() => app.classroom.inboxes.size));
      },
    });
    new Gauge({
      name: 'http_sandbox_sandboxes',
      help: 'Private sandboxes held, by store (redis: all processes together). Missing while Redis does not answer.',
      labelNames: ['store'] as const,
      registers: [registry],
      async collect() {
        try {
          this.set({ store: app.sharedRedis ? 'redis' : 'memory' }, await app.sandboxes.store.size());
        } catch {
          // Redis is down: the figure is unknown, and the scrape still answers (readiness says why).
          this.reset();
        }
      },
    });
    // The Redis connection is made after this plugin is registered (it is registered early, so that its
    // shutdown hook runs first): its commands are timed once the app is ready.
    app.addHook('onReady', async () => {
      if (!app.sharedRedis) return;
      const roundTrips = new Histogram({
        name: 'http_sandbox_redis_command_duration_seconds',
        help: 'Round trip of each Redis command the server sends (written to answer read), by command.',
        labelNames: ['command'] as const,
        buckets: REDIS_BUCKETS,
        registers: [registry],
      });
      timeRedisCommands(app.sharedRedis.client, roundTrips);
    });

    const metricsToken = options.metricsToken === undefined ? undefined : digest(options.metricsToken);
    /** Loopback, and not relayed by a proxy on this machine that TRUST_PROXY does not name. */
    const fromThisMachine = (request: FastifyRequest) =>
      LOOPBACK.test(clientOf(request).address) && !FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
    const presentsToken = (request: FastifyRequest) => {
      const header = request.headers.authorization;
      if (metricsToken === undefined || typeof header !== 'string' || !/^bearer /i.test(header)) return false;
      return timingSafeEqual(digest(header.slice(7).trim()), metricsToken);
    };

    // A Prometheus scrape: request and latency histograms, counts of what the server holds, process figures.
    app.get('/metrics', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!presentsToken(request) && !fromThisMachine(request)) {
        if (metricsToken === undefined) {
          throw new HttpProblem(
            'forbidden',
            'GET /metrics is served only to this machine (a loopback address), because the operator set no METRICS_TOKEN. Read it on the server itself (curl http://127.0.0.1:<port>/metrics), or set METRICS_TOKEN and send it as Authorization: Bearer <token>.',
          );
        }
        // RFC 6750 §3: a bearer-protected resource names its scheme in WWW-Authenticate.
        throw new HttpProblem('authentication-required', 'GET /metrics needs the scraper\'s token: send Authorization: Bearer <METRICS_TOKEN> (the operator set it in the server\'s environment).', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
      const [own, process] = await Promise.all([registry.metrics(), processMetrics().metrics()]);
      return reply.type(registry.contentType).send(`${own}\n${process}`);
    });

    // ---- Liveness and readiness ----
    // Alive: the process answers HTTP. Nothing else is checked (see the top of this file).
    app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'alive' }));

    const readiness = () =>
      checkReadiness({ lessonCount: options.lessonCount, persistence: app.persistence, sharedRedis: app.sharedRedis, hub: app.classroom.hub });
    const answerReadiness = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      const { ready, parts } = await readiness();
      if (ready) return reply.send({ status: 'ok', ...parts });
      const problems = Object.entries(parts).flatMap(([name, part]) => (part.ready ? [] : [`${name}: ${part.problem}`]));
      const problem = new HttpProblem('service-unavailable', `Not ready, so a load balancer should send learners elsewhere. ${problems.join(' ')}`, {
        extra: { notReady: Object.keys(parts).filter((name) => !parts[name]!.ready), ...parts },
      });
      // Answered here rather than thrown: a probe every second while Redis is down must not write a log line
      // each time (Redis and DATA_DIR log once when they fail and once when they recover).
      return reply.code(problem.status).header('retry-after', String(READY_RETRY_AFTER_S)).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toJSON(request.url), null, 2));
    };
    // Ready: every part a learner's request needs works (Redis, lessons, DATA_DIR); 503 names what does not.
    app.get('/readyz', answerReadiness);
    // The same check under the name the app used first.
    app.get('/app/health', answerReadiness);
  },
  { name: 'ops' },
);
