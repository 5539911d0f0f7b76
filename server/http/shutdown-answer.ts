// While the server shuts down (SIGTERM), a request still arriving on an open connection is answered 503 with
// Retry-After and `Connection: close` (RFC 9110 §15.6.4, RFC 9112 §9.6), so a client or load balancer tries
// another process; the requests already running finish. Fastify's own answer then has no Retry-After.
import type { FastifyInstance } from 'fastify';
import { deliberately } from './deliberate-answers';
import { HttpProblem } from './problem';

/** Retry-After on answers during shutdown: by then a restarted process or another one takes requests. */
export const SHUTDOWN_RETRY_AFTER_S = 2;

/** Adds the hooks: from the app's close on, every new request gets the 503 problem. */
export function answerDuringShutdown(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    // An answer given on purpose: one info line, not an error with a stack.
    done(
      deliberately(
        new HttpProblem('service-unavailable', `This server process is shutting down. Send the request again in ${SHUTDOWN_RETRY_AFTER_S} s (the Retry-After header says so too): by then another process, or this one restarted, answers it.`, {
          headers: { 'retry-after': String(SHUTDOWN_RETRY_AFTER_S) },
        }),
        'shutting down',
      ),
    );
  });
}
