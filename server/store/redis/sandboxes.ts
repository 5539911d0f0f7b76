// Sandboxes in Redis (REDIS_URL), shared by every server process. Copy on write from the seed as in memory:
// a sandbox's collection hash holds only what it changed (an item written, or '' for a seed item deleted);
// reads lay it over the seed each process builds for itself. Every change is one Lua script, so the item
// limit, the next id and the revision are checked and moved together, and a write to a sandbox that was
// reset meanwhile (another epoch) changes nothing.
//
// Keys (P = the key prefix): P sb:<id> is a hash of the epoch and, per collection, its count (c:), next id (n:)
// and revision (r:); P sb:<id>:<collection> holds the changes; P sbs is a sorted set of sandboxes by last use,
// P sbs:passing those opened once and never written (evicted first beyond SANDBOX_MAX, as in memory);
// P rev is the revision counter, never reset. Idle expiry is Redis's own: every key of a sandbox expires
// SANDBOX_IDLE_MINUTES after its last use, except the pinned demo sandbox's.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { COLLECTION_NAMES, CollectionFullError, type Collection, type CollectionName, type Entity, type Fields, type SandboxData, type SandboxStore } from '../types';
import type { SeedData } from '../seed';
import { traceGet, traceList, traceWrite } from '../trace-steps';
import { HttpProblem } from '../../http/problem';
import { Script, viaRedis } from './connection';

export interface RedisStoreOptions {
  seed: () => SeedData;
  maxSandboxes: number;
  itemLimit: number;
  idleMs: number;
  pinned: readonly string[];
  prefix?: string;
  now?: () => Date;
}

// KEYS: meta, all, passing, rev, books, categories, comments, users
// ARGV: id, now, idleMs, maxSandboxes, pinned (1/0), new epoch, reset (1/0), prefix, then per collection
//       (books, categories, comments, users) its seed count and seed next id.
const OPEN = `
local meta, all, passing, rev = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, now, idle, max, pinned = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
local names = {'books', 'categories', 'comments', 'users'}
local function drop(victim)
  redis.call('DEL', ARGV[8] .. 'sb:' .. victim)
  for _, name in ipairs(names) do redis.call('DEL', ARGV[8] .. 'sb:' .. victim .. ':' .. name) end
  redis.call('ZREM', all, victim)
  redis.call('ZREM', passing, victim)
end
if ARGV[7] == '1' then drop(id) end
if redis.call('EXISTS', meta) == 0 then
  for i = 5, 8 do redis.call('DEL', KEYS[i]) end
  local r = redis.call('INCRBY', rev, 4)
  for i, name in ipairs(names) do
    redis.call('HSET', meta, 'c:' .. name, ARGV[7 + 2 * i], 'n:' .. name, ARGV[8 + 2 * i], 'r:' .. name, r - 4 + i)
  end
  redis.call('HSET', meta, 'e', ARGV[6])
  if not pinned then redis.call('ZADD', passing, now, id) end
else
  redis.call('ZREM', passing, id)
end
redis.call('ZADD', all, pinned and '+inf' or now, id)
for i = 1, 8 do
  if i == 1 or i >= 5 then
    if pinned then redis.call('PERSIST', KEYS[i]) else redis.call('PEXPIRE', KEYS[i], idle) end
  end
end
redis.call('ZREMRANGEBYSCORE', all, '-inf', '(' .. (now - idle))
redis.call('ZREMRANGEBYSCORE', passing, '-inf', '(' .. (now - idle))
while redis.call('ZCARD', all) > max do
  local victim
  for _, candidate in ipairs(redis.call('ZRANGE', passing, 0, 1)) do
    if candidate ~= id then victim = candidate break end
  end
  if not victim then
    for _, candidate in ipairs(redis.call('ZRANGE', all, 0, 1)) do
      if candidate ~= id and redis.call('ZSCORE', all, candidate) ~= 'inf' then victim = candidate break end
    end
  end
  if not victim then break end
  drop(victim)
end
return redis.call('HGETALL', meta)
`;

