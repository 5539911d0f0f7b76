// A room's fault switches: the instructor makes the room's sandboxes slow, rate-limited (429),
// unavailable (503) or rude (connections dropped), so the class sees how their clients meet failure.
// A room's sandboxes are "room-<code>-<secret>" (the instructor's; the secret keeps it out of reach of
// anyone who only knows the code) and "room-<code>-<student id>" (each student's); the hook below runs
// before every toy API request and acts when it names one of them.
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deliberately, deliberatelyDelayed } from '../http/deliberate-answers';
import { HttpProblem } from '../http/problem';
import type { FaultSettings } from '../protocol/classroom-types';
import { FAULT_RETRY_AFTER_DEFAULT_S } from './limits';
import { traceClock, traceStep } from '../trace/tracer';

export const FAULTS_OFF: FaultSettings = {
  latencyMs: 0,
  status429: false,
  status503: false,
  drop: false,
  retryAfterSeconds: FAULT_RETRY_AFTER_DEFAULT_S,
};

/** The header on a 429 or 503 the switches caused, so the wire view shows the answer was staged. */
export const FAULT_HEADER = 'x-sandbox-fault';

const ROOM_SANDBOX = /^room-([a-z]{8})-[a-z0-9_-]+$/;

/** The sandbox id of a room's instructor ("room-kxmpqrtw-<secret>") or of one student in it
 *  ("room-kxmpqrtw-4fh7q2mn"). */
export function roomSandboxId(code: string, owner: string): string {
  return `room-${code.toLowerCase()}-${owner}`;
}

/** The room code a sandbox id belongs to, upper case, or undefined when it is no room's sandbox. */
export function roomCodeOfSandbox(sandboxId: string): string | undefined {
  return ROOM_SANDBOX.exec(sandboxId)?.[1]?.toUpperCase();
}

export function anyFaultOn(faults: FaultSettings): boolean {
  return faults.latencyMs > 0 || faults.status429 || faults.status503 || faults.drop;
}

/** The switches that differ between two settings, for the `faults` event. */
export function changedSwitches(before: FaultSettings, after: FaultSettings): (keyof FaultSettings)[] {
  return (Object.keys(FAULTS_OFF) as (keyof FaultSettings)[]).filter((key) => before[key] !== after[key]);
}

export type FaultAction = { kind: 'drop' } | { kind: 'status'; status: 429 | 503 } | undefined;

/** What to do after the added latency. With several switches on, the harshest wins: drop, 503, 429. */
export function faultAction(faults: FaultSettings): FaultAction {
  if (faults.drop) return { kind: 'drop' };
  if (faults.status503) return { kind: 'status', status: 503 };
  if (faults.status429) return { kind: 'status', status: 429 };
  return undefined;
}

/** The problem a 429 or 503 switch answers with; logged at info, without a stack (it is no failure). */
export function faultProblem(code: string, status: 429 | 503, retryAfterSeconds: number): HttpProblem {
  return deliberately(switchProblem(code, status, retryAfterSeconds), `room ${code} fault switch ${status}`);
}

function switchProblem(code: string, status: 429 | 503, retryAfterSeconds: number): HttpProblem {
  const headers = { 'retry-after': String(retryAfterSeconds), [FAULT_HEADER]: String(status) };
  if (status === 429) {
    return new HttpProblem(
      'too-many-requests',
      `The instructor of room ${code} switched on "429 Too Many Requests" for this sandbox. A polite client waits the ${retryAfterSeconds} s the Retry-After header asks for, then tries again.`,
      { headers, extra: { room: code, retryAfter: retryAfterSeconds } },
    );
  }
  return new HttpProblem(
    'service-unavailable',
    `The instructor of room ${code} switched on "503 Service Unavailable" for this sandbox. A robust client waits the ${retryAfterSeconds} s the Retry-After header asks for and retries, without hammering the server.`,
    { headers, extra: { room: code, retryAfter: retryAfterSeconds } },
  );
}

export interface FaultHookOptions {
  /** The sandbox id the request names (header, query or cookie), if any. */
  sandboxOf: (request: FastifyRequest) => string | undefined;
  /** The current switches of a room, or undefined when there is no such room (a promise when the rooms
   *  are shared in Redis). */
  faultsOf: (code: string) => FaultSettings | undefined | Promise<FaultSettings | undefined>;
  /** Aborted when the app closes, so no request waits out its added latency during shutdown. */
  signal: AbortSignal;
}

/** An onRequest hook for the toy API that applies the switches of the room the request's sandbox is in. */
export function createFaultHook(options: FaultHookOptions) {
  // Synchronous when no switch is on (nearly every request): no promise and microtask.
  return function applyRoomFaults(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const sandbox = options.sandboxOf(request);
    const code = sandbox === undefined ? undefined : roomCodeOfSandbox(sandbox);
    const found = code === undefined ? undefined : options.faultsOf(code);
    const go = (faults: FaultSettings | undefined): void => {
      if (code === undefined || !faults || !anyFaultOn(faults)) {
        done();
        return;
      }
      applyFaults(request, reply, code, faults).then(() => done(), done);
    };
    if (found instanceof Promise) found.then(go, done);
    else go(found);
  };

  async function applyFaults(request: FastifyRequest, reply: FastifyReply, code: string, faults: FaultSettings): Promise<void> {
    if (faults.latencyMs > 0) {
      const startedAt = traceClock();
      try {
        await delay(faults.latencyMs, undefined, { signal: options.signal });
        deliberatelyDelayed(request, faults.latencyMs);
        if (startedAt !== undefined) {
          traceStep({
            stage: 'faults',
            title: `Waited ${faults.latencyMs} ms: room ${code}'s "added latency" switch is on`,
            outcome: 'info',
            why: 'The instructor added latency to every request of the room, to show what a slow server feels like.',
            facts: { room: code, latencyMs: faults.latencyMs },
            startedAt,
          });
        }
      } catch {
        // The app is closing: answer at once (it will say 503 to new requests anyway).
      }
    }
    // Read the switches again: the instructor may have flipped one while this request waited.
    const now = (await options.faultsOf(code)) ?? FAULTS_OFF;
    const action = faultAction(now);
    if (action?.kind === 'drop') {
      request.log.info({ method: request.method, route: request.routeOptions.url, reason: `room ${code} fault switch drop` }, `dropped the connection on purpose: room ${code} fault switch`);
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (action?.kind === 'status') throw faultProblem(code, action.status, now.retryAfterSeconds);
  }
}
