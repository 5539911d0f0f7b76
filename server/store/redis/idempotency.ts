// Idempotency-Key answers in Redis (REDIS_URL): a retry reaching any server process gets the first answer.
// P idem:<id> is a hash: f = the request's fingerprint, r = the answer (JSON; absent while the first request
// runs). A claim is one script, so of two processes receiving the same key at once exactly one performs the
// POST and the other is told it is in progress. A claim expires after claimMs (a process killed mid-request
// does not hold the key for ever), an answer after ttlMs; P idem:index (sorted by time) bounds the count.
import type { Redis } from 'ioredis';
import { IDEMPOTENCY_LIMITS, type IdempotencyClaim, type IdempotencyStore } from '../idempotency';
import { Script, trimIndexLua } from './connection';

// KEYS: entry. ARGV: fingerprint, claim ms.
const CLAIM = `
local saved = redis.call('HMGET', KEYS[1], 'f', 'r')
if not saved[1] then
  redis.call('HSET', KEYS[1], 'f', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'new'}
end
if saved[1] ~= ARGV[1] then return {'other-body'} end
if not saved[2] then return {'in-progress'} end
return {'replay', saved[2]}
`;

// KEYS: entry, index. ARGV: fingerprint, answer JSON, ttl ms, now, most keys.
const FINISH = `
local f = redis.call('HGET', KEYS[1], 'f')
if f and f ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], KEYS[1])
${trimIndexLua('KEYS[2]', 'ARGV[4]', 'ARGV[3]', 'ARGV[5]')}
return 1
`;

// KEYS: entry. ARGV: fingerprint.
const RELEASE = `
local saved = redis.call('HMGET', KEYS[1], 'f', 'r')
if saved[1] == ARGV[1] and not saved[2] then redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisIdempotencyStore<T> implements IdempotencyStore<T> {
  readonly #claim: Script;
  readonly #finish: Script;
  readonly #release: Script;

  constructor(
    client: Redis,
    private readonly prefix = 'hs:',
    private readonly maxKeys: number = IDEMPOTENCY_LIMITS.keys,
  ) {
    this.#claim = new Script(client, 'hsIdemClaim', 1, CLAIM);
    this.#finish = new Script(client, 'hsIdemFinish', 2, FINISH);
    this.#release = new Script(client, 'hsIdemRelease', 1, RELEASE);
  }

  #key(id: string): string {
    return `${this.prefix}idem:${id}`;
  }

  async claim(id: string, fingerprint: string): Promise<IdempotencyClaim<T>> {
    const [kind, result] = (await this.#claim.run([this.#key(id)], [fingerprint, IDEMPOTENCY_LIMITS.claimMs])) as [string, string?];
    if (kind === 'replay') return { kind, result: JSON.parse(result!) as T };
    return { kind } as IdempotencyClaim<T>;
  }

  async finish(id: string, fingerprint: string, result: T, now: number): Promise<void> {
    await this.#finish.run([this.#key(id), `${this.prefix}idem-index`], [fingerprint, JSON.stringify(result), IDEMPOTENCY_LIMITS.ttlMs, now, this.maxKeys]);
  }

  async release(id: string, fingerprint: string): Promise<void> {
    await this.#release.run([this.#key(id)], [fingerprint]);
  }
}
