// Idempotency-Key for POST /api/books (draft-ietf-httpapi-idempotency-key-header): a client that sends
// the same key again — a retry after a timeout — gets the answer to the first request instead of a second
// book. The same key with another body is 422 (§2.7); the same key while the first request still runs is
// 409 (§2.6). Keys are remembered per sandbox and user, for a day, in the store every process shares
// (memory, or Redis with REDIS_URL: server/store/idempotency.ts).
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../../http/problem';
import { IDEMPOTENCY_LIMITS, type IdempotencyStore } from '../../store/idempotency';

export class IdempotencyKeys<T> {
  constructor(
    private readonly store: IdempotencyStore<T>,
    private readonly now: () => number = Date.now,
  ) {}

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

  /**
   * Performs `perform` once per key: a retry gets the first result again; 422 when the key came with another
   * body, 409 while the first request with this key is still being performed (here or on another process).
   */
  async once(scope: string, key: string, fingerprint: string, perform: () => Promise<T>): Promise<T> {
    const id = `${scope}\n${key}`;
    const claim = await this.store.claim(id, fingerprint, this.now());
    if (claim.kind === 'replay') return claim.result;
    if (claim.kind === 'other-body') {
      throw new HttpProblem('validation-failed', `The Idempotency-Key "${key.slice(0, 60)}" was already used for a different request body. A retry must send exactly the same request; a new request needs a new key.`, { extra: { rule: 'idempotency-key-reused' } });
    }
    if (claim.kind === 'in-progress') {
      throw new HttpProblem('conflict', `A request with the Idempotency-Key "${key.slice(0, 60)}" is still being performed. Wait for its answer, or retry this one in a second: it will then get that same answer.`, { headers: { 'retry-after': '1' }, extra: { rule: 'idempotency-key-in-progress' } });
    }
    let result: T;
    try {
      result = await perform();
    } catch (error) {
      await this.store.release(id, fingerprint).catch(() => undefined);
      throw error;
    }
    // The book exists now: a store that fails to remember it must not turn the 201 into an error (the claim
    // then expires after IDEMPOTENCY_LIMITS.claimMs).
    await this.store.finish(id, fingerprint, result, this.now()).catch(() => undefined);
    return result;
  }
}
