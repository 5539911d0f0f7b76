// Classroom rooms in Redis (REDIS_URL): a room made on one server process is joined, watched and closed on
// any other. P room:<CODE> is one hash: `meta` (what never changes: title, key digests, sandbox, creator,
// inbox), `last` (activity), `faults`, `goal`, `goalSeq`, `bseq`, `n` (students), per student `s:<id>` (the
// student as a journal keeps it), `k:<name skeleton>` → id, `seen:<id>`, and the open event streams counted per
// process: `c:<id>@<process>` for a student, `i@<process>` for the instructor, with `hb@<process>` the last time
// that process was heard from (any write it makes, and its sweep while it holds streams). Counts of a process not
// heard from for `liveMs` are left out: a process killed with streams open leaves no one "connected".
// P room:<CODE>:b and :c list the recent broadcasts and captures. All three expire together after
// ROOM_IDLE_MINUTES without activity; a process with event streams open on a room refreshes them (the
// service's sweep). P rooms maps each code to the address that made it, for ROOM_MAX and the per-address
// share, checked in the script that adds the room; codes whose room expired are dropped there.
// Every write is one script that first checks the room still exists, so a closed room is never revived.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FAULTS_OFF } from '../../classroom/faults';
import { keepRecent, recentMax, type JoinOutcome, type RecentList, type RoomStore, type RoomStoreHooks } from '../../classroom/room-store';
import { nameSkeleton } from '../../classroom/display-name';
import { loadStudent, saveStudent, type KeptJson, type Member, type Room, type SavedStudent, type Student } from '../../classroom/rooms';
import type { FaultSettings, PushedGoal } from '../../protocol/classroom-types';
import { Script, viaRedis } from './connection';

/** Every script's KEYS are the room's hash and its two lists; ARGV[1] is now (ms), ARGV[2] the idle TTL. */
const TOUCH = `
local function touch()
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
`;

// KEYS: room, b, c, index. ARGV: now, ttl, room key prefix, code, creator, max, per-address max, field/value pairs…
const ADD = `
local held, total = 0, 0
local index = redis.call('HGETALL', KEYS[4])
for i = 1, #index, 2 do
  if redis.call('EXISTS', ARGV[3] .. index[i]) == 0 then
    redis.call('HDEL', KEYS[4], index[i])
  else
    total = total + 1
    if index[i + 1] == ARGV[5] then held = held + 1 end
  end
end
if total >= tonumber(ARGV[6]) then return {'full', total} end
if held >= tonumber(ARGV[7]) then return {'share', held} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken', 0} end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
return {'ok', total + 1}
`;

// ARGV: now, ttl, field/value pairs to set (at least this process's heartbeat).
const SET = `${TOUCH}
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
touch()
return 1
`;

// ARGV: now, ttl, field, delta. The new value, or nil when the room is gone.
const INCR = `${TOUCH}
local value = redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[4])
touch()
return value
`;

// ARGV: now, ttl, this process's count field, delta, heartbeat field, the fields' prefix (up to '@'), live ms.
// The member's streams on every process heard from within live ms.
const CONNECT = `${TOUCH}
redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[5], ARGV[1])
touch()
local fields = redis.call('HGETALL', KEYS[1])
local beats, counts = {}, {}
for i = 1, #fields, 2 do
  local name = fields[i]
  if string.sub(name, 1, 3) == 'hb@' then beats[string.sub(name, 4)] = tonumber(fields[i + 1]) end
  if string.sub(name, 1, #ARGV[6]) == ARGV[6] then counts[string.sub(name, #ARGV[6] + 1)] = tonumber(fields[i + 1]) end
end
local total = 0
for process, count in pairs(counts) do
  if beats[process] and tonumber(ARGV[1]) - beats[process] <= tonumber(ARGV[7]) then total = total + count end
end
return total
`;

// ARGV: now, ttl, student max, name skeleton, id, student JSON.
const JOIN = `${TOUCH}
if tonumber(redis.call('HGET', KEYS[1], 'n') or '0') >= tonumber(ARGV[3]) then return {'full'} end
local twin = redis.call('HGET', KEYS[1], 'k:' .. ARGV[4])
if twin then return {'twin', redis.call('HGET', KEYS[1], 's:' .. twin) or '{}'} end
if redis.call('HEXISTS', KEYS[1], 's:' .. ARGV[5]) == 1 then return {'id-taken'} end
redis.call('HSET', KEYS[1], 's:' .. ARGV[5], ARGV[6], 'k:' .. ARGV[4], ARGV[5], 'seen:' .. ARGV[5], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'n', 1)
touch()
return {'joined'}
`;

// ARGV: now, ttl, the goal's JSON without its id. The goal with its new id.
const GOAL = `${TOUCH}
local seq = redis.call('HINCRBY', KEYS[1], 'goalSeq', 1)
local goal = '{"id":' .. seq .. ',' .. string.sub(ARGV[3], 2)
redis.call('HSET', KEYS[1], 'goal', goal)
touch()
return goal
`;

