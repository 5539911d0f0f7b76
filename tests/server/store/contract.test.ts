// One contract for every storage implementation: the in-memory default and Redis (REDIS_URL). Each test
// runs against both; the Redis run starts its own redis-server (tests/helpers/redis.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { MemorySandboxStore } from '../../../server/store/memory-store';
import { RedisSandboxStore } from '../../../server/store/redis/sandboxes';
import { MemoryGrantStore, type Grant, type GrantStore } from '../../../server/store/grants';
import { RedisGrantStore } from '../../../server/store/redis/grants';
import { MemoryBucketStore, type BucketStore } from '../../../server/store/buckets';
import { RedisBucketStore } from '../../../server/store/redis/buckets';
import { seedData } from '../../../server/store/seed';
import { CollectionFullError, type SandboxStore } from '../../../server/store/types';
import { redisSkipReason, startRedis, type RedisServer } from '../../helpers/redis';
import { HttpProblem } from '../../../server/http/problem';
import { MemoryRoomStore, type RoomStore, type RoomStoreHooks } from '../../../server/classroom/room-store';
import { RedisRoomStore } from '../../../server/store/redis/rooms';
import type { Room, Student } from '../../../server/classroom/rooms';
import { FAULTS_OFF } from '../../../server/classroom/faults';
import { digestKey } from '../../../server/classroom/ids';
import { MemoryInboxStore, type InboxStore, type InboxStoreHooks } from '../../../server/classroom/inbox-store';
import { RedisInboxStore } from '../../../server/store/redis/inboxes';
import { DEFAULT_INBOX_RESPONSE, type Inbox } from '../../../server/classroom/inboxes';
import { MemoryIdempotencyStore, type IdempotencyStore } from '../../../server/store/idempotency';
import { RedisIdempotencyStore } from '../../../server/store/redis/idempotency';
import { JOB_KEPT_MS, MemoryExportJobStore, type ExportJobStore, type StoredJob } from '../../../server/store/export-jobs';
import { RedisExportJobStore } from '../../../server/store/redis/export-jobs';

interface StoreOptions {
  maxSandboxes?: number;
  itemLimit?: number;
  idleMs?: number;
  now?: () => Date;
}

interface Backend {
  name: string;
  skip?: string;
  sandboxes(options?: StoreOptions): SandboxStore;
  grants(now: () => number): GrantStore;
  buckets(): BucketStore;
  rooms(hooks: RoomStoreHooks): RoomStore;
  inboxes(hooks: InboxStoreHooks): InboxStore;
  idempotency(maxKeys?: number): IdempotencyStore<{ id: number }>;
  exportJobs(maxJobs?: number): ExportJobStore;
}

const defaults = (options: StoreOptions) => ({ seed: seedData, maxSandboxes: 10, itemLimit: 100, idleMs: 60_000, pinned: ['demo'], ...options });

const memory: Backend = {
  name: 'memory',
  sandboxes: (options = {}) => new MemorySandboxStore(defaults(options)),
  grants: (now) => new MemoryGrantStore(now),
  buckets: () => new MemoryBucketStore(),
  rooms: (hooks) => new MemoryRoomStore(hooks),
  inboxes: (hooks) => new MemoryInboxStore(hooks),
  idempotency: (maxKeys) => new MemoryIdempotencyStore(maxKeys),
  exportJobs: (maxJobs) => new MemoryExportJobStore(maxJobs),
};

let server: RedisServer | undefined;
let client: Redis | undefined;
const redis: Backend = {
  name: 'redis',
  skip: redisSkipReason(),
  sandboxes: (options = {}) => new RedisSandboxStore(client!, defaults(options)),
  grants: (now) => new RedisGrantStore(client!, now),
  buckets: () => new RedisBucketStore(client!),
  rooms: (hooks) => new RedisRoomStore(client!, hooks),
  inboxes: (hooks) => new RedisInboxStore(client!, hooks),
  idempotency: (maxKeys) => new RedisIdempotencyStore(client!, 'hs:', maxKeys),
  exportJobs: (maxJobs) => new RedisExportJobStore(client!, 'hs:', maxJobs),
};

