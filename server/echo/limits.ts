// Every ceiling the echo endpoints put on what a learner can ask for, in one place. Each error that a
// limit causes names the limit, so a learner knows what to ask for instead.

/** Largest request body the echo reads (the cap is stated in the 413 problem). */
export const ECHO_BODY_LIMIT = 100 * 1024;

/** Seconds /status/429 and /status/503 ask the client to wait (Retry-After), short enough to try in class. */
export const STATUS_RETRY_AFTER_SECONDS = 5;

export const ECHO_LIMITS = {
  /** /redirect/:n and friends: hops in one chain (browsers give up after about 20 as well). */
  redirects: 20,
  /** /bytes, /stream-bytes, /range, /drip: bytes in one answer. */
  bytes: 100 * 1024,
  /** /stream, /jsonl, /sse: lines or events in one answer. */
  lines: 100,
  /** /delay and /drip: seconds one answer may take (below the send endpoint's longest timeout). */
  delaySeconds: 10,
  /** /sse: longest pause between two events, in ms. */
  sseIntervalMs: 5_000,
  /** /links/:n: links on one page. */
  links: 200,
  /** /cache/:n: the max-age a learner may ask for (one year). */
  cacheMaxAgeSeconds: 31_536_000,
} as const;

export const COURSE_LIMITS = {
  /** /limited: requests allowed per client in one window… */
  rateLimitRequests: 3,
  /** …of this many seconds (short, so a learner can wait it out in class). */
  rateLimitWindowSeconds: 5,
  /** Clients /limited remembers before forgetting the oldest windows. */
  rateLimitClients: 10_000,
  /** /proxy: how long the gateway waits for the server behind it before answering 504. */
  gatewayTimeoutMs: 2_000,
  /** /proxy: answers kept in the shared cache (each learner's sandbox has its own part of it). */
  cacheEntries: 500,
  /** /proxy: largest answer the cache stores, in bytes. */
  cacheBodyBytes: 100 * 1024,
} as const;
