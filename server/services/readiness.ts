// Readiness: may a load balancer send this process learners? Every part a learner's request needs must work:
// Redis answers a PING within READY_PING_TIMEOUT_MS (when REDIS_URL is set) and this process's subscriber
// connection (live classroom events) is up, the lessons are loaded, and changes can be saved to DATA_DIR
// (when set). GET /readyz and GET /app/health answer with it (server/routes/ops.ts).
import type { FastifyInstance } from 'fastify';

/** Longest wait for Redis's PING before /readyz says Redis is not ready: well under a probe's own timeout. */
export const READY_PING_TIMEOUT_MS = 1_000;
/** Retry-After when not ready: a probe every few seconds sees the recovery soon after it happens. */
export const READY_RETRY_AFTER_S = 5;

/** One part of the server as readiness sees it. */
export interface PartReadiness {
  ready: boolean;
  /** Why it is not ready, in words an operator can act on. */
  problem?: string;
  [detail: string]: unknown;
}

/** Resolves as `promise` does, or rejects after `ms`. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessParts {
  /** How many lessons are loaded (0 until they are). */
  lessonCount: () => number;
  persistence: FastifyInstance['persistence'];
  sharedRedis: FastifyInstance['sharedRedis'];
  /** The classroom hub: the Redis one says whether its subscriber connection is up. */
  hub: unknown;
}

/** Checks each part; `ready` when all are. */
export async function checkReadiness({ lessonCount, persistence, sharedRedis, hub: classroomHub }: ReadinessParts): Promise<{ ready: boolean; parts: Record<string, PartReadiness> }> {
  const parts: Record<string, PartReadiness> = {};
  const lessons = lessonCount();
  parts.lessons = lessons > 0 ? { ready: true, count: lessons } : { ready: false, problem: 'The lessons are not loaded yet.' };
  const { ok, ...storage } = persistence.health();
  parts.storage = { ready: ok, ...storage };
  const redis = sharedRedis;
  if (redis) {
    const started = performance.now();
    try {
      await withinMs(redis.client.ping(), READY_PING_TIMEOUT_MS);
      const pingMs = Math.round((performance.now() - started) * 10) / 10;
      // The hub's subscriber connection carries live classroom events to this process's streams; one that
      // is reconnecting (it follows the command connection within a second) is given as long as the PING.
      const hub = classroomHub as { live?: boolean; whenLive?: () => Promise<void> };
      if (hub.live === false && hub.whenLive) await withinMs(hub.whenLive(), READY_PING_TIMEOUT_MS).catch(() => undefined);
      parts.redis =
        hub.live === false
          ? { ready: false, at: redis.where, pingMs, problem: `Redis at ${redis.where} answers, but this process's subscriber connection, which carries live classroom events to its event streams, is down; it reconnects by itself.` }
          : { ready: true, at: redis.where, pingMs };
    } catch (error) {
      parts.redis = { ready: false, at: redis.where, problem: `Redis at ${redis.where} did not answer PING (${(error as Error).message}): requests that need it get 503 until it does.` };
    }
  }
  return { ready: Object.values(parts).every((part) => part.ready), parts };
}
