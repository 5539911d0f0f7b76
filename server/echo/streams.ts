// Streams and faults: slow answers, streamed lines and events, dripped bytes, trailers, interim responses,
// failures on purpose (500s, closed and reset connections) and a real rate limit. Every count and delay has
// a ceiling (server/echo/limits.ts) that the error names.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { headersObject } from './request-echo';
import { ALL_METHODS, READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { COURSE_LIMITS, ECHO_LIMITS } from './limits';
import { clientKey, count, getEcho, query, sendJson, statusProblem, waitOrAbort } from './reply';

// /limited: a real rate limit, per learner.
const windows = new Map<string, { start: number; count: number }>();

function rateLimit(request: FastifyRequest, reply: FastifyReply, now = Date.now()): FastifyReply {
  const { rateLimitRequests: quota, rateLimitWindowSeconds: seconds } = COURSE_LIMITS;
  const key = clientKey(request);
  let window = windows.get(key);
  if (!window || now - window.start >= seconds * 1000) {
    window = { start: now, count: 0 };
    windows.delete(key);
    windows.set(key, window);
    if (windows.size > COURSE_LIMITS.rateLimitClients) windows.delete(windows.keys().next().value as string);
  }
  window.count += 1;
  const reset = Math.max(1, Math.ceil((window.start + seconds * 1000 - now) / 1000));
  const remaining = Math.max(0, quota - window.count);
  // The draft RateLimit fields (draft-ietf-httpapi-ratelimit-headers) say the quota and what is left.
  reply.header('ratelimit-policy', `"limited";q=${quota};w=${seconds}`).header('ratelimit', `"limited";r=${remaining};t=${reset}`);
  if (window.count > quota) {
    // 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3): come back when the window ends.
    reply.header('retry-after', String(reset));
    return statusProblem(reply, 429, 'Too Many Requests', `You may send ${quota} requests every ${seconds} seconds here, and this was number ${window.count}. Wait ${reset} second${reset === 1 ? '' : 's'} (Retry-After), then try again — and wait longer each time you are refused (backoff).`, { quota, windowSeconds: seconds, retryAfter: reset });
  }
  return sendJson(reply, { allowed: true, request: window.count, of: quota, windowSeconds: seconds, remaining });
}

export const STREAMS_AND_FAULTS: readonly EchoRoute[] = [
  endpoint(
    { path: '/delay/:n', methods: ALL_METHODS, group: 'streams and faults', description: `Answers after n seconds (at most ${ECHO_LIMITS.delaySeconds}).`, teaches: 'Timeouts: what a slow server looks like.', samples: ['/delay/2'] },
    async (request, reply) => {
      const seconds = Number(request.params.n);
      if (!Number.isFinite(seconds) || seconds < 0) throw new HttpProblem('invalid-path', 'The delay must be a number of seconds, such as /delay/2.');
      if (seconds > ECHO_LIMITS.delaySeconds) throw new HttpProblem('invalid-path', `The delay is ${seconds} s, but at most ${ECHO_LIMITS.delaySeconds} s is allowed. Ask for less.`);
      if (!(await waitOrAbort(seconds * 1000, request))) return reply;
      return sendJson(reply, getEcho(request));
    },
  ),
  endpoint(
    { path: '/stream/:n', methods: READ_ONLY, group: 'streams and faults', description: 'n JSON lines, streamed.', teaches: 'Chunked transfer: a body sent in pieces.', samples: ['/stream/5'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of lines', ECHO_LIMITS.lines, '/stream/5');
      const base = getEcho(request);
      return reply.type('application/json').send(Array.from({ length: n }, (_, id) => `${JSON.stringify({ id, ...base })}\n`).join(''));
    },
  ),
  endpoint(
    { path: '/jsonl', methods: READ_ONLY, group: 'streams and faults', description: 'JSON Lines (?n=, at most 100).', teaches: 'One JSON value per line.', samples: ['/jsonl?n=3'] },
    (request, reply) => {
      const n = count(query(request).get('n') ?? '10', 'n', ECHO_LIMITS.lines, '?n=3');
      return reply.type('application/jsonl').send(Array.from({ length: n }, (_, i) => `${JSON.stringify({ line: i + 1, at: new Date().toISOString() })}\n`).join(''));
    },
  ),
  endpoint(
    { path: '/sse', methods: READ_ONLY, group: 'streams and faults', description: 'Server-Sent Events (?n= events, ?interval= ms).', teaches: 'text/event-stream: a response that keeps arriving.', samples: ['/sse?n=3&interval=500'] },
    async (request, reply) => {
      const params = query(request);
      const n = count(params.get('n') ?? '5', 'n', ECHO_LIMITS.lines, '?n=3');
      const interval = count(params.get('interval') ?? '500', 'The interval', ECHO_LIMITS.sseIntervalMs, '?interval=500');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      for (let i = 1; i <= n; i += 1) {
        raw.write(`id: ${i}\nevent: tick\ndata: ${JSON.stringify({ tick: i, of: n, at: new Date().toISOString() })}\n\n`);
        if (i < n && !(await waitOrAbort(interval, request))) return;
      }
      raw.end();
    },
  ),
  endpoint(
    { path: '/drip', methods: READ_ONLY, group: 'streams and faults', description: 'numbytes bytes dripped over duration seconds.', teaches: 'A body that arrives slowly.', samples: ['/drip?numbytes=5&duration=2'] },
    async (request, reply) => {
      const params = query(request);
      const bytes = count(params.get('numbytes') ?? '10', 'numbytes', ECHO_LIMITS.bytes, '?numbytes=10');
      const duration = Number(params.get('duration') ?? '2');
      if (!Number.isFinite(duration) || duration < 0 || duration > ECHO_LIMITS.delaySeconds) throw new HttpProblem('invalid-query', `duration must be 0 to ${ECHO_LIMITS.delaySeconds} seconds.`);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
      const pieces = Math.min(bytes, 50);
      for (let i = 0; i < pieces; i += 1) {
        const size = Math.floor(bytes / pieces) + (i < bytes % pieces ? 1 : 0);
        raw.write('*'.repeat(size));
        if (i < pieces - 1 && !(await waitOrAbort((duration * 1000) / pieces, request))) return;
      }
      raw.end();
    },
  ),
  endpoint(
    { path: '/trailers', methods: READ_ONLY, group: 'streams and faults', description: 'A chunked body followed by a trailer field.', teaches: 'Trailers: headers sent after the body.', samples: ['/trailers'] },
    (_request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', trailer: 'X-Checksum' });
      const body = 'This body is followed by a trailer.\n';
      raw.write(body);
      raw.addTrailers({ 'X-Checksum': createHash('sha256').update(body).digest('hex').slice(0, 16) });
      raw.end();
    },
  ),
  endpoint(
    { path: '/unstable', methods: ALL_METHODS, group: 'streams and faults', description: 'Fails with 500 at random (?failure_rate= from 0 to 1, default 0.5).', teaches: 'Retrying requests that sometimes fail.', samples: ['/unstable?failure_rate=0.3'] },
    (request, reply) => {
      const rate = Number(query(request).get('failure_rate') ?? '0.5');
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new HttpProblem('invalid-query', 'failure_rate must be a number from 0 to 1, such as 0.3.');
      if (Math.random() < rate) return reply.code(500).type('text/plain; charset=utf-8').send('This failure was asked for (/unstable). Try again.\n');
      return sendJson(reply, getEcho(request));
    },
  ),
  endpoint(
    { path: '/error/close', methods: ALL_METHODS, group: 'streams and faults', description: 'Closes the connection without answering.', teaches: 'What a client sees when the server hangs up.', samples: ['/error/close'] },
    (request, reply) => {
      reply.hijack();
      request.raw.socket.end();
    },
  ),
  endpoint(
    { path: '/error/reset', methods: ALL_METHODS, group: 'streams and faults', description: 'Resets the connection (TCP RST).', teaches: 'ECONNRESET: an abrupt end.', samples: ['/error/reset'] },
    (request, reply) => {
      reply.hijack();
      const socket = request.raw.socket as typeof request.raw.socket & { resetAndDestroy?: () => void };
      if (socket.resetAndDestroy) socket.resetAndDestroy();
      else socket.destroy();
    },
  ),
  endpoint(
    { path: '/info/103', methods: READ_ONLY, group: 'streams and faults', description: 'Sends 103 Early Hints, then the final 200.', teaches: 'Informational responses come before the final one.', samples: ['/info/103'] },
    (request, reply) => {
      reply.raw.writeEarlyHints({ link: '</assets/example.css>; rel=preload; as=style' });
      return sendJson(reply, { final: true, note: 'A 103 Early Hints response came before this one; the Wire tab shows both.', headers: headersObject(request.raw.rawHeaders) });
    },
  ),
  endpoint(
    { path: '/limited', methods: ALL_METHODS, group: 'streams and faults', description: `A real rate limit: ${COURSE_LIMITS.rateLimitRequests} requests per ${COURSE_LIMITS.rateLimitWindowSeconds} seconds per learner, then 429 with Retry-After, and RateLimit headers throughout.`, teaches: 'Rate limits, 429, Retry-After and backing off.', samples: ['/limited'] },
    rateLimit,
  ),
];
