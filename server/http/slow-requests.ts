// Logs a request that took longer than SLOW_REQUEST_MS, at warn: the sign an operator needs that the server
// (or the machine it shares) cannot keep up. Time the server spends waiting on purpose does not count: the
// echo endpoints whose lesson is slowness (/delay, /drip, streams), event streams that stay open, the send
// endpoint (it waits for the learner's target) and a room's latency switch. One line carries the method, the
// route pattern (never the query string, where keys travel), the status and the time.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deliberateDelayOf } from './deliberate-answers';

/** Routes that are slow by design. */
export const SLOW_BY_DESIGN = new Set([
  '/delay/:n',
  '/drip',
  '/sse',
  '/stream/:n',
  '/stream-bytes/:n',
  '/proxy/*',
  '/app/send',
  '/app/rooms/:code/events',
  '/app/inboxes/:id/events',
]);

/** The time this request took that the server did not spend waiting on purpose, or undefined when exempt. */
export function slowTime(request: FastifyRequest, reply: FastifyReply): number | undefined {
  const route = request.routeOptions.url;
  if (route !== undefined && SLOW_BY_DESIGN.has(route)) return undefined;
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('text/event-stream')) return undefined;
  return reply.elapsedTime - deliberateDelayOf(request);
}

export function logSlowRequests(app: FastifyInstance, thresholdMs: number): void {
  if (thresholdMs <= 0) return;
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.elapsedTime >= thresholdMs) {
      const ms = slowTime(request, reply);
      if (ms !== undefined && ms >= thresholdMs) {
        const route = request.routeOptions.url ?? request.url.split('?')[0];
        request.log.warn({ method: request.method, route, status: reply.statusCode, ms: Math.round(ms) }, `slow request: ${request.method} ${route} took ${Math.round(ms)} ms`);
      }
    }
    done();
  });
}
