// The classroom hub in Redis (REDIS_URL): every server process publishes to and hears from the same
// channels, and a client that reconnects to ANOTHER process with Last-Event-ID gets exactly what it missed.
//
// - Replay: a Redis stream per channel whose entry ids are the event ids themselves (`<id>-0`), so the
//   decimal ids the SSE layer and Last-Event-ID use need no mapping. A hash beside it holds the channel's
//   counter.
// - Publish is one Lua script, one round trip: counter + XADD + trim + PUBLISH run atomically, so the ids,
//   the stream's order and the order every process hears the live events in are the same everywhere.
// - Live: one subscriber connection per process, channel-multiplexed: a Redis channel is subscribed while
//   this process has listeners on it. Every process, the publisher too, hands events to its listeners
//   from that connection, in the order Redis published them; `publish` resolves once this process's
//   listeners have the event, as with the in-memory hub. After the subscriber connection comes back, the
//   events it missed meanwhile are read from the stream before anything newer is handed on.
// - Bounds: the stream keeps at most the in-memory hub's events and bytes per channel, trimmed exactly (not
//   `MAXLEN ~`, which leaves up to a whole stream node more: the contract suite checks the same gaps for
//   both hubs); all channels together keep at most its total budget, the oldest event anywhere going first
//   (a sorted set of each channel's oldest event, so no list of stale entries piles up); a channel's keys
//   expire after `idleMs` without a publish or a reader.
// - Redis lost: publish, replay and lastId answer the 503 problem the rest of the Redis store uses.
import type { Redis } from 'ioredis';
import { REPLAY_BYTES, REPLAY_BYTES_TOTAL, REPLAY_EVENTS } from '../../classroom/limits';
import type { Audience, Hub, HubEvent, HubListener, PublishInput, Replay } from '../../classroom/hub';
import { Script, viaRedis, type RedisLog } from './connection';

/** Longest wait for the subscriber connection, and for this process's copy of an event it published. */
const WAIT_MS = 2_000;
/** A channel nobody publishes to or reads for this long is removed from Redis (default). */
const IDLE_MS = 48 * 3_600_000;

// Shared by the scripts: forgets what the hub counts for a channel whose stream is gone (dropped,
// expired, or from an earlier life of the channel).
const UNACCOUNT = `
local function unaccount(oldest, bytesOf, total, channel)
  local held = tonumber(redis.call('HGET', bytesOf, channel) or '0')
  if held > 0 then redis.call('DECRBY', total, held) end
  redis.call('HDEL', bytesOf, channel)
  redis.call('ZREM', oldest, channel)
end
`;

// KEYS: meta, stream, oldest (zset: channel → order number of its oldest kept event), bytes (hash:
// channel → bytes its stream holds), total (bytes of all streams), order (counter over all channels).
// ARGV: Redis channel, id before the first, type, audience, at, json, max events, max bytes, idle ms,
// channel, max total bytes, key prefix. A new counter means a new channel: a stream left from an earlier
// one goes. Past the total budget the oldest event anywhere goes first, as in MemoryHub: that reads and
// trims other channels' streams (keys named from the prefix), so the hub needs one Redis, not a Cluster.
const PUBLISH = `${UNACCOUNT}
local meta, stream, oldest, bytesOf, total = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local channel, prefix = ARGV[10], ARGV[12]
local function fmt(x) return string.format('%.0f', x) end
if redis.call('HSETNX', meta, 'n', ARGV[2]) == 1 then
  redis.call('DEL', stream)
  unaccount(oldest, bytesOf, total, channel)
end
local n = redis.call('HINCRBY', meta, 'n', 1)
local len = redis.call('XLEN', stream)
if len == 0 then unaccount(oldest, bytesOf, total, channel) end
local bytes = tonumber(redis.call('HGET', bytesOf, channel) or '0')
local id = fmt(n)
local json = ARGV[6]
local order = redis.call('INCR', KEYS[6])
redis.call('XADD', stream, id, 't', ARGV[3], 'a', ARGV[4], 'at', ARGV[5], 'j', json, 'g', order)
len = len + 1
local size = string.len(json)
bytes = bytes + size
local maxEvents, maxBytes = tonumber(ARGV[7]), tonumber(ARGV[8])
local first = n - len + 1
local cut = first
local removed = 0
while (n - cut + 1) > maxEvents or (bytes > maxBytes and n - cut + 1 > 1) do
  local at = fmt(cut)
  local entry = redis.call('XRANGE', stream, at, at)
  if entry[1] then
    local gone = string.len(entry[1][2][8])
    bytes = bytes - gone
    removed = removed + gone
  end
  cut = cut + 1
end
if cut > first then redis.call('XTRIM', stream, 'MINID', fmt(cut)) end
redis.call('HSET', bytesOf, channel, fmt(bytes))
redis.call('INCRBY', total, size - removed)
redis.call('ZADD', oldest, redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1][2][10], channel)
-- A channel whose keys expired is found when its events are the oldest: its bytes no longer count.
local head = redis.call('ZRANGE', oldest, 0, 0)[1]
if head and head ~= channel and redis.call('EXISTS', prefix .. head .. ':s') == 0 then unaccount(oldest, bytesOf, total, head) end
local maxTotal = tonumber(ARGV[11])
while tonumber(redis.call('GET', total) or '0') > maxTotal do
  head = redis.call('ZRANGE', oldest, 0, 0)[1]
  if not head then break end
  local other = prefix .. head .. ':s'
  local entries = redis.call('XRANGE', other, '-', '+', 'COUNT', 2)
  if not entries[1] then
    unaccount(oldest, bytesOf, total, head)
  else
    -- The event just published stays, however large: the newest must be replayable.
    if head == channel and entries[1][1] == id .. '-0' then break end
    local gone = string.len(entries[1][2][8])
    redis.call('XDEL', other, entries[1][1])
    redis.call('DECRBY', total, gone)
    if entries[2] then
      redis.call('HINCRBY', bytesOf, head, -gone)
      redis.call('ZADD', oldest, entries[2][2][10], head)
    else
      redis.call('HDEL', bytesOf, head)
      redis.call('ZREM', oldest, head)
    end
  end
end
redis.call('PEXPIRE', meta, ARGV[9])
redis.call('PEXPIRE', stream, ARGV[9])
redis.call('PUBLISH', ARGV[1], id .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5] .. '\\n' .. json)
return id
`;

