// Builds the HTTP Sandbox application. Tests call buildApp() and use app.inject() or listen on port 0;
// server/main.ts calls it with the configuration read from the environment.
import Fastify, {
  LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import { lazySerializers, lazyValidators } from './http/lazy-compilers';
import { DEFAULT_CONFIG, type Config } from './config';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './http/problem';
import { JSON_MEDIA_TYPES, parseJsonBody } from './http/json-body';
import { ResourceRegistry } from './http/resource-registry';
import { handleClientError } from './http/client-errors';
import { limitConnectionsPerClient } from './http/connection-limit';
import { readTlsFiles, warnOfExpiry } from './http/tls';
import { CLIENT_VIEW, clientOf, parseProxyTrust } from './services/client-address';
import { logErrorAnswer } from './http/deliberate-answers';
import { frameworkErrorProblem, installRequestChecks } from './http/request-checks';
import type { LogStream } from './http/log-output';
import { lazyChildLogger } from './http/lazy-request-logger';
import { logSlowRequests } from './http/slow-requests';
import { summarize, toFieldErrors, type SchemaError } from './http/validation-errors';
import { CollectionFullError } from './store/types';
import sandboxes from './services/sandboxes';
import persistence from './services/persistence';
import auth from './services/auth';
import rateLimits from './services/rate-limits';
import { connectRedis, type SharedRedis } from './store/redis/connection';
import { RedisHub } from './store/redis/hub';
import exportJobs from './services/export-jobs';
import toyApiRoutes from './routes/api/index';
import echoRoutes from './routes/echo';
import problemRoutes from './routes/problems';
import referenceRoutes from './routes/reference';
import lessonRoutes from './routes/lessons';
import { loadCourseData } from './lessons/course-data';
import { PROJECT_ROOT } from './client-build';
import { join } from 'node:path';
import sendRoutes from './routes/send';
import type { Dial, Lookup } from './send/wire-connector';
import openapiRoutes from './routes/openapi';
import clientRoutes from './routes/client';
import classroom from './classroom/service';
import { redactUrl } from './protocol/redact';
import tracing from './trace/plugin';
import traceRoutes from './routes/traces';
import roomRoutes from './routes/rooms';
import { ROOM_CODE_FAILURES_BUCKET } from './routes/keyed';
import inboxRoutes from './routes/inboxes';
import opsRoutes from './routes/ops';

export interface BuildOptions extends Partial<Config> {
  /** Folder of the built client (index.html and assets). Omit to serve the API only. */
  clientDir?: string;
  /** Log requests (pino). Off unless asked, so tests stay quiet. */
  logger?: boolean;
  /** Where log lines go (server/http/log-output.ts); default JSON lines on stdout. */
  logStream?: LogStream;
  /** Clock, for tests of time-based behaviour. */
  now?: () => Date;
  /** Folder of the reference dataset (default lessons/reference). */
  referenceDir?: string;
  /** Network access of the send endpoint, injected by tests so they can never dial a real address. */
  send?: { lookup?: Lookup; dial?: Dial };
}


declare module 'fastify' {
  interface FastifyContextConfig {
    /** Media types this route accepts in a request body; others get 415 before the body is read. */
    accepts?: readonly string[];
    /** Set on routes that need a logged-in user: what the user is doing, e.g. "add a book" (for the 401). */
    login?: string;
  }
  interface FastifyInstance {
    /** The Redis connection with REDIS_URL (for readiness and tests), else undefined. */
    sharedRedis: SharedRedis | undefined;
    resources: ResourceRegistry;
  }
}

function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** 415 before the body is read when the route says which media types it accepts (RFC 9110 §15.5.16). */
function checkContentType(request: FastifyRequest): void {
  const accepts = request.routeOptions.config.accepts;
  if (!accepts) return;
  const type = mediaTypeOf(request);
  if (type === '' && !hasBody(request)) return;
  if (accepts.includes(type)) return;
  const list = accepts.join(' or ');
  const sent = type === '' ? 'has no Content-Type header' : `says Content-Type: ${type}`;
  throw new HttpProblem(
    'unsupported-media-type',
    `${request.method} ${request.routeOptions.url} accepts a body of type ${list}, but this request ${sent}. Add the header Content-Type: ${accepts[0]} and send the body as JSON.`,
    {
      extra: { accepted: [...accepts] },
      headers: request.method === 'PATCH' ? { 'accept-patch': accepts.join(', ') } : { 'accept-post': accepts.join(', ') },
    },
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.toJSON(request.url), null, 2));
}

