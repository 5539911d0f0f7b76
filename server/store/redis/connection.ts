// The Redis connection (REDIS_URL) that sandboxes, sessions and tokens, and rate-limit buckets share between
// server processes. ioredis: a maintained client with Lua scripts by SHA (EVALSHA, loading a script again
// after Redis restarts), automatic reconnection, and an option to fail a command at once while disconnected.
//
// Redis lost → every request that needs it is answered 503 with Retry-After and a problem that says so,
// never a crash and never a wait: commands fail at once while the connection is down (no offline queue)
// or after COMMAND_TIMEOUT_MS when Redis stops answering. The client reconnects by itself, and requests
// are served again as soon as Redis is back.
import type { Redis } from 'ioredis';
import { HttpProblem } from '../../http/problem';

/** Longest wait for one Redis command before the request is answered 503. */
const COMMAND_TIMEOUT_MS = 2_000;
/** Seconds a client is told to wait when Redis is unreachable. */
const RETRY_AFTER_S = 5;

export interface RedisLog {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface SharedRedis {
  readonly client: Redis;
  /** The URL without its password, for logs and messages. */
  readonly where: string;
  close(): Promise<void>;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/** Connects to Redis; resolves once connected, or after `waitMs` (requests then get 503 until it is up). */
export async function connectRedis(url: string, log: RedisLog, waitMs = 3_000): Promise<SharedRedis> {
  const where = redactUrl(url);
  // ioredis is loaded here, only with REDIS_URL: a process without it never holds the client's code.
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
    // Try again soon, then every second: a restarted Redis is found within a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log.warn({ redis: where, err: error.message }, 'Redis unreachable: requests that need it are answered 503 until it is back');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ redis: where }, 'Redis reachable again');
    down = false;
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    client,
    where,
    close: async () => {
      client.disconnect();
    },
  };
}

/**
 * Runs a Redis call; a lost or silent Redis becomes a 503 problem with Retry-After. A ReplyError is Redis
 * refusing a command this code sent (a bug, or Redis out of memory) and stays a 500.
 */
export async function viaRedis<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    // Loaded already (a client made this error); imported here so that a process without Redis never loads it.
    const { ReplyError } = await import('ioredis');
    if (error instanceof ReplyError && !/^(LOADING|BUSY|MASTERDOWN|OOM)/.test((error as Error).message)) throw error;
    throw new HttpProblem(
      'service-unavailable',
      `The shared store (Redis) that keeps sandboxes, log-ins, rate limits and classroom events is not answering (${(error as Error).message}). Nothing was changed by this request. Try again in ${RETRY_AFTER_S} s; the server reconnects by itself.`,
      { headers: { 'retry-after': String(RETRY_AFTER_S) }, extra: { store: 'redis' } },
    );
  }
}

/** A Lua script, run by its SHA (ioredis loads it again when Redis has forgotten it). */
/** Lua that keeps a sorted-set index of keys (score: when each was written) bounded: entries older than `ttl` ms
 *  before `now` leave it, then the oldest past `max` leave it with their keys deleted; the index lives as long
 *  as its newest entry. The arguments are Lua expressions (e.g. `KEYS[2]`, `ARGV[3]`). */
export function trimIndexLua(index: string, now: string, ttl: string, max: string): string {
  return `do
  redis.call('ZREMRANGEBYSCORE', ${index}, '-inf', tonumber(${now}) - tonumber(${ttl}))
  local excess = redis.call('ZCARD', ${index}) - tonumber(${max})
  if excess > 0 then
    for _, old in ipairs(redis.call('ZRANGE', ${index}, 0, excess - 1)) do redis.call('DEL', old) end
    redis.call('ZREMRANGEBYRANK', ${index}, 0, excess - 1)
  end
  redis.call('PEXPIRE', ${index}, ${ttl})
end`;
}

export class Script {
  constructor(
    private readonly client: Redis,
    private readonly name: string,
    keys: number,
    lua: string,
  ) {
    client.defineCommand(name, { numberOfKeys: keys, lua });
  }

  run(keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
    const command = (this.client as unknown as Record<string, (...values: (string | number | Buffer)[]) => Promise<unknown>>)[this.name]!;
    return viaRedis(command.call(this.client, ...keys, ...args));
  }

  /** The same, with every string in the reply as a Buffer (for bytes kept as they are, e.g. event JSON). */
  runBuffer(keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
    const command = (this.client as unknown as Record<string, (...values: (string | number | Buffer)[]) => Promise<unknown>>)[`${this.name}Buffer`]!;
    return viaRedis(command.call(this.client, ...keys, ...args));
  }
}
