// Request inboxes in Redis (REDIS_URL): a request sent to an inbox is captured, answered as configured and
// shown to its owner whichever server process it reaches. P inbox:<id> is one hash: `meta` (what never
// changes: key digest, kind, room, creator), `last`, `captured`, the capture rate limit's `tokens` and
// `tokensAt`, `response` and `body` (the configured answer) and `bytes`; P inbox:<id>:r lists the kept
// captures (JSON), the newest INBOX_HISTORY of them within INBOX_HISTORY_BYTES. A stand-alone inbox expires
// after INBOX_IDLE_MINUTES without use (a process with its event stream open refreshes it); room and student
// inboxes go with their room. P inboxes maps each id to the address that made it ('' for room inboxes), for
// INBOX_MAX and the per-address share ('#' and the room code for a room's inboxes, which a sweep removes once
// their room has gone: it may have expired after the process that made them died); P inboxes:bytes and P inbox-bytes count what every inbox holds, for
// CAPTURE_BYTES_TOTAL (an inbox that expired is taken off both when the next inbox is made, or at a sweep).
import type { Redis } from 'ioredis';
import { CAPTURE_BYTES_TOTAL, INBOX_HISTORY_BYTES } from '../../classroom/limits';
import type { InboxStore, InboxStoreHooks, KeepOutcome, TakeOutcome } from '../../classroom/inbox-store';
import type { Inbox, InboxKind } from '../../classroom/inboxes';
import type { InboxResponse } from '../../protocol/classroom-types';
import { Script, viaRedis } from './connection';

// Every script's KEYS: the inbox's hash, its capture list, the index, the bytes per inbox, the total bytes.
// ARGV[1] is now (ms), ARGV[2] the idle TTL ('0': none, a room's inbox).
const TOUCH = `
local function touch()
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  if ARGV[2] ~= '0' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
  end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
`;

/** Forgets inboxes whose keys expired: off the index, their bytes off the total. ARGV[3]: the key prefix. */
const FORGET_EXPIRED = `
local held, total = {}, 0
local index = redis.call('HGETALL', KEYS[3])
for i = 1, #index, 2 do
  if redis.call('EXISTS', ARGV[3] .. index[i]) == 0 then
    redis.call('HDEL', KEYS[3], index[i])
    redis.call('DECRBY', KEYS[5], tonumber(redis.call('HGET', KEYS[4], index[i]) or '0'))
    redis.call('HDEL', KEYS[4], index[i])
  else
    total = total + 1
    if string.sub(index[i + 1], 1, 1) ~= '#' then held[index[i + 1]] = (held[index[i + 1]] or 0) + 1 end
  end
end
`;

// ARGV: now, ttl, prefix, id, creator ('' for none), max, per-address max, field/value pairs…
const ADD = `${FORGET_EXPIRED}
if total >= tonumber(ARGV[6]) then return {'full', total} end
if ARGV[5] ~= '' and (held[ARGV[5]] or 0) >= tonumber(ARGV[7]) then return {'share', held[ARGV[5]]} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken', 0} end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
return {'ok', total + 1}
`;

// ARGV: now, ttl, prefix, room key prefix, ms a room inbox may wait for its room (being made). The ids of room
// inboxes whose room is gone (it expired, and the process that made them did not live to remove them).
const SWEEP = `${FORGET_EXPIRED}
local orphans = {}
index = redis.call('HGETALL', KEYS[3])
for i = 1, #index, 2 do
  local owner = index[i + 1]
  if string.sub(owner, 1, 1) == '#' and redis.call('EXISTS', ARGV[4] .. string.sub(owner, 2)) == 0 then
    local last = tonumber(redis.call('HGET', ARGV[3] .. index[i], 'last') or '0')
    if tonumber(ARGV[1]) - last > tonumber(ARGV[5]) then table.insert(orphans, index[i]) end
  end
end
return orphans
`;

// ARGV: now, ttl, captures per minute. A capture's number, or the tokens left when it is refused.
const TAKE = `${TOUCH}
local per, now = tonumber(ARGV[3]), tonumber(ARGV[1])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
local at = tonumber(redis.call('HGET', KEYS[1], 'tokensAt'))
tokens = math.min(per, tokens + math.max(0, now - at) * per / 60000)
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'tokensAt', ARGV[1])
  return {'rate', tostring(tokens)}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'tokensAt', ARGV[1])
return {'ok', tostring(redis.call('HINCRBY', KEYS[1], 'captured', 1))}
`;

