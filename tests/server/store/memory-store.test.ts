import { describe, expect, it } from 'vitest';
import { MemorySandboxStore } from '../../../server/store/memory-store';
import { seedData } from '../../../server/store/seed';
import { CollectionFullError } from '../../../server/store/types';

const store = (options: Partial<ConstructorParameters<typeof MemorySandboxStore>[0]> = {}) =>
  new MemorySandboxStore({ seed: seedData, maxSandboxes: 10, itemLimit: 100, idleMs: 60_000, pinned: ['demo'], ...options });

describe('MemorySandboxStore', async () => {
  it('starts every sandbox from the seed and keeps writes private (copy on write)', async () => {
    const s = store();
    const a = await s.open('a');
    const b = await s.open('b');
    await a.books.insert({ title: 't', author: 'x', year: 1, status: 'read', categoryId: null, ownerId: 1 });
    await a.books.remove(1);
    expect(await a.books.count()).toBe(12);
    expect(await a.books.get(1)).toBeUndefined();
    expect((await b.books.get(1))?.title).toBe('Structure and Interpretation of Computer Programs');
    expect(seedData().books.size).toBe(12);
  });

  it('assigns increasing ids and keeps createdAt on replace', async () => {
    const clock = { now: new Date('2026-01-01T00:00:00Z') };
    const s = store({ now: () => clock.now });
    const data = await s.open('x');
    const created = await data.categories.insert({ name: 'n', description: '' });
    expect(created.id).toBe(5);
    clock.now = new Date('2026-02-01T00:00:00Z');
    const replaced = (await data.categories.replace(5, { name: 'm', description: 'd' }))!;
    expect(replaced.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(replaced.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(Object.isFrozen(replaced)).toBe(true);
  });

  it('throws CollectionFullError at the item limit', async () => {
    const data = await store({ itemLimit: 5 }).open('x');
    await data.categories.insert({ name: 'n', description: '' });
    await expect(data.categories.insert({ name: 'o', description: '' })).rejects.toThrow(CollectionFullError);
  });

  it('evicts idle sandboxes but keeps the pinned demo one', async () => {
    const clock = { now: new Date(0) };
    const s = store({ idleMs: 1_000, now: () => clock.now });
    await s.open('demo');
    await s.open('old');
    clock.now = new Date(5_000);
    await s.open('new');
    expect(await s.has('old')).toBe(false);
    expect(await s.has('demo')).toBe(true);
    expect(await s.has('new')).toBe(true);
  });
});
