// Records the server X-ray of one toy-API request. The tracer of the request being handled lives in an
// AsyncLocalStorage, entered with run() around the rest of the request (never enterWith, which would leak
// into the next request on the same connection), so code deep in the server — the store, the negotiation,
// the owner rule — adds a step with one call and needs no request passed to it. Requests that did not ask
// for a trace have no tracer, and every call is then a single lookup that finds nothing.
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { TRACE_STAGES, type RequestTrace, type TraceStage, type TraceStep, type TraceValue } from '../protocol/trace-types';

/** Steps one trace keeps; a request that makes more (a large batch) says it was cut. */
export const TRACE_MAX_STEPS = 80;
/** Longest text in a trace (a title, a reason, a value); longer ones are cut with an ellipsis. */
export const TRACE_TEXT_MAX = 300;
/** Changed fields listed for one store write. */
export const TRACE_CHANGES_MAX = 20;

/** Fields a trace never shows, whatever the collection (a password hash, a session id, a token). */
const NEVER_SHOWN = /password|secret|token|hash|sid|key/i;

export function clip(text: string): string {
  return text.length > TRACE_TEXT_MAX ? `${text.slice(0, TRACE_TEXT_MAX - 1)}…` : text;
}

function value(v: unknown): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return clip(typeof v === 'string' ? v : JSON.stringify(v));
}

export type StepInput = Omit<TraceStep, 'atMs' | 'durationMs' | 'facts' | 'changes'> & {
  facts?: Record<string, unknown>;
  changes?: { field: string; before: unknown; after: unknown }[];
  /** When the step began (performance.now()); the step ends now. Default: it took no time. */
  startedAt?: number;
};

export class Tracer {
  readonly id: string;
  readonly startedAt = performance.now();
  readonly steps: TraceStep[] = [];
  truncated = false;

  constructor(id: string) {
    this.id = id;
  }

  add(input: StepInput): void {
    if (this.steps.length >= TRACE_MAX_STEPS) {
      this.truncated = true;
      return;
    }
    const now = performance.now();
    const began = input.startedAt ?? now;
    const { startedAt: _s, facts, changes, ...rest } = input;
    const step: TraceStep = {
      ...rest,
      title: clip(rest.title),
      ...(rest.why === undefined ? {} : { why: clip(rest.why) }),
      atMs: round(began - this.startedAt),
      durationMs: round(now - began),
    };
    if (facts) step.facts = Object.fromEntries(Object.entries(facts).filter(([name]) => !NEVER_SHOWN.test(name)).map(([name, v]) => [name, value(v)]));
    if (changes) {
      step.changes = changes
        .filter((change) => !NEVER_SHOWN.test(change.field))
        .slice(0, TRACE_CHANGES_MAX)
        .map((change) => ({ field: change.field, before: value(change.before), after: value(change.after) }));
    }
    this.steps.push(step);
  }

  /** The finished trace. */
  finish(request: { method: string; url: string; route: string | null; status: number }): RequestTrace {
    return { id: this.id, ...request, totalMs: round(performance.now() - this.startedAt), steps: this.steps, truncated: this.truncated };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

const context = new AsyncLocalStorage<Tracer>();

/** Traced requests in flight. While there are none, the storage is disabled: an enabled
 *  AsyncLocalStorage makes Node track every promise of every request (measured: untraced requests
 *  ~15% slower after a single traced one), and requests that did not ask for a trace must not pay. */
let tracing = 0;

/** Traced requests whose response has not gone yet (0 once they all have: the storage is then off). */
export function tracedInFlight(): number {
  return tracing;
}

/** Runs `next` (the rest of the request) with this tracer as the current one; `finished` is called
 *  with a function to call once the response has gone. */
export function runTraced(tracer: Tracer, next: () => void): () => void {
  tracing += 1;
  let ended = false;
  context.run(tracer, next);
  return () => {
    if (ended) return;
    ended = true;
    tracing -= 1;
    if (tracing === 0) context.disable();
  };
}

/** The tracer of the request being handled, when it asked for a trace. */
export function currentTracer(): Tracer | undefined {
  return context.getStore();
}

/** Adds a step to the current request's trace, if it has one. */
export function traceStep(input: StepInput): void {
  context.getStore()?.add(input);
}

/** performance.now() when a trace is being recorded (to time a step), else undefined at no cost. */
export function traceClock(): number | undefined {
  return context.getStore() === undefined ? undefined : performance.now();
}

/** The stages in the order a request meets them (for Server-Timing). */
export const STAGE_ORDER: readonly TraceStage[] = TRACE_STAGES;