// KEYS: meta, stream. ARGV: last id, idle ms. The stream holds the ids n-len+1..n without holes.
const REPLAY = `
local saved = redis.call('HGET', KEYS[1], 'n')
if not saved then return {'gap'} end
local n, last = tonumber(saved), tonumber(ARGV[1])
if last > n then return {'gap'} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if last == n then return {'events', {}} end
if last < n - redis.call('XLEN', KEYS[2]) then return {'gap'} end
return {'events', redis.call('XRANGE', KEYS[2], string.format('%.0f', last + 1), '+')}
`;

// KEYS: meta, stream. ARGV: id before the first, idle ms. Starts the counter of a channel nobody has
// published to, so every process hands out the same "before the first event" id.
const LAST_ID = `
if redis.call('HSETNX', KEYS[1], 'n', ARGV[1]) == 1 then redis.call('DEL', KEYS[2]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return redis.call('HGET', KEYS[1], 'n')
`;

// KEYS: meta, stream, oldest, bytes, total (as PUBLISH). ARGV: Redis channel, channel. Every process
// hears `drop` after the channel's last event.
const DROP = `${UNACCOUNT}
redis.call('DEL', KEYS[1], KEYS[2])
unaccount(KEYS[3], KEYS[4], KEYS[5], ARGV[2])
redis.call('PUBLISH', ARGV[1], 'drop')
return 1
`;

const DROP_MESSAGE = 'drop';

export interface RedisHubOptions {
  /** Key prefix shared with the rest of the Redis store. */
  prefix?: string;
  now?: () => Date;
  /** Events kept per channel (as MemoryHub). */
  maxEvents?: number;
  /** Bytes kept per channel (as MemoryHub). */
  maxBytes?: number;
  /** Bytes kept by all channels together, by every process on this Redis (as MemoryHub). */
  maxTotalBytes?: number;
  /** A channel nobody publishes to or reads for this long is removed from Redis. */
  idleMs?: number;
  log?: RedisLog;
  /** The connection to subscribe on (tests hand one that reconnects when told); by default a copy of
   *  `client`'s. It must not queue commands while disconnected, nor resubscribe by itself. */
  subscriber?: Redis;
}

/** One channel this process listens to. */
interface Local {
  name: string;
  /** The Redis pub/sub channel. */
  key: string;
  /** Each listener with what to call when it will get no more events (some were lost, or the channel was dropped). */
  listeners: Map<HubListener, (() => void) | undefined>;
  /** Settles when Redis has confirmed the SUBSCRIBE (rejects with the 503 problem when it could not). */
  subscribed: Promise<void>;
  pending: boolean;
  confirmed: boolean;
  /** Newest id handed to the listeners. */
  delivered: number | undefined;
  /** The channel's newest id once subscribed: where a catch-up starts when nothing was delivered yet. */
  base: number | undefined;
  /** Events heard while missed ones are read from the stream. */
  backlog: HubEvent[] | undefined;
  catchingUp: boolean;
  /** Publishes and drops of this process waiting for their event to reach the listeners here. */
  waiters: { id: number; resolve: () => void }[];
}

