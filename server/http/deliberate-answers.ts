// Which error answers are the server doing its job, and how each answer is logged. A fault switch's 429 or
// 503 is what the instructor asked for, and a capacity 503 (a limit reached, with Retry-After) is a limit
// working as designed: one info line each, without a stack trace, so a lecture with the 503 switch on does
// not fill the console with errors. Any other 5xx is a real failure: logged at error with its stack.
// No line carries the query string, headers or body, where keys and cookies travel.
import type { FastifyRequest } from 'fastify';
import type { HttpProblem } from './problem';

const staged = new WeakMap<HttpProblem, string>();
const delayed = new WeakMap<FastifyRequest, number>();

/** Records that the server made this request wait on purpose (a latency switch), so it is not logged as slow. */
export function deliberatelyDelayed(request: FastifyRequest, ms: number): void {
  delayed.set(request, (delayed.get(request) ?? 0) + ms);
}

/** How long the server made this request wait on purpose, in ms. */
export function deliberateDelayOf(request: FastifyRequest): number {
  return delayed.get(request) ?? 0;
}

/** Marks a problem as an answer given on purpose (e.g. "room ABCD fault switch"), logged at info. */
export function deliberately<T extends HttpProblem>(problem: T, why: string): T {
  staged.set(problem, why);
  return problem;
}

/** Why this answer was given on purpose, or undefined when it is a real failure or an ordinary 4xx. */
export function deliberateReason(problem: HttpProblem): string | undefined {
  return staged.get(problem) ?? (problem.slug === 'capacity-reached' ? 'capacity limit reached' : undefined);
}

/** Logs an error answer: deliberate ones at info without a stack, unexpected 5xx at error with it. */
export function logErrorAnswer(request: FastifyRequest, error: Error, problem: HttpProblem): void {
  const reason = deliberateReason(problem);
  if (reason !== undefined) {
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    request.log.info({ status: problem.status, type: problem.slug, method: request.method, route, reason }, `answered ${problem.status} on purpose: ${reason}`);
    return;
  }
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
}
