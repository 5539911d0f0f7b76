// Where rate-limit token buckets live: in memory by default, in Redis with REDIS_URL (redis-buckets.ts), so
// several processes count one budget. A take refills and takes from a learner's bucket and, when it has one,
// from its address's shared bucket in one step: a refusal by either takes nothing from the other.

export interface BucketLimit {
  key: string;
  /** Tokens added per minute, and the most a bucket holds (the burst). */
  perMinute: number;
}

/** What a take found: `refused` names the bucket that had no token left, with what it held. */
export interface TakeResult {
  refused?: 'own' | 'shared';
  /** Tokens the refusing bucket held (under 1), for Retry-After. */
  tokens: number;
}

export interface BucketStore {
  take(bucket: string, own: BucketLimit, shared: BucketLimit | undefined, now: number): Promise<TakeResult>;
  /** Gives one token back to a bucket (never above its size). */
  refund(bucket: string, own: BucketLimit, now: number): Promise<void>;
}

/** Ceiling on tracked clients per bucket in memory; the least recently seen are forgotten beyond it. */
const MAX_TRACKED = 50_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class MemoryBucketStore implements BucketStore {
  readonly #buckets = new Map<string, Map<string, Bucket>>();

  #refill(name: string, limit: BucketLimit, now: number): Bucket {
    let buckets = this.#buckets.get(name);
    if (!buckets) {
      buckets = new Map();
      this.#buckets.set(name, buckets);
    }
    const bucket = buckets.get(limit.key) ?? { tokens: limit.perMinute, updatedAt: now };
    bucket.tokens = Math.min(limit.perMinute, bucket.tokens + (now - bucket.updatedAt) * (limit.perMinute / 60_000));
    bucket.updatedAt = now;
    buckets.delete(limit.key);
    buckets.set(limit.key, bucket);
    if (buckets.size > MAX_TRACKED) buckets.delete(buckets.keys().next().value as string);
    return bucket;
  }

  async take(name: string, own: BucketLimit, shared: BucketLimit | undefined, now: number): Promise<TakeResult> {
    const mine = this.#refill(name, own, now);
    if (mine.tokens < 1) return { refused: 'own', tokens: mine.tokens };
    if (shared) {
      const theirs = this.#refill(name, shared, now);
      if (theirs.tokens < 1) return { refused: 'shared', tokens: theirs.tokens };
      theirs.tokens -= 1;
    }
    mine.tokens -= 1;
    return { tokens: mine.tokens };
  }

  async refund(name: string, own: BucketLimit, now: number): Promise<void> {
    const bucket = this.#refill(name, own, now);
    bucket.tokens = Math.min(own.perMinute, bucket.tokens + 1);
  }
}
