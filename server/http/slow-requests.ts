// Logs a request that took longer than SLOW_REQUEST_MS, at warn: the sign an operator needs that the server
// (or the machine it shares) cannot keep up. Time the server spends waiting on purpose does not count: the
// echo endpoints whose lesson is slowness (/delay, /drip, streams), event streams that stay open, the send
// endpoint (it waits for the learner's target) and a room's latency switch. One line carries the method, the
// route pattern (never the query string, where keys travel), the status and the time. When the server is
// overloaded every request is slow: one line per route per SLOW_LOG_EVERY_MS then, saying how many more there were.
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

/** At most one slow-request line per route in this time. */
export const SLOW_LOG_EVERY_MS = 10_000;

export function logSlowRequests(app: FastifyInstance, thresholdMs: number, now: () => number = Date.now): void {
  if (thresholdMs <= 0) return;
  /** Per method and route: when its last line was written, and the slow requests not logged since. */
  const recent = new Map<string, { at: number; unlogged: number }>();
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.elapsedTime >= thresholdMs) {
      const ms = slowTime(request, reply);
      if (ms !== undefined && ms >= thresholdMs) {
        const route = request.routeOptions.url ?? request.url.split('?')[0]!;
        const key = `${request.method} ${route}`;
        const last = recent.get(key);
        if (last && now() - last.at < SLOW_LOG_EVERY_MS) {
          last.unlogged += 1;
        } else {
          const more = last?.unlogged ?? 0;
          if (recent.size > 1_000) recent.clear();
          recent.set(key, { at: now(), unlogged: 0 });
          const also = more > 0 ? ` (and ${more} more slow since the last line)` : '';
          request.log.warn({ method: request.method, route, status: reply.statusCode, ms: Math.round(ms), unlogged: more }, `slow request: ${key} took ${Math.round(ms)} ms${also}`);
        }
      }
    }
    done();
  });
}