// ARGV: now, ttl, capture JSON, most kept, most bytes kept, most bytes on the server, id.
const KEEP = `${TOUCH}
local size = string.len(ARGV[3])
if tonumber(redis.call('GET', KEYS[5]) or '0') + size > tonumber(ARGV[6]) then return 'full' end
redis.call('RPUSH', KEYS[2], ARGV[3])
local bytes = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0') + size
local kept = redis.call('LLEN', KEYS[2])
local dropped = 0
while kept > tonumber(ARGV[4]) or (bytes - dropped > tonumber(ARGV[5]) and kept > 1) do
  dropped = dropped + string.len(redis.call('LPOP', KEYS[2]))
  kept = kept - 1
end
bytes = bytes - dropped
redis.call('HSET', KEYS[1], 'bytes', bytes)
redis.call('HSET', KEYS[4], ARGV[7], bytes)
redis.call('INCRBY', KEYS[5], size - dropped)
touch()
return 'kept'
`;

// ARGV: now, ttl, field/value pairs.
const SET = `${TOUCH}
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
touch()
return 1
`;

// ARGV: now, ttl, id.
const CLEAR = `${TOUCH}
redis.call('DEL', KEYS[2])
redis.call('DECRBY', KEYS[5], tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0'))
redis.call('HSET', KEYS[1], 'bytes', 0)
redis.call('HSET', KEYS[4], ARGV[3], 0)
touch()
return 1
`;

// ARGV: id. 1 when this call removed the inbox.
const REMOVE = `
local removed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('DECRBY', KEYS[5], tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0'))
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return removed
`;

/** How long a room's inbox may exist before its room does (a room's inbox is made first). */
const ORPHAN_GRACE_MS = 60_000;

interface InboxMeta {
  id: string;
  keyDigest: string;
  kind: InboxKind;
  room: string | null;
  createdAt: string;
  creator?: string;
}

/** The configured body as kept: '-' while the default receipt is used, else 'b' and the bytes in base64. */
function saveBody(body: Buffer | null): string {
  return body === null ? '-' : `b${body.toString('base64')}`;
}

export class RedisInboxStore implements InboxStore {
  readonly shared = true;
  readonly #add: Script;
  readonly #sweep: Script;
  readonly #take: Script;
  readonly #keep: Script;
  readonly #set: Script;
  readonly #clear: Script;
  readonly #remove: Script;

  constructor(
    private readonly client: Redis,
    private readonly hooks: InboxStoreHooks,
    private readonly prefix = 'hs:',
  ) {
    this.#add = new Script(client, 'hsInboxAdd', 5, ADD);
    this.#sweep = new Script(client, 'hsInboxSweep', 5, SWEEP);
    this.#take = new Script(client, 'hsInboxTake', 5, TAKE);
    this.#keep = new Script(client, 'hsInboxKeep', 5, KEEP);
    this.#set = new Script(client, 'hsInboxSet', 5, SET);
    this.#clear = new Script(client, 'hsInboxClear', 5, CLEAR);
    this.#remove = new Script(client, 'hsInboxRemove', 5, REMOVE);
  }