/** `id\ntype\naudience\nat\njson`: the JSON is the tail, kept as the received bytes. */
function decodeMessage(message: Buffer): HubEvent | undefined {
  const head: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i += 1) {
    const end = message.indexOf(10, start);
    if (end < 0) return undefined;
    head.push(message.toString('utf8', start, end));
    start = end + 1;
  }
  return { id: head[0]!, type: head[1]!, audience: head[2] as Audience, at: head[3]!, json: message.subarray(start) };
}

export class RedisHub implements Hub {
  readonly #client: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #now: () => Date;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxTotalBytes: number;
  readonly #idleMs: number;
  readonly #log: RedisLog | undefined;
  readonly #publish: Script;
  readonly #replay: Script;
  readonly #lastId: Script;
  readonly #drop: Script;
  readonly #locals = new Map<string, Local>();
  readonly #byKey = new Map<string, Local>();
  #closed = false;
  #subscriberDown = false;
  #ready: Promise<void> | undefined;

  constructor(client: Redis, options: RedisHubOptions = {}) {
    this.#client = client;
    this.#prefix = `${options.prefix ?? 'hs:'}hub:`;
    this.#now = options.now ?? (() => new Date());
    this.#maxEvents = options.maxEvents ?? REPLAY_EVENTS;
    this.#maxBytes = options.maxBytes ?? REPLAY_BYTES;
    this.#maxTotalBytes = options.maxTotalBytes ?? REPLAY_BYTES_TOTAL;
    this.#idleMs = options.idleMs ?? IDLE_MS;
    this.#log = options.log;
    this.#publish = new Script(client, 'hsHubPublish', 6, PUBLISH);
    this.#replay = new Script(client, 'hsHubReplay', 2, REPLAY);
    this.#lastId = new Script(client, 'hsHubLastId', 2, LAST_ID);
    this.#drop = new Script(client, 'hsHubDrop', 5, DROP);
    // The subscriber connection: our own SUBSCRIBEs after a reconnect (then a catch-up from the stream).
    this.#sub = options.subscriber ?? client.duplicate({ lazyConnect: false, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.#sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onMessage(channel.toString(), message));
    this.#sub.on('ready', () => this.#onReady());
    this.#sub.on('close', () => {
      for (const local of this.#locals.values()) local.confirmed = false;
    });
    this.#sub.on('error', (error: Error) => {
      if (!this.#subscriberDown) this.#log?.warn({ err: error.message }, 'Redis subscriber connection lost: live classroom events resume when it is back');
      this.#subscriberDown = true;
    });
  }

  /** Whether live events reach this process: its subscriber connection is up (GET /readyz asks). */
  get live(): boolean {
    return this.#sub.status === 'ready';
  }

  /** Resolves once the subscriber connection is up (at once when it is); rejects after WAIT_MS. */
  whenLive(): Promise<void> {
    return this.#whenReady();
  }

  #meta(name: string): string {
    return `${this.#prefix}${name}:m`;
  }

  #stream(name: string): string {
    return `${this.#prefix}${name}:s`;
  }

  /** The keys every channel shares: oldest (zset), bytes (hash), total, order. */
  #shared(): string[] {
    return [`${this.#prefix}~oldest`, `${this.#prefix}~bytes`, `${this.#prefix}~total`, `${this.#prefix}~order`];
  }

  #firstIdBefore(): number {
    // As in MemoryHub: ids start at the clock's milliseconds, so a channel made again later never hands
    // out an id a browser already holds from the channel's earlier life.
    return this.#now().getTime() - 1;
  }

  async publish(name: string, input: PublishInput): Promise<HubEvent> {
    const audience = input.audience ?? 'all';
    if (/[\r\n]/.test(input.type + audience)) throw new Error(`An event type or audience has a line break: ${JSON.stringify([input.type, audience])}`);
    const local = this.#locals.get(name);
    // A SUBSCRIBE on its way first, so this process hears the event it is about to publish.
    if (local?.pending) await local.subscribed.catch(() => undefined);
    const json = Buffer.from(JSON.stringify(input.data) ?? 'null');
    const at = this.#now().toISOString();
    const id = String(
      await this.#publish.run(
        [this.#meta(name), this.#stream(name), ...this.#shared()],
        [this.#prefix + name, this.#firstIdBefore(), input.type, audience, at, json, this.#maxEvents, this.#maxBytes, this.#idleMs, name, this.#maxTotalBytes, this.#prefix],
      ),
    );
    const here = this.#locals.get(name);
    if (here?.confirmed && (here.delivered ?? 0) < Number(id)) await this.#waitFor(here, Number(id));
    return { id, type: input.type, json, audience, at };
  }

  subscribe(name: string, listener: HubListener, onLost?: () => void): () => void {
    let local = this.#locals.get(name);
    if (!local) {
      local = {
        name,
        key: this.#prefix + name,
        listeners: new Map(),
        subscribed: Promise.resolve(),
        pending: false,
        confirmed: false,
        delivered: undefined,
        base: undefined,
        backlog: undefined,
        catchingUp: false,
        waiters: [],
      };
      this.#locals.set(name, local);
      this.#byKey.set(local.key, local);
      this.#listen(local);
    }
    const mine = local;
    mine.listeners.set(listener, onLost);
    return () => {
      if (!mine.listeners.delete(listener)) return;
      if (mine.listeners.size === 0 && this.#locals.get(name) === mine) this.#forget(mine);
    };
  }

  async replay(name: string, lastId: string): Promise<Replay> {
    await this.#subscribedTo(name);
    return this.#read(name, lastId);
  }

  async lastId(name: string): Promise<string> {
    await this.#subscribedTo(name);
    return String(await this.#lastId.run([this.#meta(name), this.#stream(name)], [this.#firstIdBefore(), this.#idleMs]));
  }

  async drop(name: string): Promise<void> {
    await this.#drop.run([this.#meta(name), this.#stream(name), ...this.#shared().slice(0, 3)], [this.#prefix + name, name]);
    const local = this.#locals.get(name);
    if (!local) return;
    // The `drop` message comes after the channel's last event: listeners here hear that event first.
    if (local.confirmed) await this.#waitFor(local, Number.POSITIVE_INFINITY);
    if (this.#locals.get(name) === local) this.#forget(local, true);
  }

  /** Subscribers on a channel in this process (for tests and the benchmark). */
  listenerCount(name: string): number {
    return this.#locals.get(name)?.listeners.size ?? 0;
  }

  /** Ends the subscriber connection (the command connection belongs to the caller). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const local of [...this.#locals.values()]) this.#forget(local);
    this.#sub.disconnect();
  }

  /** A replay or lastId read after subscribing must not miss an event published in between: the
   *  subscription takes effect first. */
  async #subscribedTo(name: string): Promise<void> {
    const local = this.#locals.get(name);
    if (!local || local.confirmed) return;
    // An attempt that failed while the connection is up (a command timeout) is tried again.
    if (!local.pending && this.#sub.status === 'ready') this.#listen(local);
    await local.subscribed;
  }

  async #read(name: string, lastId: string): Promise<Replay> {
    const reply = (await this.#replay.runBuffer([this.#meta(name), this.#stream(name)], [lastId, this.#idleMs])) as [Buffer, [Buffer, Buffer[]][]?];
    if (reply[0].toString() !== 'events') return { kind: 'gap' };
    return {
      kind: 'events',
      events: (reply[1] ?? []).map(([streamId, fields]) => ({
        id: streamId.toString().split('-')[0]!,
        type: fields[1]!.toString(),
        audience: fields[3]!.toString() as Audience,
        at: fields[5]!.toString(),
        json: fields[7]!,
      })),
    };
  }

  /** Resolves when the subscriber connection is up; one wait shared by every channel (a restart with
   *  hundreds of rooms subscribes to all their channels at once). */
  #whenReady(): Promise<void> {
    if (this.#sub.status === 'ready') return Promise.resolve();
    if (this.#closed) return Promise.reject(new Error('the hub is closed'));
    this.#ready ??= new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        this.#ready = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.#sub.off('ready', onReady);
        this.#ready = undefined;
        reject(new Error(`no subscriber connection after ${WAIT_MS} ms`));
      }, WAIT_MS);
      timer.unref();
      this.#sub.once('ready', onReady);
    });
    return this.#ready;
  }

  #listen(local: Local): void {
    local.pending = true;
    const attempt = (async () => {
      await this.#whenReady();
      if (this.#locals.get(local.name) !== local) return;
      await this.#sub.subscribe(local.key);
      if (this.#locals.get(local.name) !== local) {
        if (!this.#byKey.has(local.key)) void this.#sub.unsubscribe(local.key).catch(() => undefined);
        return;
      }
      local.confirmed = true;
      if (local.base === undefined) {
        this.#client.hget(this.#meta(local.name), 'n').then(
          (saved) => {
            if (saved !== null && local.base === undefined) local.base = Number(saved);
          },
          () => undefined,
        );
      }
    })();
    local.subscribed = viaRedis(attempt).finally(() => {
      local.pending = false;
    });
    local.subscribed.catch(() => undefined);
  }

  /** The subscriber connection is (back) up: subscribe again, then hand on what was missed meanwhile. */
  #onReady(): void {
    if (this.#subscriberDown) this.#log?.info({}, 'Redis subscriber connection back: live classroom events resume');
    this.#subscriberDown = false;
    for (const local of this.#locals.values()) {
      if (local.pending) continue;
      this.#listen(local);
      local.subscribed.then(
        () => this.#catchUp(local),
        () => undefined,
      );
    }
  }

  #onMessage(key: string, message: Buffer): void {
    const local = this.#byKey.get(key);
    if (!local) return;
    if (message.length === DROP_MESSAGE.length && message.toString() === DROP_MESSAGE) {
      this.#forget(local, true);
      return;
    }
    const event = decodeMessage(message);
    if (!event) return;
    if (local.backlog) local.backlog.push(event);
    else this.#accept(local, event, true);
  }

  /** Hands on an event once, in id order; a hole before it is first filled from the stream. */
  #accept(local: Local, event: HubEvent, fillHoles: boolean): void {
    const id = Number(event.id);
    if (local.delivered !== undefined) {
      if (id <= local.delivered) return;
      if (fillHoles && id > local.delivered + 1) {
        local.backlog = [event];
        void this.#catchUp(local);
        return;
      }
    }
    local.delivered = id;
    if (local.listeners.size > 0) {
      const data: unknown = JSON.parse(event.json.toString('utf8'));
      for (const listener of [...local.listeners.keys()]) {
        try {
          listener(event, data);
        } catch (error) {
          this.#log?.warn({ err: (error as Error).message, channel: local.name }, 'a hub listener failed');
        }
      }
    }
    if (local.waiters.length > 0) {
      local.waiters = local.waiters.filter((waiter) => {
        if (waiter.id > id) return true;
        waiter.resolve();
        return false;
      });
    }
  }

  /** Reads the events after the last one handed on (they were published while this process could not
   *  hear them), hands them on, then the ones heard meanwhile. When they are no longer kept (or cannot be
   *  read), the listeners that can start over are told to (an event stream ends, and its browser reconnects
   *  with Last-Event-ID for a fresh state); the others go on with what comes next. */
  async #catchUp(local: Local): Promise<void> {
    if (local.catchingUp) return;
    local.catchingUp = true;
    local.backlog ??= [];
    try {
      const from = local.delivered ?? local.base;
      if (from !== undefined) {
        let replay: Replay;
        try {
          replay = await this.#read(local.name, String(from));
        } catch (error) {
          this.#log?.warn({ err: (error as Error).message, channel: local.name }, 'could not read the events missed while the subscriber connection was down');
          replay = { kind: 'gap' };
        }
        if (this.#locals.get(local.name) === local) {
          if (replay.kind === 'events') for (const event of replay.events) this.#accept(local, event, false);
          else this.#missed(local, from);
        }
      }
    } finally {
      local.catchingUp = false;
      const held = local.backlog ?? [];
      local.backlog = undefined;
      if (this.#locals.get(local.name) === local) for (const event of held) this.#accept(local, event, false);
    }
  }

  #missed(local: Local, after: number): void {
    const restart = [...local.listeners].filter(([, onLost]) => onLost !== undefined);
    this.#log?.warn({ channel: local.name, after, restarted: restart.length }, 'events missed while the subscriber connection was down are no longer kept: their streams start over');
    for (const [listener, onLost] of restart) {
      local.listeners.delete(listener);
      onLost!();
    }
    if (local.listeners.size === 0 && this.#locals.get(local.name) === local) this.#forget(local);
  }

  #waitFor(local: Local, id: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, WAIT_MS);
      timer.unref();
      local.waiters.push({
        id,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Stops listening to a channel here: no listener left, or the channel was dropped (`ended`: by any
   *  process; the listeners that can end are told, so event streams on every process end with it). */
  #forget(local: Local, ended = false): void {
    if (this.#locals.get(local.name) === local) this.#locals.delete(local.name);
    if (this.#byKey.get(local.key) === local) this.#byKey.delete(local.key);
    const onLost = ended ? [...local.listeners.values()] : [];
    local.listeners.clear();
    for (const end of onLost) end?.();
    for (const waiter of local.waiters) waiter.resolve();
    local.waiters = [];
    if ((local.confirmed || local.pending) && !this.#closed) void this.#sub.unsubscribe(local.key).catch(() => undefined);
    local.confirmed = false;
  }
}