// ARGV: now, ttl, list (2: broadcasts, 3: captures), item, most kept.
const KEEP = `${TOUCH}
local list = KEYS[tonumber(ARGV[3])]
redis.call('RPUSH', list, ARGV[4])
redis.call('LTRIM', list, -tonumber(ARGV[5]), -1)
touch()
return 1
`;

// KEYS: room, b, c, index. ARGV: code. 1 when this call removed the room.
const REMOVE = `
local removed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HDEL', KEYS[4], ARGV[1])
return removed
`;

/** What never changes about a room, kept once in its `meta` field. */
interface RoomMeta {
  code: string;
  title: string;
  keyDigest: string;
  joinSecretDigest: string;
  sandbox: string;
  creator: string;
  createdAt: string;
  inboxId: string;
}

export class RedisRoomStore implements RoomStore {
  readonly shared = true;
  readonly #add: Script;
  readonly #set: Script;
  readonly #incr: Script;
  readonly #connect: Script;
  /** This process, in the per-process stream counts. */
  readonly #process = randomBytes(6).toString('base64url');
  readonly #join: Script;
  readonly #goal: Script;
  readonly #keep: Script;
  readonly #remove: Script;

  constructor(
    private readonly client: Redis,
    private readonly hooks: RoomStoreHooks,
    private readonly prefix = 'hs:',
  ) {
    this.#add = new Script(client, 'hsRoomAdd', 4, ADD);
    this.#set = new Script(client, 'hsRoomSet', 3, SET);
    this.#incr = new Script(client, 'hsRoomIncr', 3, INCR);
    this.#connect = new Script(client, 'hsRoomConnect', 3, CONNECT);
    this.#join = new Script(client, 'hsRoomJoin', 3, JOIN);
    this.#goal = new Script(client, 'hsRoomGoal', 3, GOAL);
    this.#keep = new Script(client, 'hsRoomKeep', 3, KEEP);
    this.#remove = new Script(client, 'hsRoomRemove', 4, REMOVE);
  }

