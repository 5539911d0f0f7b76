// The server X-ray, as a plugin: a toy-API request that carries `X-Sandbox-Trace: 1` (the app's send
// endpoint adds it when the learner wants the X-ray; curl users may add it by hand) is traced from the
// router to the serialiser. The answer then carries `Server-Timing` with the same phases and
// `X-Sandbox-Trace: /app/traces/<id>`, where the trace can be read for a few minutes. Requests without
// the header pay one header lookup.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { nearestRoute } from './nearest-route';
import { serverTiming } from './server-timing';
import { currentTracer, runTraced, Tracer, traceStep } from './tracer';
import { TraceStore } from './trace-store';
import type { TraceStage } from '../protocol/trace-types';

/** The request header that asks for a trace, and the response header that says where it is. */
export const TRACE_HEADER = 'x-sandbox-trace';
/** Only the toy API is traced: the echo endpoints show the request itself, which is their whole job. */
const TRACED_PREFIX = '/api/';

declare module 'fastify' {
  interface FastifyInstance {
    traces: TraceStore;
  }
}

/** Which part of the server a problem's slug comes from, for a refusal the instrumentation did not record. */
const STAGE_OF_PROBLEM: Record<string, TraceStage> = {
  'authentication-required': 'authentication',
  'invalid-credentials': 'authentication',
  forbidden: 'authorization',
  'not-acceptable': 'negotiation',
  'precondition-failed': 'conditional',
  'unsupported-media-type': 'validation',
  'validation-failed': 'validation',
  'invalid-query': 'validation',
  'invalid-path': 'validation',
  'malformed-json': 'validation',
  'malformed-request': 'validation',
  'payload-too-large': 'validation',
  'too-many-requests': 'rate-limit',
  'service-unavailable': 'faults',
  'insufficient-storage': 'store',
  'invalid-sandbox': 'sandbox',
  'method-not-allowed': 'routing',
  'not-found': 'store',
};

function wantsTrace(request: FastifyRequest): boolean {
  const asked = request.headers[TRACE_HEADER];
  return asked !== undefined && asked !== '0' && asked !== 'false' && request.url.startsWith(TRACED_PREFIX);
}

function lowerHeaders(reply: FastifyReply, name: string): string | undefined {
  const value = reply.getHeader(name);
  return value === undefined ? undefined : String(value);
}

