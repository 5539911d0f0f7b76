// Rate limits (token buckets) for the endpoints a script could hammer: logging in, sending, rooms and
// inboxes. Over a limit → 429 Too Many Requests with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
//
// Every budget is counted against something the client cannot mint: its address (the real one behind a
// trusted proxy, and the learner's own for requests the send endpoint makes; see client-address.ts). A
// lecture hall shares one NAT address, so each address gets a hall's budget (`perAddressPerMinute`), and
// within it each learner — the sandbox they name, under that address — gets a person's (`perMinute`). A
// script that invents a sandbox name per request gets more lanes, never more than its address's budget.
// Log-ins also count failures per account per address (`LOGIN_FAILURES_PER_MINUTE`), so guessing one
// learner's password is slow however the guesses are spread over sandbox names.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { parseCookies } from './cookies';
import { addressKey, realAddress } from './client-address';
import type { Redis } from 'ioredis';
import { MemoryBucketStore, type BucketStore } from '../store/buckets';
import { RedisBucketStore } from '../store/redis/buckets';

/** Longest sandbox name kept as a client key. */
const MAX_KEY_LENGTH = 64;

export interface BucketRule {
  /** Requests one learner (a sandbox under one address) may make per minute (also the burst size). */
  perMinute: number;
  /** Requests one address may make per minute, all its learners together: a lecture hall's worth. */
  perAddressPerMinute?: number;
  /** What the requests are, for the problem text: "log-in attempts". */
  what: string;
}

export class RateLimiter {
  readonly #rules = new Map<string, BucketRule>();
  readonly #now: () => number;

  constructor(
    readonly store: BucketStore = new MemoryBucketStore(),
    now: () => number = () => Date.now(),
  ) {
    this.#now = now;
  }

  define(name: string, rule: BucketRule): void {
    this.#rules.set(name, rule);
  }

  /** The address a request counts against (see client-address.ts). */
  static addressOf(request: FastifyRequest): string {
    return addressKey(realAddress(request));
  }

  /** A learner: the sandbox a request names, under its address (for limits and the send queue's lanes). */
  static clientKey(request: FastifyRequest): string {
    const header = request.headers['x-sandbox'];
    const query = (request.query as Record<string, unknown> | undefined)?.sandbox;
    const sandbox =
      parseCookies(request.headers.cookie).sandbox ||
      (typeof header === 'string' ? header : '') ||
      (typeof query === 'string' ? query : '');
    const address = RateLimiter.addressOf(request);
    // Valid sandbox names are at most 40 characters; a longer one is cut so it cannot bloat the table.
    return sandbox ? `${address}|s:${sandbox.slice(0, MAX_KEY_LENGTH)}` : address;
  }

  #refuse(rule: BucketRule, limit: number, who: string, tokens: number): never {
    const retryAfter = Math.max(1, Math.ceil((1 - tokens) / (limit / 60_000) / 1000));
    throw new HttpProblem(
      'too-many-requests',
      `Too many ${rule.what}: this server allows ${limit} a minute from ${who}. Wait ${retryAfter} s (the Retry-After header says so too), then try again.`,
      { headers: { 'retry-after': String(retryAfter) }, extra: { limit, retryAfter } },
    );
  }

  /**
   * Takes one token for this request's learner and address, or throws 429 with Retry-After. `key` replaces
   * the learner part (e.g. an account name for failed log-ins); the address is always part of it.
   */
  async take(name: string, request: FastifyRequest, key?: string): Promise<void> {
    const rule = this.#rules.get(name);
    if (!rule) throw new Error(`No rate limit bucket named ${name}`);
    const address = RateLimiter.addressOf(request);
    const learner = key === undefined ? RateLimiter.clientKey(request) : `${address}|k:${key}`;
    const shared = rule.perAddressPerMinute !== undefined && learner !== address ? { key: `@${address}`, perMinute: rule.perAddressPerMinute } : undefined;
    const result = await this.store.take(name, { key: learner, perMinute: rule.perMinute }, shared, this.#now());
    if (result.refused === 'own') this.#refuse(rule, rule.perMinute, key === undefined ? 'one learner' : 'one address for one account', result.tokens);
    if (result.refused === 'shared') this.#refuse(rule, shared!.perMinute, 'one network address (a whole classroom behind it included)', result.tokens);
  }

  /** Gives back a token taken with `take` (a log-in that succeeded was no failure). */
  async refund(name: string, request: FastifyRequest, key: string): Promise<void> {
    const rule = this.#rules.get(name);
    if (rule) await this.store.refund(name, { key: `${RateLimiter.addressOf(request)}|k:${key}`, perMinute: rule.perMinute }, this.#now());
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimiter;
  }
  interface FastifyContextConfig {
    /** Name of the rate-limit bucket this route draws from. */
    rateLimit?: string;
  }
}

export interface RateLimitOptions {
  buckets: Record<string, BucketRule>;
  now?: () => Date;
  /** With REDIS_URL: buckets live in Redis, one budget for every server process. */
  redis?: Redis;
}

export default fp<RateLimitOptions>(
  async (app, options) => {
    const limiter = new RateLimiter(options.redis ? new RedisBucketStore(options.redis) : new MemoryBucketStore(), options.now ? () => options.now!().getTime() : undefined);
    for (const [name, rule] of Object.entries(options.buckets)) limiter.define(name, rule);
    app.decorate('rateLimits', limiter);
    // Synchronous for the routes without a bucket (nearly every request): no promise and microtask.
    app.addHook('onRequest', (request, _reply, done) => {
      const bucket = request.routeOptions.config.rateLimit;
      if (!bucket) {
        done();
        return;
      }
      limiter.take(bucket, request).then(() => done(), done);
    });
  },
  { name: 'rate-limits' },
);