// Shared head of the write scripts. KEYS: meta, collection, rev, passing. ARGV: epoch, name, id, …
const WRITE_HEAD = `
local meta, coll = KEYS[1], KEYS[2]
if redis.call('HGET', meta, 'e') ~= ARGV[1] then return {-2} end
local name = ARGV[2]
local function written()
  local r = redis.call('INCR', KEYS[3])
  redis.call('HSET', meta, 'r:' .. name, r)
  local ttl = redis.call('PTTL', meta)
  if ttl > 0 then redis.call('PEXPIRE', coll, ttl) end
  redis.call('ZREM', KEYS[4], string.sub(meta, string.len(ARGV[5]) + 1))
  return r
end
`;

// ARGV: epoch, name, (unused), limit, prefix+'sb:', JSON of the item without its opening '{"id":N,'
const INSERT = `${WRITE_HEAD}
if tonumber(redis.call('HGET', meta, 'c:' .. name)) >= tonumber(ARGV[4]) then return {-1} end
local id = redis.call('HINCRBY', meta, 'n:' .. name, 1) - 1
redis.call('HINCRBY', meta, 'c:' .. name, 1)
redis.call('HSET', coll, id, '{"id":' .. id .. ',' .. ARGV[6])
return {id, written()}
`;

// ARGV: epoch, name, id, seedHas (1/0), prefix+'sb:', JSON of the item
const REPLACE = `${WRITE_HEAD}
local current = redis.call('HGET', coll, ARGV[3])
if current == '' or (not current and ARGV[4] == '0') then return {0} end
redis.call('HSET', coll, ARGV[3], ARGV[6])
return {1, written()}
`;

// ARGV: epoch, name, id, seedHas (1/0), prefix+'sb:'
const REMOVE = `${WRITE_HEAD}
local current = redis.call('HGET', coll, ARGV[3])
if current == '' or (not current and ARGV[4] == '0') then return {0} end
if ARGV[4] == '1' then redis.call('HSET', coll, ARGV[3], '') else redis.call('HDEL', coll, ARGV[3]) end
redis.call('HINCRBY', meta, 'c:' .. name, -1)
return {1, written(), current or ''}
`;

function gone(id: string): HttpProblem {
  return new HttpProblem(
    'conflict',
    `Sandbox "${id}" was reset, or expired after sitting idle, while this request ran, so nothing was changed. Send the request again: it works in the sandbox as it is now.`,
  );
}

class RedisCollection<T extends Entity> implements Collection<T> {
  constructor(
    private readonly store: RedisSandboxStore,
    private readonly sandbox: string,
    private readonly epoch: string,
    private readonly name: CollectionName,
    private readonly key: string,
    private readonly seed: ReadonlyMap<number, T>,
    public revision: number,
  ) {}