/** Maps every error to a problem body: ours, validation errors, and Fastify's own. */
export function toProblem(error: FastifyError | Error, request: FastifyRequest): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof CollectionFullError) {
    return new HttpProblem(
      'insufficient-storage',
      `${error.message} Delete some items, or reset your sandbox with POST /api/sandbox/reset to start again from the seed data.`,
      { extra: { limit: error.limit, collection: error.collection } },
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'body';
    const schema = request.routeOptions.schema as Record<string, { properties?: object } | undefined> | undefined;
    const allowed = Object.keys(schema?.[context]?.properties ?? {});
    const errors = toFieldErrors(fastifyError.validation as unknown as SchemaError[], context, allowed);
    if (context === 'body') {
      const bodyMissing = errors.some((e) => e.field === '(body)');
      return new HttpProblem(
        'validation-failed',
        bodyMissing
          ? `The body must be a JSON object${allowed.length ? ` with the fields ${allowed.join(', ')}` : ''}. Send one with Content-Type: application/json.`
          : `The JSON is well formed, but some fields are wrong: ${summarize(errors)}. Fix them and send again.`,
        { errors },
      );
    }
    const slug = context === 'params' ? 'invalid-path' : 'invalid-query';
    const where = context === 'params' ? 'path' : context === 'querystring' ? 'query string' : context;
    return new HttpProblem(slug, `The ${where} is not valid: ${summarize(errors)}.`, { errors });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(
        'payload-too-large',
        `The body is larger than this server accepts (${request.routeOptions.bodyLimit ?? DEFAULT_CONFIG.bodyLimit} bytes). Send less data.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(
        'unsupported-media-type',
        `This server cannot read a body of type ${JSON.stringify(mediaTypeOf(request) || '(none)')} here. Send JSON with Content-Type: application/json.`,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem('malformed-request', 'The Content-Length header does not match the size of the body that arrived. Let your client compute Content-Length.');
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new HttpProblem('malformed-request', `${fastifyError.message}.`, { status });
  }
  return new HttpProblem(
    'internal-error',
    'Something went wrong on the server while handling this request. It is not your fault; try again, and tell the course staff if it keeps happening.',
  );
}

export async function buildApp(options: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...DEFAULT_CONFIG, ...options };
  // TLS_CERT/TLS_KEY: HTTPS from this process (checked here, so a bad file stops the start naming it).
  const tls = config.tlsCert !== undefined && config.tlsKey !== undefined ? readTlsFiles(config.tlsCert, config.tlsKey) : undefined;
  const serverOptions = {
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: config.headersTimeoutMs,
    // How often Node checks for slow clients; a quarter of the header timeout keeps the check precise.
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(config.headersTimeoutMs / 4))),
    // A request without Host is answered with a problem by installRequestChecks, not Node's bare 400.
    requireHostHeader: false,
  };
  const app = Fastify({
    logger: options.logger
      ? {
          level: config.logLevel,
          ...(options.logStream ? { stream: options.logStream } : {}),
          // Room and inbox keys may travel as ?key= (EventSource cannot send headers): a log line shows the
          // URL with every secret parameter and sandbox credential masked.
          serializers: {
            // The client as resolved behind trusted proxies (TRUST_PROXY), not the proxy's socket.
            req: (request: FastifyRequest) => {
              const client = clientOf(request);
              return { method: request.method, url: redactUrl(request.url), host: client.host, remoteAddress: client.address, remotePort: request.socket?.remotePort };
            },
          },
        }
      : false,
    // A request's logger is made when it first writes a line (most never do).
    ...(options.logger ? { childLoggerFactory: lazyChildLogger } : {}),
    // One line per request only at debug level: a classroom server would otherwise drown its console.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    bodyLimit: config.bodyLimit,
    // request.ip is always the socket's peer: who the client is, behind the proxies the operator trusts
    // (TRUST_PROXY), is read in one place, server/services/client-address.ts (Forwarded included).
    trustProxy: false,
    // Report unknown query parameters and fields instead of silently dropping them.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
    exposeHeadRoutes: true,
    // Each route's validator and serializer compiled on its first request, not all at start (idle memory).
    schemaController: { compilersFactory: { buildValidator: lazyValidators(), buildSerializer: lazySerializers() } },
    // During shutdown new requests get a problem with Retry-After (server/http/shutdown-answer.ts), not Fastify's bare 503.
    return503OnClosing: false,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: serverOptions,
    // With TLS the same limits apply (Fastify then reads these options, not `http`), and a client has as long
    // for its TLS handshake as for its headers.
    // (Spread as a plain object: the app is typed as an HTTP/1.1 server either way, which https.Server is.)
    ...((tls ? { https: { ...serverOptions, cert: tls.cert, key: tls.key, handshakeTimeout: config.headersTimeoutMs } } : {}) as object),
    // A URL Fastify cannot decode gets a problem body too (server/http/request-checks.ts).
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: (error, socket) => handleClientError(error, socket, { maxHeaderBytes: config.maxHeaderBytes }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (tls) warnOfExpiry(app.log, tls, config.tlsCert!, (options.now ?? (() => new Date()))());
  app.decorate('proxyTrust', parseProxyTrust(config.trustProxy));
  app.decorateRequest(CLIENT_VIEW as never, null as never);
  limitConnectionsPerClient(app, config.maxConnectionsPerClient);
  installRequestChecks(app);
  if (options.logger) logSlowRequests(app, config.slowRequestMs);

  // JSON bodies: our parser says where the JSON broke.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser([...JSON_MEDIA_TYPES], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.decorate('resources', new ResourceRegistry());
  // The server X-ray first, so that it sees every step, the request checks below included.
  await app.register(tracing);
  // The request checks in one synchronous hook (no promise and microtask per request): the URL's length
  // (414), then the Content-Type the route accepts (415).
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.length > config.maxUrlLength) {
      done(
        new HttpProblem(
          'uri-too-long',
          `The URL is ${request.url.length} characters long; this server accepts at most ${config.maxUrlLength}. Send large data in the body of a POST instead of the query string.`,
        ),
      );
      return;
    }
    try {
      checkContentType(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    logErrorAnswer(request, error, problem);
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allow = app.resources.allowed(path);
    if (allow) {
      reply.header('allow', allow.join(', '));
      return sendProblem(
        request,
        reply,
        new HttpProblem(
          'method-not-allowed',
          `${path} does not support ${request.method}. It supports ${allow.join(', ')}: use one of those (the Allow header lists them too).`,
          { extra: { allow } },
        ),
      );
    }
    return sendProblem(
      request,
      reply,
      new HttpProblem(
        'not-found',
        `There is nothing at ${request.method} ${path}. Check the spelling; the toy API lives under /api (try GET /api/books), and /openapi.json lists every endpoint.`,
      ),
    );
  });

  // Health, readiness and metrics: after the error handlers (so their problems are problems), before the
  // services, so that at shutdown new requests are refused with Retry-After before event streams close.
  let lessonCount = 0;
  await app.register(opsRoutes, { metricsToken: config.metricsToken, lessonCount: () => lessonCount });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HTTP Sandbox toy API',
        version: '1.0.0',
        description:
          'A small REST API for learning HTTP: books, categories, comments and users, each in your own sandbox.',
      },
      components: {
        securitySchemes: {
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'From POST /api/session.' },
          bearerToken: { type: 'http', scheme: 'bearer', description: 'From POST /api/tokens.' },
        },
      },
      tags: [
        { name: 'books', description: 'Books on a reading list' },
        { name: 'categories', description: 'Book categories' },
        { name: 'comments', description: 'Comments on books' },
        { name: 'users', description: 'Users and logging in' },
        { name: 'sandbox', description: 'Your private copy of the data' },
      ],
    },
    hideUntagged: true,
    // Name shared schemas by their $id (Book, Problem…) in components.schemas.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });

  await app.register(persistence, { dataDir: config.dataDir, intervalMs: config.snapshotIntervalMs });
  // REDIS_URL: sandboxes, sessions and tokens, and rate-limit buckets are shared by every process that names it.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, app.log) : undefined;
  if (redis) app.addHook('onClose', redis.close);
  app.decorate('sharedRedis', redis);
  await app.register(sandboxes, {
    maxSandboxes: config.sandboxMax,
    itemLimit: config.sandboxItemLimit,
    idleMs: config.sandboxIdleMinutes * 60_000,
    now: options.now,
    redis: redis?.client,
  });
  await app.register(auth, { now: options.now, redis: redis?.client });
  await app.register(rateLimits, {
    now: options.now,
    redis: redis?.client,
    buckets: {
      login: { perMinute: config.loginRatePerMinute, perAddressPerMinute: config.loginRatePerAddressPerMinute, what: 'log-in attempts' },
      'login-failures': { perMinute: config.loginFailuresPerMinute, what: 'failed log-ins to one account' },
      send: { perMinute: config.sendRatePerMinute, perAddressPerMinute: config.sendRatePerAddressPerMinute, what: 'requests through the sandbox' },
      'room-create': { perMinute: config.classroomCreatePerMinute, perAddressPerMinute: config.roomCreatePerAddressPerMinute, what: 'new rooms' },
      [ROOM_CODE_FAILURES_BUCKET]: { perMinute: config.roomCodeFailuresPerMinute, what: 'wrong room codes' },
    },
  });
  await app.register(exportJobs, { durationMs: config.exportJobMs, now: options.now, redis: redis?.client });
  // With REDIS_URL the classroom's events go through Redis too (pub/sub live, a stream per channel for
  // replay), so a browser may reconnect to any process; rooms are kept in Redis too, inboxes per process.
  const hub = redis
    ? new RedisHub(redis.client, { now: options.now, idleMs: 2 * Math.max(config.roomIdleMinutes, config.inboxIdleMinutes) * 60_000, log: app.log })
    : undefined;
  if (hub) app.addHook('onClose', () => hub.close());
  await app.register(classroom, { settings: config, now: options.now, hub, redis: redis?.client });

  await app.register(toyApiRoutes, { prefix: '/api' });
  await app.register(traceRoutes);
  await app.register(echoRoutes);
  await app.register(sendRoutes, {
    allowOrigins: config.allowOrigins,
    ownTls: tls ? { fingerprint256: tls.fingerprint256 } : undefined,
    queue: {
      concurrency: config.sendConcurrency,
      perClientConcurrency: config.sendClientConcurrency,
      // Three quarters of the slots at most for one address: a flood from one machine leaves room for others.
      perAddressConcurrency: Math.max(1, Math.floor((config.sendConcurrency * 3) / 4)),
      maxWaiting: config.sendQueueMax,
      maxWaitingPerClient: config.sendQueuePerClient,
      maxWaitMs: config.sendQueueWaitMs,
    },
    lookup: options.send?.lookup,
    dial: options.send?.dial,
  });
  await app.register(roomRoutes);
  await app.register(inboxRoutes);
  const { lessons, reference } = await loadCourseData(config.lessonsDir ?? join(PROJECT_ROOT, 'lessons'), options.referenceDir ?? join(PROJECT_ROOT, 'lessons', 'reference'));
  await app.register(referenceRoutes, { data: reference });
  await app.register(lessonRoutes, { lessons });
  lessonCount = lessons.length;
  await app.register(problemRoutes);
  await app.register(openapiRoutes);
  await app.register(clientRoutes, { clientDir: options.clientDir });
  return app;
}