export default fp(
  async (app) => {
    const store = new TraceStore();
    app.decorate('traces', store);
    const patterns: string[] = [];
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith(TRACED_PREFIX) && !route.url.endsWith('*') && !patterns.includes(route.url)) patterns.push(route.url);
    });

    // Routing: the route that matched and its parameters, or why none did.
    app.addHook('onRequest', (request, reply, done) => {
      if (!wantsTrace(request)) {
        done();
        return;
      }
      const tracer = new Tracer(randomUUID());
      reply.header(TRACE_HEADER, `/app/traces/${tracer.id}`);
      // The catch-all of the toy API (it answers the trailing-slash redirect, or 404) is not a match.
      const route = request.routeOptions.url?.endsWith('*') ? undefined : request.routeOptions.url;
      const path = request.url.split('?')[0]!;
      if (route && request.is404 !== true) {
        tracer.add({
          stage: 'routing',
          title: `Matched the route ${request.method} ${route}`,
          outcome: 'pass',
          facts: { pattern: route, ...(request.params as Record<string, unknown>) },
        });
      } else if (app.resources.allowed(path)) {
        const allow = app.resources.allowed(path)!;
        tracer.add({
          stage: 'routing',
          title: `${path} exists, but has no ${request.method}`,
          outcome: 'refused',
          why: `It supports ${allow.join(', ')}: the answer is 405 Method Not Allowed, with that list in the Allow header.`,
          facts: { allow: allow.join(', ') },
          learn: { kind: 'status', id: '405' },
        });
      } else {
        const near = nearestRoute(path, patterns);
        tracer.add({
          stage: 'routing',
          title: `No route matches ${request.method} ${path}`,
          outcome: 'refused',
          why: near ? `The nearest route is ${near}.` : 'No route of the toy API is close to this path; GET /openapi.json lists them all.',
          facts: near ? { nearest: near } : {},
          learn: { kind: 'status', id: '404' },
        });
      }
      const named = app.sandboxes.requested(request);
      tracer.add({
        stage: 'sandbox',
        title: named ? `Works in the sandbox ${named.id}` : 'Works in the shared demo sandbox',
        outcome: 'pass',
        why: named ? `Named by ${named.source}.` : 'Nothing named a sandbox (no X-Sandbox header, no sandbox cookie).',
      });
      // The response's 'close' comes once it has gone (or the client left): the trace is complete by then.
      let end: (() => void) | undefined;
      reply.raw.once('close', () => end?.());
      end = runTraced(tracer, done);
      if (reply.raw.destroyed) end();
    });

    // Which sandbox the request works in, and whether it must (and did) log in.
    // Synchronous hooks: an untraced request pays one lookup, no promise and microtask.
    app.addHook('preHandler', (request, _reply, done) => {
      const tracer = currentTracer();
      if (!tracer || request.is404) {
        done();
        return;
      }
      const action = request.routeOptions.config.login;
      if (!action) {
        tracer.add({ stage: 'authentication', title: 'No login needed', outcome: 'info', why: 'Reading is public in the toy API; only changes need a user.' });
      } else if (request.user) {
        const bearer = /^bearer\s/i.test(String(request.headers.authorization ?? ''));
        tracer.add({
          stage: 'authentication',
          title: `Logged in as ${request.user.username} (user ${request.user.id})`,
          outcome: 'pass',
          why: bearer ? 'The bearer token in Authorization belongs to this user.' : 'The session cookie sid belongs to this user.',
          facts: { credential: bearer ? 'bearer token (value hidden)' : 'session cookie sid (value hidden)', user: request.user.username },
          learn: { kind: 'header', id: bearer ? 'Authorization' : 'Cookie' },
        });
        if (!bearer) {
          const origin = request.headers.origin;
          tracer.add({
            stage: 'csrf',
            title: origin ? `Origin ${origin} is this site` : 'No Origin header: not a cross-site request from a browser',
            outcome: 'pass',
            why: 'A change that relies on the session cookie must come from the sandbox itself, so another site cannot make your browser send it.',
            learn: { kind: 'header', id: 'Origin' },
          });
        }
      }
      const schema = request.routeOptions.schema as { body?: { required?: string[] }; querystring?: unknown; params?: unknown } | undefined;
      const checked = [schema?.params && 'path parameters', schema?.querystring && 'query', schema?.body && 'body'].filter(Boolean) as string[];
      if (checked.length > 0) {
        const list = checked.length === 1 ? checked[0] : `${checked.slice(0, -1).join(', ')} and ${checked.at(-1)}`;
        tracer.add({
          stage: 'validation',
          title: `The ${list} matched the route's schema`,
          outcome: 'pass',
          facts: schema?.body?.required ? { required: schema.body.required.join(', ') } : {},
        });
      }
      done();
    });

    // The answer: a refusal the instrumentation did not name yet, the bytes sent, Server-Timing, and the
    // finished trace kept for GET /app/traces/<id>.
    app.addHook('onSend', (request, reply, payload, done) => {
      const tracer = currentTracer();
      if (!tracer) {
        done(null, payload);
        return;
      }
      const status = reply.statusCode;
      const type = lowerHeaders(reply, 'content-type') ?? '';
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
      if (status >= 400 && type.includes('problem+json') && !tracer.steps.some((step) => step.outcome === 'refused')) {
        try {
          const problem = JSON.parse(text) as { type?: string; detail?: string; rule?: string; errors?: { field: string; message: string }[] };
          const slug = (problem.type ?? '').split('/').pop() ?? '';
          const stage = problem.rule === 'same-origin-for-cookie-auth' ? 'csrf' : reply.getHeader('x-sandbox-fault') ? 'faults' : (STAGE_OF_PROBLEM[slug] ?? 'store');
          const credentials = request.headers.authorization !== undefined || /(^|;\s*)sid=/.test(String(request.headers.cookie ?? ''));
          const title =
            slug === 'authentication-required'
              ? credentials
                ? 'The credential that came was not accepted: 401'
                : 'No session cookie or bearer token came with the request: 401'
              : stage === 'csrf'
                ? `A change from another site (Origin ${String(request.headers.origin ?? 'unknown')}) with the session cookie: refused, 403`
                : `Answered ${status}: ${slug.replace(/-/g, ' ')}`;
          tracer.add({
            stage,
            title,
            outcome: 'refused',
            ...(problem.detail ? { why: problem.detail } : {}),
            facts: Object.fromEntries((problem.errors ?? []).slice(0, 10).map((e) => [e.field, e.message])),
            learn: { kind: 'status', id: String(status) },
          });
        } catch {
          // Not JSON after all: the status line says enough.
        }
      }
      // No payload at all (a 204 or 304, which never carry content: RFC 9110 §15.3.5, §15.4.5) is no body.
      const bytes = payload === undefined || payload === null ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : Buffer.isBuffer(payload) ? payload.length : null;
      const location = lowerHeaders(reply, 'location');
      tracer.add({
        stage: 'serialization',
        title: bytes === null ? `Answered ${status} with a streamed body` : bytes === 0 ? `Answered ${status} with no body` : `Answered ${status}: ${bytes} bytes of ${type.split(';')[0] || 'data'}`,
        outcome: 'info',
        ...(location ? { why: `Location: ${location}` } : {}),
        facts: { status, ...(bytes === null ? {} : { bytes }), ...(type ? { 'content-type': type } : {}), ...(location ? { location } : {}) },
        learn: { kind: 'status', id: String(status) },
      });
      const trace = tracer.finish({ method: request.method, url: request.url, route: request.is404 ? null : (request.routeOptions.url ?? null), status });
      reply.header('server-timing', serverTiming(trace.steps, trace.totalMs));
      store.keep(trace);
      done(null, payload);
    });
  },
  // app.sandboxes is read per request: the plugin is registered before it, to see every request check.
  { name: 'tracing' },
);
