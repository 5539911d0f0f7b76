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
}

const defaults = (options: StoreOptions) => ({ seed: seedData, maxSandboxes: 10, itemLimit: 100, idleMs: 60_000, pinned: ['demo'], ...options });

const memory: Backend = {
  name: 'memory',
  sandboxes: (options = {}) => new MemorySandboxStore(defaults(options)),
  grants: (now) => new MemoryGrantStore(now),
  buckets: () => new MemoryBucketStore(),
};

let server: RedisServer | undefined;
let client: Redis | undefined;
const redis: Backend = {
  name: 'redis',
  skip: redisSkipReason(),
  sandboxes: (options = {}) => new RedisSandboxStore(client!, defaults(options)),
  grants: (now) => new RedisGrantStore(client!, now),
  buckets: () => new RedisBucketStore(client!),
};

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
});