  #keys(id: string): string[] {
    const inbox = `${this.prefix}inbox:${id}`;
    return [inbox, `${inbox}:r`, `${this.prefix}inboxes`, `${this.prefix}inboxes:bytes`, `${this.prefix}inbox-bytes`];
  }

  /** Now and the idle TTL: none for a room's inboxes, which go with their room. */
  #head(inbox: Pick<Inbox, 'room'>): [number, number] {
    return [this.hooks.now().getTime(), inbox.room === null ? Math.max(1, this.hooks.idleMs) : 0];
  }

  async count(): Promise<number> {
    return viaRedis(this.client.hlen(`${this.prefix}inboxes`));
  }

  /** The limits are checked where the inbox is added (atomically). */
  async admit(): Promise<void> {}

  async add(inbox: Inbox): Promise<boolean> {
    const meta: InboxMeta = {
      id: inbox.id,
      keyDigest: inbox.keyDigest.toString('base64'),
      kind: inbox.kind,
      room: inbox.room,
      createdAt: inbox.createdAt.toISOString(),
      ...(inbox.creator === undefined ? {} : { creator: inbox.creator }),
    };
    const perOwnerMax = Math.max(1, Math.floor(this.hooks.max / 4));
    const [outcome, held] = (await this.#add.run(this.#keys(inbox.id), [
      ...this.#head(inbox),
      `${this.prefix}inbox:`,
      inbox.id,
      // The index names who holds the inbox: its creator's address, or '#' and its room.
      inbox.creator ?? (inbox.room === null ? '' : `#${inbox.room}`),
      this.hooks.max,
      perOwnerMax,
      'meta',
      JSON.stringify(meta),
      'captured',
      0,
      'tokens',
      inbox.tokens,
      'tokensAt',
      inbox.tokensAt,
      'response',
      JSON.stringify(inbox.response),
      'body',
      saveBody(inbox.responseBody),
      'bytes',
      0,
    ])) as [string, number];
    if (outcome === 'full') throw this.hooks.full();
    if (outcome === 'share') throw this.hooks.shareUsed(Number(held));
    return outcome === 'ok';
  }

  async get(id: string): Promise<Inbox | undefined> {
    return this.peek(id);
  }

  async peek(id: string): Promise<Inbox | undefined> {
    const hash = await viaRedis(this.client.hgetall(this.#keys(id)[0]!));
    if (hash.meta === undefined) return undefined;
    const meta = JSON.parse(hash.meta) as InboxMeta;
    const body = hash.body ?? '-';
    return {
      id: meta.id,
      keyDigest: Buffer.from(meta.keyDigest, 'base64'),
      kind: meta.kind,
      room: meta.room,
      createdAt: new Date(meta.createdAt),
      lastActivity: Number(hash.last ?? 0),
      captured: Number(hash.captured ?? 0),
      requests: [],
      bytes: Number(hash.bytes ?? 0),
      response: JSON.parse(hash.response ?? 'null') as InboxResponse,
      responseBody: body === '-' ? null : Buffer.from(body.slice(1), 'base64'),
      tokens: Number(hash.tokens ?? 0),
      tokensAt: Number(hash.tokensAt ?? 0),
      ...(meta.creator === undefined ? {} : { creator: meta.creator }),
    };
  }

  async touch(inbox: Inbox): Promise<void> {
    await this.#set.run(this.#keys(inbox.id), [...this.#head(inbox), 'last', inbox.lastActivity]);
  }

  async take(inbox: Inbox, perMinute: number, now: number): Promise<TakeOutcome> {
    const reply = (await this.#take.run(this.#keys(inbox.id), [now, this.#head(inbox)[1], perMinute])) as [string, string] | null;
    if (reply === null) return { kind: 'gone' };
    return reply[0] === 'rate' ? { kind: 'rate', tokens: Number(reply[1]) } : { kind: 'ok', seq: Number(reply[1]) };
  }

  async keep(inbox: Inbox, json: Buffer, history: number, seq: number): Promise<KeepOutcome> {
    const reply = (await this.#keep.run(this.#keys(inbox.id), [...this.#head(inbox), json, history, INBOX_HISTORY_BYTES, CAPTURE_BYTES_TOTAL, inbox.id])) as KeepOutcome | null;
    if (reply === 'kept') inbox.captured = Math.max(inbox.captured, seq);
    return reply ?? 'gone';
  }

  async saveResponse(inbox: Inbox): Promise<void> {
    await this.#set.run(this.#keys(inbox.id), [...this.#head(inbox), 'response', JSON.stringify(inbox.response), 'body', saveBody(inbox.responseBody)]);
  }

  async clear(inbox: Inbox): Promise<void> {
    await this.#clear.run(this.#keys(inbox.id), [...this.#head(inbox), inbox.id]);
    inbox.bytes = 0;
  }

  async requests(inbox: Inbox): Promise<readonly Buffer[]> {
    return viaRedis(this.client.lrangeBuffer(this.#keys(inbox.id)[1]!, 0, -1));
  }

  async remove(inbox: Inbox): Promise<boolean> {
    return Number(await this.#remove.run(this.#keys(inbox.id), [inbox.id])) === 1;
  }

  /** Inboxes expire by their TTL; this takes the expired ones off the index and the byte total. */
  async sweep(): Promise<string[]> {
    return (await this.#sweep.run(this.#keys('-'), [this.hooks.now().getTime(), 0, `${this.prefix}inbox:`, `${this.prefix}room:`, ORPHAN_GRACE_MS])) as string[];
  }
}
