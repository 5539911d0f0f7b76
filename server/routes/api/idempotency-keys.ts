// Idempotency-Key for POST /api/books (draft-ietf-httpapi-idempotency-key-header): a client that sends
// the same key again — a retry after a timeout — gets the answer to the first request instead of a second
// book. The same key with another body is 422; keys are remembered per sandbox and user, for a day.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../../http/problem';

/** Keys remembered at most (the oldest are forgotten first), and for how long. */
export const IDEMPOTENCY_LIMITS = { keys: 10_000, ttlMs: 24 * 60 * 60 * 1000, keyLength: 255 } as const;

interface Remembered<T> {
  fingerprint: string;
  result: T;
  at: number;
}

export class IdempotencyKeys<T> {
  readonly #seen = new Map<string, Remembered<T>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The key a request carries (quotes of a structured-field string removed), or undefined; 400 when it is unusable. */
  static keyOf(request: FastifyRequest): string | undefined {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return undefined;
    const key = String(header).trim().replace(/^"(.*)"$/, '$1');
    if (key.length === 0 || key.length > IDEMPOTENCY_LIMITS.keyLength) {
      throw new HttpProblem('malformed-request', `Idempotency-Key must be 1 to ${IDEMPOTENCY_LIMITS.keyLength} characters, such as "8e03978e-40d5-43e8-bc93-6894a57f9324" (a fresh UUID for each new request, the same one for its retries).`);
    }
    return key;
  }

  /** The result remembered for this key, or undefined for a new key; 422 when the key came with another body. */
  replay(scope: string, key: string, fingerprint: string): T | undefined {
    const seen = this.#seen.get(`${scope}\n${key}`);
    if (!seen || this.#now() - seen.at > IDEMPOTENCY_LIMITS.ttlMs) return undefined;
    if (seen.fingerprint !== fingerprint) {
      throw new HttpProblem('validation-failed', `The Idempotency-Key "${key.slice(0, 60)}" was already used for a different request body. A retry must send exactly the same request; a new request needs a new key.`, { extra: { rule: 'idempotency-key-reused' } });
    }
    return seen.result;
  }

  remember(scope: string, key: string, fingerprint: string, result: T): void {
    const id = `${scope}\n${key}`;
    this.#seen.delete(id);
    this.#seen.set(id, { fingerprint, result, at: this.#now() });
    if (this.#seen.size > IDEMPOTENCY_LIMITS.keys) this.#seen.delete(this.#seen.keys().next().value as string);
  }
}