  #keys(code: string): [string, string, string] {
    const room = `${this.prefix}room:${code}`;
    return [room, `${room}:b`, `${room}:c`];
  }

  get #index(): string {
    return `${this.prefix}rooms`;
  }

  /** A process not heard from for this long holds no streams any more (three of its heartbeats missed). */
  get #liveMs(): number {
    return 3 * (this.hooks.heartbeatMs ?? 60_000);
  }

  #head(): [number, number] {
    return [this.hooks.now().getTime(), Math.max(1, this.hooks.idleMs)];
  }

  async count(): Promise<number> {
    return viaRedis(this.client.hlen(this.#index));
  }

  /** The limits are checked where the room is added (atomically); nothing to check before. */
  async admit(): Promise<void> {}

  async add(room: Room): Promise<boolean> {
    const meta: RoomMeta = {
      code: room.code,
      title: room.title,
      keyDigest: room.keyDigest.toString('base64'),
      joinSecretDigest: room.joinSecretDigest.toString('base64'),
      sandbox: room.sandbox,
      creator: room.creator,
      createdAt: room.createdAt.toISOString(),
      inboxId: room.inboxId,
    };
    const perOwnerMax = Math.max(1, Math.floor(this.hooks.max / 4));
    const [outcome, held] = (await this.#add.run(
      [...this.#keys(room.code), this.#index],
      [...this.#head(), `${this.prefix}room:`, room.code, room.creator, this.hooks.max, perOwnerMax, 'meta', JSON.stringify(meta), 'faults', JSON.stringify(room.faults), 'goalSeq', 0, 'bseq', 0, 'n', 0],
    )) as [string, number];
    if (outcome === 'full') throw this.hooks.full();
    if (outcome === 'share') throw this.hooks.shareUsed(Number(held));
    return outcome === 'ok';
  }

  async get(code: string): Promise<Room | undefined> {
    return this.peek(code);
  }

  async peek(code: string): Promise<Room | undefined> {
    const hash = await viaRedis(this.client.hgetall(this.#keys(code)[0]));
    if (hash.meta === undefined) return undefined;
    const meta = JSON.parse(hash.meta) as RoomMeta;
    // Open streams: the counts of every process heard from lately.
    const now = this.hooks.now().getTime();
    const connections = new Map<string, number>();
    for (const [field, value] of Object.entries(hash)) {
      const at = field.lastIndexOf('@');
      if (at < 0 || field.startsWith('hb@')) continue;
      const beat = Number(hash[`hb${field.slice(at)}`] ?? Number.NEGATIVE_INFINITY);
      if (now - beat > this.#liveMs) continue;
      const who = field.slice(0, at);
      connections.set(who, (connections.get(who) ?? 0) + Number(value));
    }
    const students = new Map<string, Student>();
    for (const [field, value] of Object.entries(hash)) {
      if (!field.startsWith('s:')) continue;
      const student = loadStudent(code, JSON.parse(value) as SavedStudent);
      student.connections = connections.get(`c:${student.id}`) ?? 0;
      student.lastSeen = Number(hash[`seen:${student.id}`] ?? student.lastSeen);
      students.set(student.id, student);
    }
    return {
      code: meta.code,
      title: meta.title,
      keyDigest: Buffer.from(meta.keyDigest, 'base64'),
      joinSecretDigest: Buffer.from(meta.joinSecretDigest, 'base64'),
      sandbox: meta.sandbox,
      creator: meta.creator,
      createdAt: new Date(meta.createdAt),
      lastActivity: Number(hash.last ?? 0),
      students,
      faults: hash.faults === undefined ? FAULTS_OFF : (JSON.parse(hash.faults) as FaultSettings),
      inboxId: meta.inboxId,
      broadcasts: [],
      broadcastSeq: Number(hash.bseq ?? 0),
      captures: [],
      goal: hash.goal === undefined ? null : (JSON.parse(hash.goal) as PushedGoal),
      goalSeq: Number(hash.goalSeq ?? 0),
      instructorConnections: connections.get('i') ?? 0,
    };
  }

  async touch(room: Room, student?: Student): Promise<void> {
    await this.#set.run(this.#keys(room.code), [...this.#head(), `hb@${this.#process}`, this.hooks.now().getTime(), ...(student ? [`seen:${student.id}`, student.lastSeen] : [])]);
  }

  async addStudent(room: Room, student: Student, studentMax: number): Promise<JoinOutcome> {
    const reply = (await this.#join.run(this.#keys(room.code), [...this.#head(), studentMax, nameSkeleton(student.name), student.id, JSON.stringify(saveStudent(student))])) as
      | [string, string?]
      | null;
    if (reply === null) return { kind: 'gone' };
    const [kind, twin] = reply;
    if (kind === 'twin') return { kind, name: (JSON.parse(twin ?? '{}') as { name?: string }).name ?? '' };
    if (kind === 'joined') room.students.set(student.id, student);
    return { kind: kind as 'joined' | 'full' | 'id-taken' };
  }

  async saveStudent(room: Room, student: Student): Promise<void> {
    await this.#set.run(this.#keys(room.code), [...this.#head(), `s:${student.id}`, JSON.stringify(saveStudent(student))]);
  }

  async saveFaults(room: Room): Promise<void> {
    await this.#set.run(this.#keys(room.code), [...this.#head(), 'faults', JSON.stringify(room.faults)]);
  }

  async setGoal(room: Room, goal: Omit<PushedGoal, 'id'>): Promise<PushedGoal> {
    const json = (await this.#goal.run(this.#keys(room.code), [...this.#head(), JSON.stringify(goal)])) as string | null;
    // A room closed meanwhile: the goal goes to nobody, numbered as it would have been.
    return json === null ? { id: room.goalSeq + 1, ...goal } : (JSON.parse(json) as PushedGoal);
  }

  async nextBroadcastSeq(room: Room): Promise<number> {
    const seq = (await this.#incr.run(this.#keys(room.code), [...this.#head(), 'bseq', 1])) as number | null;
    return seq ?? room.broadcastSeq + 1;
  }

  async keep(room: Room, list: RecentList, item: KeptJson): Promise<void> {
    await this.#keep.run(this.#keys(room.code), [...this.#head(), list === 'broadcasts' ? 2 : 3, Buffer.concat(item), recentMax(list)]);
  }

  async recent(room: Room): Promise<{ broadcasts: KeptJson[]; captures: KeptJson[] }> {
    const [, b, c] = this.#keys(room.code);
    const [broadcasts, captures] = await Promise.all([viaRedis(this.client.lrangeBuffer(b, 0, -1)), viaRedis(this.client.lrangeBuffer(c, 0, -1))]);
    return {
      broadcasts: keepRecent(broadcasts.map((item) => [item]), recentMax('broadcasts')),
      captures: keepRecent(captures.map((item) => [item]), recentMax('captures')),
    };
  }

  async connect(room: Room, member: Member, delta: 1 | -1): Promise<number | undefined> {
    const who = member.role === 'instructor' ? 'i' : `c:${member.student.id}`;
    const count = (await this.#connect.run(this.#keys(room.code), [...this.#head(), `${who}@${this.#process}`, delta, `hb@${this.#process}`, `${who}@`, this.#liveMs])) as number | null;
    if (count === null) return undefined;
    if (member.role === 'instructor') room.instructorConnections = count;
    else member.student.connections = count;
    return count;
  }

  async remove(room: Room): Promise<boolean> {
    return Number(await this.#remove.run([...this.#keys(room.code), this.#index], [room.code])) === 1;
  }

  async faultsOf(code: string): Promise<FaultSettings | undefined> {
    const raw = await viaRedis(this.client.hget(this.#keys(code)[0], 'faults'));
    return raw === null ? undefined : (JSON.parse(raw) as FaultSettings);
  }

  /** Rooms expire by their TTL. */
  sweep(): void {}
}
