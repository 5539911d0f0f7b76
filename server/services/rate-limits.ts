// Per-client rate limits (token buckets) for the endpoints a script could hammer: logging in, sending,
// inboxes. Over the limit → 429 Too Many Requests with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
// A client is the sandbox it works in — the cookie the page issues, else the X-Sandbox header or the
// ?sandbox= parameter a curl user names — and only without one its address: a lecture hall behind one NAT
// address shares an IP, and requests the send endpoint makes for learners all come from this server's own
// loopback address (they carry the learner's sandbox cookie or X-Sandbox). A client chooses its own sandbox
// name, so these limits slow a careless script, not a determined one; the per-address connection ceiling
// and the send queue's bounds (server/send/send-queue.ts) are what bound a flood.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { parseCookies } from './cookies';

/** Ceiling on tracked clients per bucket; the least recently seen are forgotten beyond it. */
const MAX_TRACKED = 50_000;
/** Longest sandbox name kept as a client key. */
const MAX_KEY_LENGTH = 64;

export interface BucketRule {
  /** Requests allowed per minute (also the burst size). */
  perMinute: number;
  /** What the requests are, for the problem text: "log-in attempts". */
  what: string;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  readonly #rules = new Map<string, BucketRule>();
  readonly #buckets = new Map<string, Map<string, Bucket>>();
  readonly #now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  define(name: string, rule: BucketRule): void {
    this.#rules.set(name, rule);
    this.#buckets.set(name, new Map());
  }

  /** The client identity used for limits (and the send queue's lanes). */
  static clientKey(request: FastifyRequest): string {
    const header = request.headers['x-sandbox'];
    const query = (request.query as Record<string, unknown> | undefined)?.sandbox;
    const sandbox =
      parseCookies(request.headers.cookie).sandbox ||
      (typeof header === 'string' ? header : '') ||
      (typeof query === 'string' ? query : '');
    // Valid sandbox names are at most 40 characters; a longer one is cut so it cannot bloat the table.
    return sandbox ? `s:${sandbox.slice(0, MAX_KEY_LENGTH)}` : `a:${request.ip}`;
  }

  /** Takes one token for this client, or throws 429 with Retry-After. */
  take(name: string, request: FastifyRequest): void {
    const rule = this.#rules.get(name);
    const buckets = this.#buckets.get(name);
    if (!rule || !buckets) throw new Error(`No rate limit bucket named ${name}`);
    const key = RateLimiter.clientKey(request);
    const now = this.#now();
    const refillPerMs = rule.perMinute / 60_000;
    const bucket = buckets.get(key) ?? { tokens: rule.perMinute, updatedAt: now };
    bucket.tokens = Math.min(rule.perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    buckets.delete(key);
    buckets.set(key, bucket);
    if (buckets.size > MAX_TRACKED) buckets.delete(buckets.keys().next().value as string);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
      throw new HttpProblem(
        'too-many-requests',
        `Too many ${rule.what}: this server allows ${rule.perMinute} a minute from one client. Wait ${retryAfter} s (the Retry-After header says so too), then try again.`,
        { headers: { 'retry-after': String(retryAfter) }, extra: { limit: rule.perMinute, retryAfter } },
      );
    }
    bucket.tokens -= 1;
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
}

export default fp<RateLimitOptions>(
  async (app, options) => {
    const limiter = new RateLimiter(options.now ? () => options.now!().getTime() : undefined);
    for (const [name, rule] of Object.entries(options.buckets)) limiter.define(name, rule);
    app.decorate('rateLimits', limiter);
    app.addHook('onRequest', async (request) => {
      const bucket = request.routeOptions.config.rateLimit;
      if (bucket) limiter.take(bucket, request);
    });
  },
  { name: 'rate-limits' },
);
