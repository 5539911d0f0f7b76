// Finished traces, kept briefly so that the send endpoint (or a curl user following X-Sandbox-Trace) can
// read them. Bounded in number and age: a trace is for looking at right after the request.
import type { RequestTrace } from '../protocol/trace-types';

/** Traces kept at most, and for how long. */
export const TRACES_KEPT = 1_000;
export const TRACE_TTL_MS = 10 * 60_000;

export class TraceStore {
  readonly #traces = new Map<string, { trace: RequestTrace; at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  keep(trace: RequestTrace): void {
    this.#traces.set(trace.id, { trace, at: this.#now() });
    while (this.#traces.size > TRACES_KEPT) this.#traces.delete(this.#traces.keys().next().value as string);
  }

  get(id: string): RequestTrace | undefined {
    const kept = this.#traces.get(id);
    if (!kept) return undefined;
    if (this.#now() - kept.at > TRACE_TTL_MS) {
      this.#traces.delete(id);
      return undefined;
    }
    return kept.trace;
  }
}