let inboxCount = 0;
function newInbox(creator?: string, room: string | null = null): Inbox {
  inboxCount += 1;
  const now = Date.now();
  return {
    id: `inbox${String(inboxCount).padStart(7, '0')}`,
    keyDigest: digestKey('inbox-key'),
    kind: room === null ? 'own' : 'room',
    room,
    createdAt: new Date(now),
    lastActivity: now,
    captured: 0,
    requests: [],
    bytes: 0,
    response: DEFAULT_INBOX_RESPONSE,
    responseBody: null,
    tokens: 3,
    tokensAt: now,
    ...(creator === undefined ? {} : { creator }),
  };
}

/** The registry's hooks both stores take (small caps, nothing open, nothing to expire), with overrides. */
const registryHooks = {
  max: 8,
  idleMs: 60_000,
  now: () => new Date(),
  full: () => new HttpProblem('capacity-reached', 'full'),
  shareUsed: (held: number) => new HttpProblem('too-many-requests', `holds ${held}`),
  openStreams: () => 0,
  expire: () => undefined,
};
const inboxHooks = (overrides: Partial<InboxStoreHooks> = {}): InboxStoreHooks => ({ ...registryHooks, ...overrides });
const roomHooks = (overrides: Partial<RoomStoreHooks> = {}): RoomStoreHooks => ({ ...registryHooks, ...overrides });

let rooms = 0;
function newRoom(creator = '10.0.0.1', code = `ROOM${String.fromCharCode(65 + (rooms % 26))}${String.fromCharCode(65 + Math.floor(rooms / 26))}XY`): Room {
  rooms += 1;
  const now = Date.now();
  return {
    code,
    title: 'HTTP 101',
    keyDigest: digestKey('instructor'),
    joinSecretDigest: digestKey('secret'),
    sandbox: `room-${code.toLowerCase()}-s3cr3t`,
    creator,
    createdAt: new Date(now),
    lastActivity: now,
    students: new Map(),
    faults: FAULTS_OFF,
    inboxId: 'inbox1',
    broadcasts: [],
    broadcastSeq: 0,
    captures: [],
    goal: null,
    goalSeq: 0,
    instructorConnections: 0,
  };
}

function newStudent(id: string, name: string): Student {
  const now = Date.now();
  return { id, name, keyDigest: digestKey(`key-${id}`), joinedAt: new Date(now), lastSeen: now, connections: 0, lastExchange: null, progress: null, goal: null, sharesData: false, sandbox: `room-x-${id}`, inboxId: `inbox-${id}` };
}

const book = { title: 't', author: 'x', year: 1, status: 'read' as const, categoryId: null, ownerId: 1 };

