// Rate-limit token buckets in Redis (REDIS_URL): every server process draws from the same budget. One Lua
// script refills and takes from the learner's bucket and the address's shared one together (one round trip;
// a refusal by either takes nothing), with the same arithmetic as MemoryBucketStore. A bucket left alone
// refills to full, which is what a missing key means, so each key expires once it would be full again.
import type { Redis } from 'ioredis';
import type { BucketLimit, BucketStore, TakeResult } from '../buckets';
import { Script } from './connection';

// KEYS: own, shared (may be unused). ARGV: now, own per minute, shared per minute or '', mode ('take' or 'refund').
const TAKE = `
local now = tonumber(ARGV[1])
local function refill(key, per)
  local saved = redis.call('HMGET', key, 't', 'u')
  local tokens, at = tonumber(saved[1]) or per, tonumber(saved[2]) or now
  return math.min(per, tokens + math.max(0, now - at) * per / 60000)
end
local function save(key, tokens, per)
  redis.call('HSET', key, 't', string.format('%.17g', tokens), 'u', ARGV[1])
  redis.call('PEXPIRE', key, math.ceil((per - tokens) * 60000 / per) + 1000)
end
local ownPer = tonumber(ARGV[2])
local own = refill(KEYS[1], ownPer)
if ARGV[4] == 'refund' then
  save(KEYS[1], math.min(ownPer, own + 1), ownPer)
  return {'', ''}
end
if own < 1 then
  save(KEYS[1], own, ownPer)
  return {'own', string.format('%.17g', own)}
end
if ARGV[3] ~= '' then
  local sharedPer = tonumber(ARGV[3])
  local shared = refill(KEYS[2], sharedPer)
  if shared < 1 then
    save(KEYS[1], own, ownPer)
    save(KEYS[2], shared, sharedPer)
    return {'shared', string.format('%.17g', shared)}
  end
  save(KEYS[2], shared - 1, sharedPer)
end
save(KEYS[1], own - 1, ownPer)
return {'', string.format('%.17g', own - 1)}
`;

export class RedisBucketStore implements BucketStore {
  readonly #take: Script;

  constructor(
    client: Redis,
    private readonly prefix = 'hs:',
  ) {
    this.#take = new Script(client, 'hsBucketTake', 2, TAKE);
  }

  #key(bucket: string, key: string): string {
    return `${this.prefix}rl:${bucket}:${key}`;
  }

  async take(bucket: string, own: BucketLimit, shared: BucketLimit | undefined, now: number): Promise<TakeResult> {
    const [refused, tokens] = (await this.#take.run(
      [this.#key(bucket, own.key), this.#key(bucket, shared?.key ?? own.key)],
      [now, own.perMinute, shared?.perMinute ?? '', 'take'],
    )) as [string, string];
    return refused === '' ? { tokens: Number(tokens) } : { refused: refused as 'own' | 'shared', tokens: Number(tokens) };
  }

  async refund(bucket: string, own: BucketLimit, now: number): Promise<void> {
    await this.#take.run([this.#key(bucket, own.key), this.#key(bucket, own.key)], [now, own.perMinute, '', 'refund']);
  }
}
