// Where Idempotency-Key answers live: in memory by default, in Redis with REDIS_URL (redis/idempotency.ts),
// so a retry that reaches another server process gets the first answer too. A new key is claimed before the
// request is performed: a second request with the same key while the first runs — on this process or on
// another — is told it is in progress instead of performing the POST again.

/** What a claim found for a key. `new`: the caller performs the request, then calls finish (or release). */
export type IdempotencyClaim<T> =
  | { kind: 'new' }
  | { kind: 'replay'; result: T }
  | { kind: 'in-progress' }
  | { kind: 'other-body' };

export interface IdempotencyStore<T> {
  claim(id: string, fingerprint: string, now: number): Promise<IdempotencyClaim<T>>;
  /** Remembers the answer to a claimed key, for `ttlMs`. */
  finish(id: string, fingerprint: string, result: T, now: number): Promise<void>;
  /** Forgets a claim whose request failed, so a retry performs it. */
  release(id: string, fingerprint: string): Promise<void>;
}

/** Keys remembered at most (the oldest are forgotten first), for how long, and how long a claim may run. */
export const IDEMPOTENCY_LIMITS = { keys: 10_000, ttlMs: 24 * 60 * 60 * 1000, claimMs: 30_000, keyLength: 255 } as const;

interface Remembered<T> {
  fingerprint: string;
  /** Absent while the first request runs. */
  result?: T;
  /** When the entry is forgotten. */
  until: number;
}

export class MemoryIdempotencyStore<T> implements IdempotencyStore<T> {
  readonly #seen = new Map<string, Remembered<T>>();

  constructor(private readonly maxKeys: number = IDEMPOTENCY_LIMITS.keys) {}

  async claim(id: string, fingerprint: string, now: number): Promise<IdempotencyClaim<T>> {
    const seen = this.#seen.get(id);
    if (!seen || seen.until <= now) {
      this.#set(id, { fingerprint, until: now + IDEMPOTENCY_LIMITS.claimMs });
      return { kind: 'new' };
    }
    if (seen.fingerprint !== fingerprint) return { kind: 'other-body' };
    return seen.result === undefined ? { kind: 'in-progress' } : { kind: 'replay', result: seen.result };
  }

  async finish(id: string, fingerprint: string, result: T, now: number): Promise<void> {
    const seen = this.#seen.get(id);
    if (seen && seen.fingerprint !== fingerprint) return;
    this.#set(id, { fingerprint, result, until: now + IDEMPOTENCY_LIMITS.ttlMs });
  }

  async release(id: string, fingerprint: string): Promise<void> {
    const seen = this.#seen.get(id);
    if (seen && seen.fingerprint === fingerprint && seen.result === undefined) this.#seen.delete(id);
  }

  #set(id: string, entry: Remembered<T>): void {
    this.#seen.delete(id);
    this.#seen.set(id, entry);
    if (this.#seen.size > this.maxKeys) this.#seen.delete(this.#seen.keys().next().value as string);
  }
}