describe.each([memory, redis])('storage contract: $name', (backend) => {
  beforeAll(async () => {
    if (backend.name !== 'redis' || backend.skip) return;
    server = await startRedis();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
  }, 60_000);
  afterEach(async () => {
    if (client && backend.name === 'redis') await client.flushall();
  });
  afterAll(async () => {
    if (backend.name !== 'redis' || backend.skip) return;
    client?.disconnect();
    await server?.close();
  });

  describe.skipIf(backend.skip !== undefined)('rooms', () => {
    it('keeps a room as it was made, and what members change in it', async () => {
      const store = backend.rooms(roomHooks());
      const room = newRoom();
      expect(await store.add(room)).toBe(true);
      expect(await store.add({ ...room, students: new Map() })).toBe(false);
      const kept = (await store.get(room.code))!;
      expect(kept).toMatchObject({ code: room.code, title: 'HTTP 101', sandbox: room.sandbox, creator: '10.0.0.1', inboxId: 'inbox1', faults: FAULTS_OFF, goal: null });
      expect(kept.keyDigest.equals(room.keyDigest)).toBe(true);
      expect(kept.createdAt.toISOString()).toBe(room.createdAt.toISOString());
      const student = newStudent('s1', 'Bea');
      expect(await store.addStudent(kept, student, 30)).toEqual({ kind: 'joined' });
      student.sharesData = true;
      student.progress = { lessonId: 'l1', step: 2, of: 5 } as never;
      await store.saveStudent(kept, student);
      kept.faults = { ...FAULTS_OFF, status429: true };
      await store.saveFaults(kept);
      expect(await store.faultsOf(room.code)).toEqual(kept.faults);
      expect(await store.faultsOf('NOPENOPE')).toBeUndefined();
      expect((await store.setGoal(kept, { goal: { status: 200 }, description: 'any 200' })).id).toBe(1);
      expect((await store.setGoal(kept, { goal: { status: 304 }, description: 'a 304' })).id).toBe(2);
      expect(await store.nextBroadcastSeq(kept)).toBe(1);
      expect(await store.nextBroadcastSeq(kept)).toBe(2);
      for (let i = 0; i < 35; i += 1) await store.keep(kept, 'broadcasts', [Buffer.from(JSON.stringify({ n: i }))]);
      const recent = await store.recent(kept);
      expect(recent.broadcasts.map((item) => JSON.parse(Buffer.concat(item).toString()).n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 5));
      expect(recent.captures).toEqual([]);
      expect(await store.connect(kept, { role: 'student', student: kept.students.get('s1')! }, 1)).toBe(1);
      expect(await store.connect(kept, { role: 'instructor' }, 1)).toBe(1);
      const again = (await store.get(room.code))!;
      expect(again.goal).toMatchObject({ id: 2, goal: { status: 304 } });
      expect(again.faults.status429).toBe(true);
      expect(again.students.get('s1')).toMatchObject({ name: 'Bea', sharesData: true, connections: 1, progress: { step: 2 } });
      expect(again.instructorConnections).toBe(1);
      expect(await store.count()).toBe(1);
      expect(await store.remove(again)).toBe(true);
      expect(await store.remove(kept)).toBe(false);
      expect(await store.get(room.code)).toBeUndefined();
      expect(await store.count()).toBe(0);
    });

    it('takes the last seat and a name skeleton once, however many joins race for them', async () => {
      // Two processes on one Redis; one process's memory.
      const store = backend.rooms(roomHooks());
      const other = backend.name === 'redis' ? backend.rooms(roomHooks()) : store;
      const room = newRoom();
      await store.add(room);
      const here = (await store.get(room.code))!;
      const there = (await other.get(room.code))!;
      const outcomes = await Promise.all([store.addStudent(here, newStudent('a', 'Ana'), 1), other.addStudent(there, newStudent('b', 'Ben'), 1)]);
      expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['full', 'joined']);
      const names = await Promise.all([store.addStudent(here, newStudent('c', 'Zoë'), 5), other.addStudent(there, newStudent('d', 'ZOE'), 5)]);
      expect(names.map((outcome) => outcome.kind).sort()).toEqual(['joined', 'twin']);
      expect(names.find((outcome) => outcome.kind === 'twin')).toMatchObject({ name: expect.stringMatching(/^Z(oë|OE)$/) });
      expect((await store.get(room.code))!.students.size).toBe(2);
    });

    it('holds at most ROOM_MAX rooms, a quarter of them per address, counted across stores', async () => {
      const store = backend.rooms(roomHooks({ max: 8 }));
      const other = backend.name === 'redis' ? backend.rooms(roomHooks({ max: 8 })) : store;
      expect(await store.add(newRoom('10.0.0.9'))).toBe(true);
      expect(await other.add(newRoom('10.0.0.9'))).toBe(true);
      const refused = await other.add(newRoom('10.0.0.9')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).status).toBe(429);
      expect((refused as HttpProblem).message).toBe('holds 2');
      for (let i = 0; i < 6; i += 1) await (i % 2 ? store : other).add(newRoom(`10.0.1.${i}`));
      const full = await store.add(newRoom('10.0.2.1')).catch((error: unknown) => error);
      expect((full as HttpProblem).status).toBe(503);
    });

    it('ends a room idle for ROOM_IDLE_MINUTES', async () => {
      let clock = Date.now();
      const expired: string[] = [];
      const store = backend.rooms(roomHooks({ idleMs: 60_000, now: () => new Date(clock), expire: (room) => void expired.push(room.code) }));
      const room = newRoom();
      await store.add(room);
      if (backend.name === 'redis') {
        // Redis expires the room by TTL; activity sets it again.
        const ttl = await client!.pttl(`hs:room:${room.code}`);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
        await client!.pexpire(`hs:room:${room.code}`, 1_000);
        await store.touch((await store.get(room.code))!);
        expect(await client!.pttl(`hs:room:${room.code}`)).toBeGreaterThan(50_000);
        await client!.del(`hs:room:${room.code}`);
        expect(await store.get(room.code)).toBeUndefined();
        // A room expired by TTL no longer counts towards ROOM_MAX.
        expect(await store.add(newRoom())).toBe(true);
        expect(await client!.hlen('hs:rooms')).toBe(1);
        return;
      }
      clock += 61_000;
      store.sweep();
      expect(expired).toEqual([room.code]);
    });
  });

  describe.skipIf(backend.skip !== undefined)('inboxes', () => {
    it('keeps an inbox, its configured answer and its newest captures, numbered once across processes', async () => {
      const store = backend.inboxes(inboxHooks());
      const other = backend.name === 'redis' ? backend.inboxes(inboxHooks()) : store;
      const inbox = newInbox('10.0.0.1');
      expect(await store.add(inbox)).toBe(true);
      expect(await store.add(inbox)).toBe(false);
      const here = (await store.get(inbox.id))!;
      const there = (await other.get(inbox.id))!;
      expect(there).toMatchObject({ id: inbox.id, kind: 'own', room: null, creator: '10.0.0.1', captured: 0, response: DEFAULT_INBOX_RESPONSE, responseBody: null });
      expect(there.keyDigest.equals(inbox.keyDigest)).toBe(true);
      const now = Date.now();
      // Two captures arriving on two processes at once get two numbers; the third within the minute is refused.
      const turns = await Promise.all([store.take(here, 3, now), other.take(there, 3, now)]);
      expect(turns.map((turn) => turn.kind === 'ok' && turn.seq).sort()).toEqual([1, 2]);
      for (const [index, turn] of turns.entries()) {
        if (turn.kind === 'ok') expect(await (index === 0 ? store : other).keep(index === 0 ? here : there, Buffer.from(JSON.stringify({ seq: turn.seq })), 2, turn.seq)).toBe('kept');
      }
      const third = await store.take(here, 3, now);
      expect(third.kind).toBe('ok');
      if (third.kind === 'ok') await store.keep(here, Buffer.from(JSON.stringify({ seq: third.seq })), 2, third.seq);
      expect(await store.take(here, 3, now)).toMatchObject({ kind: 'rate' });
      // The rate limit refills: a minute later, captures are taken again.
      expect((await other.take(there, 3, now + 60_000)).kind).toBe('ok');
      // The newest two are kept (INBOX_HISTORY), wherever they are read.
      const kept = (await other.requests(there)).map((json) => JSON.parse(json.toString()).seq);
      expect(kept).toEqual([2, 3]);
      here.response = { status: 418, headers: [['X-Teapot', 'yes']], body: '', bodyEncoding: 'text' };
      here.responseBody = Buffer.alloc(0);
      await store.saveResponse(here);
      const again = (await other.get(inbox.id))!;
      expect(again.response.status).toBe(418);
      expect(again.responseBody).toEqual(Buffer.alloc(0));
      await other.clear(again);
      expect(await store.requests((await store.get(inbox.id))!)).toEqual([]);
      expect(await store.remove(here)).toBe(true);
      expect(await other.remove(again)).toBe(false);
      expect(await other.get(inbox.id)).toBeUndefined();
      expect(await store.count()).toBe(0);
    });

    it('holds at most INBOX_MAX inboxes, a quarter of them per address (room inboxes count for nobody)', async () => {
      const store = backend.inboxes(inboxHooks({ max: 8 }));
      const other = backend.name === 'redis' ? backend.inboxes(inboxHooks({ max: 8 })) : store;
      await store.add(newInbox('10.0.0.9'));
      await other.add(newInbox('10.0.0.9'));
      const refused = await other.admit('10.0.0.9').then(() => other.add(newInbox('10.0.0.9'))).catch((error: unknown) => error);
      expect((refused as HttpProblem).status).toBe(429);
      for (let i = 0; i < 6; i += 1) await (i % 2 ? store : other).add(newInbox(undefined, 'ROOMABCD'));
      const full = await store.admit(undefined).then(() => store.add(newInbox(undefined, 'ROOMABCD'))).catch((error: unknown) => error);
      expect((full as HttpProblem).status).toBe(503);
    });
  });

  describe.skipIf(backend.skip !== undefined)('sandboxes', () => {
    it('starts every sandbox from the seed and keeps writes private (copy on write)', async () => {
      const store = backend.sandboxes();
      const a = await store.open('a');
      const b = await store.open('b');
      const added = await a.books.insert(book);
      expect((await a.books.remove(1))?.title).toBe('Structure and Interpretation of Computer Programs');
      expect(await a.books.count()).toBe(12);
      expect(await a.books.get(1)).toBeUndefined();
      expect(await a.books.get(added.id)).toEqual(added);
      expect((await a.books.list()).map((item) => item.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      expect((await b.books.get(1))?.title).toBe('Structure and Interpretation of Computer Programs');
      expect(await b.books.count()).toBe(12);
      expect(await (await store.open('a')).books.get(added.id)).toEqual(added);
      expect(seedData().books.size).toBe(12);
    });

    it('assigns increasing ids, keeps createdAt on replace and freezes what it returns', async () => {
      const clock = { now: new Date('2026-01-01T00:00:00Z') };
      const data = await backend.sandboxes({ now: () => clock.now }).open('x');
      const created = await data.categories.insert({ name: 'n', description: '', ownerId: 1 });
      expect(created).toEqual({ id: 5, name: 'n', description: '', ownerId: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
      expect((await data.categories.insert({ name: 'o', description: '', ownerId: 1 })).id).toBe(6);
      clock.now = new Date('2026-02-01T00:00:00Z');
      const replaced = (await data.categories.replace(5, { name: 'm', description: 'd', ownerId: 1 }))!;
      expect(replaced.createdAt).toBe('2026-01-01T00:00:00.000Z');
      expect(replaced.updatedAt).toBe('2026-02-01T00:00:00.000Z');
      expect(Object.isFrozen(replaced)).toBe(true);
      expect(Object.isFrozen(await data.categories.get(5))).toBe(true);
      expect(JSON.stringify(await data.categories.get(5))).toBe(JSON.stringify(replaced));
      expect(await data.categories.replace(99, { name: 'none', description: '', ownerId: 1 })).toBeUndefined();
      expect(await data.categories.remove(99)).toBeUndefined();
    });

    it('refuses an insert at the item limit with CollectionFullError, and takes one after a delete', async () => {
      const data = await backend.sandboxes({ itemLimit: 5 }).open('x');
      await data.categories.insert({ name: 'n', description: '', ownerId: 1 });
      await expect(data.categories.insert({ name: 'o', description: '', ownerId: 1 })).rejects.toThrow(CollectionFullError);
      expect(await data.categories.count()).toBe(5);
      await data.categories.remove(1);
      expect((await data.categories.insert({ name: 'p', description: '', ownerId: 1 })).id).toBe(6);
    });

    it('changes a collection’s revision on every write, and never gives one twice (not even after a reset)', async () => {
      const store = backend.sandboxes();
      const first = await store.open('x');
      const before = first.books.revision;
      await first.books.insert(book);
      const afterInsert = first.books.revision;
      expect(afterInsert).not.toBe(before);
      expect((await store.open('x')).books.revision).toBe(afterInsert);
      const reset = await store.reset('x');
      expect([before, afterInsert]).not.toContain(reset.books.revision);
    });

    it('reset brings the seed back under a new epoch; reopening keeps the epoch', async () => {
      const store = backend.sandboxes();
      const data = await store.open('x');
      await data.books.remove(1);
      expect((await store.open('x')).epoch).toBe(data.epoch);
      const reset = await store.reset('x');
      expect(reset.epoch).not.toBe(data.epoch);
      expect((await reset.books.get(1))?.id).toBe(1);
      expect(await reset.books.count()).toBe(12);
    });

    it('drops a sandbox left idle past idleMs, but never the pinned demo sandbox', async () => {
      const store = backend.sandboxes({ idleMs: 300 });
      await store.open('demo');
      await store.open('old');
      expect(await store.has('old')).toBe(true);
      // Idle expiry is about time passing: nothing to await but the clock.
      await new Promise((resolve) => setTimeout(resolve, 450));
      await store.open('new');
      expect(await store.has('old')).toBe(false);
      expect(await store.has('demo')).toBe(true);
      expect(await store.has('new')).toBe(true);
      const again = await store.open('old');
      expect(await again.books.count()).toBe(12);
    });

    it('beyond maxSandboxes drops sandboxes opened once and never written first, then the least recently used', async () => {
      const store = backend.sandboxes({ maxSandboxes: 4 });
      const worked = await store.open('worked');
      await worked.books.insert(book);
      await store.open('visited');
      await store.open('visited');
      for (let i = 0; i < 6; i += 1) await store.open(`flood-${i}`);
      expect(await store.size()).toBeLessThanOrEqual(4);
      expect(await store.has('worked')).toBe(true);
      expect(await store.has('visited')).toBe(true);
      expect(await store.has('flood-5')).toBe(true);
      expect(await store.has('flood-0')).toBe(false);
    });
  });

  describe.skipIf(backend.skip !== undefined)('sessions and tokens', () => {
    const grant = (sandboxId: string, userId: number, expiresAt = Date.now() + 60_000): Grant => ({ sandboxId, epoch: 'e1', userId, expiresAt });

    it('keeps a grant under its digest until it is deleted', async () => {
      const store = backend.grants(() => Date.now());
      await store.put('d1', grant('a', 1));
      expect(await store.get('d1')).toEqual(grant('a', 1, (await store.get('d1'))!.expiresAt));
      expect(await store.get('unknown')).toBeUndefined();
      expect(await store.delete('d1')).toBe(true);
      expect(await store.delete('d1')).toBe(false);
      expect(await store.get('d1')).toBeUndefined();
    });

    it('ends one user’s grants in one sandbox except the one kept, or every grant of a sandbox', async () => {
      const store = backend.grants(() => Date.now());
      await store.put('u1-a', grant('a', 1));
      await store.put('u1-b', grant('a', 1));
      await store.put('u2', grant('a', 2));
      await store.put('other-sandbox', grant('b', 1));
      expect(await store.deleteWhere('a', 1, 'u1-b')).toBe(1);
      expect(await store.get('u1-a')).toBeUndefined();
      expect(await store.get('u1-b')).toBeDefined();
      expect(await store.get('u2')).toBeDefined();
      expect(await store.deleteWhere('a', undefined)).toBe(2);
      expect(await store.get('u2')).toBeUndefined();
      expect(await store.get('other-sandbox')).toBeDefined();
    });
  });

  describe.skipIf(backend.skip !== undefined)('rate-limit buckets', () => {
    it('gives a full bucket, refuses the next take with what is left, and refills with time', async () => {
      const store = backend.buckets();
      const own = { key: 'learner', perMinute: 3 };
      for (let i = 0; i < 3; i += 1) expect((await store.take('login', own, undefined, 1_000)).refused).toBeUndefined();
      const refused = await store.take('login', own, undefined, 1_000);
      expect(refused.refused).toBe('own');
      expect(refused.tokens).toBeCloseTo(0, 5);
      // 20 s later one token (3 a minute) has come back.
      expect((await store.take('login', own, undefined, 21_000)).refused).toBeUndefined();
      expect((await store.take('login', own, undefined, 21_000)).refused).toBe('own');
      // Buckets of another name or key are separate.
      expect((await store.take('send', own, undefined, 21_000)).refused).toBeUndefined();
      expect((await store.take('login', { key: 'other', perMinute: 3 }, undefined, 21_000)).refused).toBeUndefined();
    });

    it('refuses on the shared address bucket without taking from the learner’s own', async () => {
      const store = backend.buckets();
      const shared = { key: '@address', perMinute: 2 };
      expect((await store.take('login', { key: 'one', perMinute: 5 }, shared, 0)).refused).toBeUndefined();
      expect((await store.take('login', { key: 'two', perMinute: 5 }, shared, 0)).refused).toBeUndefined();
      const third = await store.take('login', { key: 'three', perMinute: 1 }, shared, 0);
      expect(third.refused).toBe('shared');
      // "three" still has its one token: the shared refusal took nothing from it.
      expect((await store.take('login', { key: 'three', perMinute: 1 }, undefined, 0)).refused).toBeUndefined();
    });

    it('gives a token back on refund, never above the bucket’s size', async () => {
      const store = backend.buckets();
      const own = { key: 'account', perMinute: 2 };
      await store.take('fail', own, undefined, 0);
      await store.take('fail', own, undefined, 0);
      await store.refund('fail', own, 0);
      expect((await store.take('fail', own, undefined, 0)).refused).toBeUndefined();
      expect((await store.take('fail', own, undefined, 0)).refused).toBe('own');
      const full = { key: 'fresh', perMinute: 1 };
      await store.refund('fail', full, 0);
      await store.refund('fail', full, 0);
      expect((await store.take('fail', full, undefined, 0)).refused).toBeUndefined();
      expect((await store.take('fail', full, undefined, 0)).refused).toBe('own');
    });
  });

  describe.skipIf(backend.skip !== undefined)('Idempotency-Key answers', () => {
    it('lets one claim perform a key, tells the others it is in progress, then replays its answer', async () => {
      const store = backend.idempotency();
      // Many claims at once — for Redis from several stores, as several processes — and exactly one performs.
      const another = () => (backend.name === 'memory' ? store : backend.idempotency());
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : another()).claim('s\n1\nkey', 'body', 0)));
      expect(claims.filter((claim) => claim.kind === 'new')).toHaveLength(1);
      expect(claims.filter((claim) => claim.kind === 'in-progress')).toHaveLength(11);
      expect(await store.claim('s\n1\nkey', 'other body', 0)).toEqual({ kind: 'other-body' });
      await store.finish('s\n1\nkey', 'body', { id: 7 }, 0);
      expect(await another().claim('s\n1\nkey', 'body', 0)).toEqual({ kind: 'replay', result: { id: 7 } });
      expect(await store.claim('s\n1\nkey', 'other body', 0)).toEqual({ kind: 'other-body' });
      // Keys of another scope are separate.
      expect(await store.claim('s\n2\nkey', 'body', 0)).toEqual({ kind: 'new' });
    });

    it('forgets a released claim (the request failed), so a retry performs it; an answer is never released', async () => {
      const store = backend.idempotency();
      expect((await store.claim('failing', 'body', 0)).kind).toBe('new');
      await store.release('failing', 'body');
      expect((await store.claim('failing', 'body', 0)).kind).toBe('new');
      await store.finish('failing', 'body', { id: 1 }, 0);
      await store.release('failing', 'body');
      expect(await store.claim('failing', 'body', 0)).toEqual({ kind: 'replay', result: { id: 1 } });
    });

    it('holds at most the bound of answers, forgetting the oldest', async () => {
      const store = backend.idempotency(3);
      for (let i = 1; i <= 5; i += 1) {
        expect((await store.claim(`k${i}`, 'body', i)).kind).toBe('new');
        await store.finish(`k${i}`, 'body', { id: i }, i);
      }
      expect((await store.claim('k1', 'body', 6)).kind).toBe('new');
      expect(await store.claim('k5', 'body', 6)).toEqual({ kind: 'replay', result: { id: 5 } });
    });
  });

  describe.skipIf(backend.skip !== undefined)('export jobs', () => {
    const job = (id: string, sandboxId = 'maya', createdAt = 1_000): StoredJob => ({
      id,
      sandboxId,
      bookId: 3,
      createdAt,
      readyAt: createdAt + 5_000,
      snapshot: { id: 3, title: 'T', author: 'A', year: 1999, status: 'read', categoryId: null, ownerId: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
    });

    it('keeps a job as it started, in its sandbox only, until JOB_KEPT_MS after it is done', async () => {
      const store = backend.exportJobs();
      await store.put(job('aaaaaaaaaaaa'));
      const another = backend.name === 'memory' ? store : backend.exportJobs();
      expect(await another.get('maya', 'aaaaaaaaaaaa', 2_000)).toEqual(job('aaaaaaaaaaaa'));
      expect(await store.get('sam', 'aaaaaaaaaaaa', 2_000)).toBeUndefined();
      expect(await store.get('maya', 'bbbbbbbbbbbb', 2_000)).toBeUndefined();
      expect(await store.get('maya', 'aaaaaaaaaaaa', 6_000 + JOB_KEPT_MS - 1)).toBeDefined();
      expect(await store.get('maya', 'aaaaaaaaaaaa', 6_000 + JOB_KEPT_MS)).toBeUndefined();
    });

    it('holds at most the bound of jobs, dropping the oldest', async () => {
      const store = backend.exportJobs(2);
      for (const [i, id] of ['job000000001', 'job000000002', 'job000000003'].entries()) await store.put(job(id, 'maya', 1_000 + i));
      expect(await store.get('maya', 'job000000001', 2_000)).toBeUndefined();
      expect(await store.get('maya', 'job000000003', 2_000)).toBeDefined();
    });
  });
});