  #parse(raw: string | null, id: number): T | undefined {
    if (raw === null) return this.seed.get(id);
    return raw === '' ? undefined : (Object.freeze(JSON.parse(raw)) as T);
  }

  async list(): Promise<readonly T[]> {
    const changes = await viaRedis(this.store.client.hgetall(this.key));
    const items = new Map(this.seed);
    for (const [id, raw] of Object.entries(changes)) {
      if (raw === '') items.delete(Number(id));
      else items.set(Number(id), Object.freeze(JSON.parse(raw)) as T);
    }
    const list = [...items.values()].sort((a, b) => a.id - b.id);
    traceList(this.name, list.length);
    return list;
  }

  async get(id: number): Promise<T | undefined> {
    const item = this.#parse(await viaRedis(this.store.client.hget(this.key, String(id))), id);
    traceGet(this.name, id, item !== undefined);
    return item;
  }

  async count(): Promise<number> {
    return Number(await viaRedis(this.store.client.hget(this.store.metaKey(this.sandbox), `c:${this.name}`)));
  }

  #keys(): string[] {
    return [this.store.metaKey(this.sandbox), this.key, this.store.key('rev'), this.store.key('sbs:passing')];
  }

  async insert(fields: Fields<T>): Promise<T> {
    const stamp = this.store.now().toISOString();
    const rest = { ...fields, createdAt: stamp, updatedAt: stamp };
    const tail = JSON.stringify(rest).slice(1);
    const [id, revision] = (await this.store.insertScript.run(this.#keys(), [this.epoch, this.name, '', this.store.options.itemLimit, this.store.key('sb:'), tail])) as number[];
    if (id === -1) throw new CollectionFullError(this.name, this.store.options.itemLimit);
    if (id === -2) throw gone(this.sandbox);
    this.revision = revision!;
    const item = Object.freeze({ id, ...rest }) as unknown as T;
    traceWrite('insert', this.name, id!, undefined, item);
    return item;
  }

  async replace(id: number, fields: Fields<T>): Promise<T | undefined> {
    const existing = await this.get(id);
    if (!existing) return undefined;
    const item = Object.freeze({ id, ...fields, createdAt: existing.createdAt, updatedAt: this.store.now().toISOString() }) as T;
    const [done, revision] = (await this.store.replaceScript.run(this.#keys(), [this.epoch, this.name, id, this.seed.has(id) ? 1 : 0, this.store.key('sb:'), JSON.stringify(item)])) as number[];
    if (done === -2) throw gone(this.sandbox);
    if (done === 0) return undefined;
    this.revision = revision!;
    traceWrite('update', this.name, id, existing, item);
    return item;
  }

  async remove(id: number): Promise<T | undefined> {
    const [done, revision, raw] = (await this.store.removeScript.run(this.#keys(), [this.epoch, this.name, id, this.seed.has(id) ? 1 : 0, this.store.key('sb:')])) as [number, number, string];
    if (done === -2) throw gone(this.sandbox);
    if (done === 0) return undefined;
    this.revision = revision;
    const existing = this.#parse(raw === '' ? null : raw, id);
    traceWrite('delete', this.name, id, existing, undefined);
    return existing;
  }
}

export class RedisSandboxStore implements SandboxStore {
  readonly #seed: SeedData;
  readonly #prefix: string;
  readonly now: () => Date;
  readonly #open: Script;
  readonly insertScript: Script;
  readonly replaceScript: Script;
  readonly removeScript: Script;
  /** Per collection: its seed count and next id, as the open script wants them. */
  readonly #seedArgs: number[];

  constructor(
    readonly client: Redis,
    readonly options: RedisStoreOptions,
  ) {
    this.#seed = options.seed();
    this.#prefix = options.prefix ?? 'hs:';
    this.now = options.now ?? (() => new Date());
    this.#open = new Script(client, 'hsSandboxOpen', 8, OPEN);
    this.insertScript = new Script(client, 'hsSandboxInsert', 4, INSERT);
    this.replaceScript = new Script(client, 'hsSandboxReplace', 4, REPLACE);
    this.removeScript = new Script(client, 'hsSandboxRemove', 4, REMOVE);
    this.#seedArgs = COLLECTION_NAMES.flatMap((name) => {
      const items = this.#seed[name] as ReadonlyMap<number, Entity>;
      return [items.size, Math.max(0, ...items.keys()) + 1];
    });
  }

  key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  metaKey(id: string): string {
    return this.key(`sb:${id}`);
  }

  async #run(id: string, reset: boolean): Promise<SandboxData> {
    const meta = this.metaKey(id);
    const reply = (await this.#open.run(
      [meta, this.key('sbs'), this.key('sbs:passing'), this.key('rev'), ...COLLECTION_NAMES.map((name) => `${meta}:${name}`)],
      [id, this.now().getTime(), this.options.idleMs, this.options.maxSandboxes, this.options.pinned.includes(id) ? 1 : 0, randomBytes(12).toString('base64url'), reset ? 1 : 0, this.#prefix, ...this.#seedArgs],
    )) as string[];
    const fields = new Map<string, string>();
    for (let i = 0; i < reply.length; i += 2) fields.set(reply[i]!, reply[i + 1]!);
    const epoch = fields.get('e')!;
    const collection = (name: CollectionName) =>
      new RedisCollection<Entity>(this, id, epoch, name, `${meta}:${name}`, this.#seed[name] as unknown as ReadonlyMap<number, Entity>, Number(fields.get(`r:${name}`)));
    return { id, epoch, books: collection('books'), categories: collection('categories'), comments: collection('comments'), users: collection('users') } as unknown as SandboxData;
  }

  open(id: string): Promise<SandboxData> {
    return this.#run(id, false);
  }

  reset(id: string): Promise<SandboxData> {
    return this.#run(id, true);
  }

  async has(id: string): Promise<boolean> {
    return (await viaRedis(this.client.exists(this.metaKey(id)))) === 1;
  }

  async size(): Promise<number> {
    return viaRedis(this.client.zcount(this.key('sbs'), this.now().getTime() - this.options.idleMs, '+inf'));
  }
}
