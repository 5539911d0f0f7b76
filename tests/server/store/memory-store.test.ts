import { describe, expect, it } from 'vitest';
import { MemorySandboxStore } from '../../../server/store/memory-store';
import { seedData } from '../../../server/store/seed';
import { CollectionFullError } from '../../../server/store/types';

const store = (options: Partial<ConstructorParameters<typeof MemorySandboxStore>[0]> = {}) =>
  new MemorySandboxStore({ seed: seedData, maxSandboxes: 10, itemLimit: 100, idleMs: 60_000, pinned: ['demo'], ...options });

describe('MemorySandboxStore', () => {
  it('starts every sandbox from the seed and keeps writes private (copy on write)', () => {
    const s = store();
    const a = s.open('a');
    const b = s.open('b');
    a.books.insert({ title: 't', author: 'x', year: 1, status: 'read', categoryId: null, ownerId: 1 });
    a.books.remove(1);
    expect(a.books.count()).toBe(12);
    expect(a.books.get(1)).toBeUndefined();
    expect(b.books.get(1)?.title).toBe('Structure and Interpretation of Computer Programs');
    expect(seedData().books.size).toBe(12);
  });

  it('assigns increasing ids and keeps createdAt on replace', () => {
    const clock = { now: new Date('2026-01-01T00:00:00Z') };
    const s = store({ now: () => clock.now });
    const data = s.open('x');
    const created = data.categories.insert({ name: 'n', description: '' });
    expect(created.id).toBe(5);
    clock.now = new Date('2026-02-01T00:00:00Z');
    const replaced = data.categories.replace(5, { name: 'm', description: 'd' })!;
    expect(replaced.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(replaced.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(Object.isFrozen(replaced)).toBe(true);
  });

  it('throws CollectionFullError at the item limit', () => {
    const data = store({ itemLimit: 5 }).open('x');
    data.categories.insert({ name: 'n', description: '' });
    expect(() => data.categories.insert({ name: 'o', description: '' })).toThrow(CollectionFullError);
  });

  it('evicts idle sandboxes but keeps the pinned demo one', () => {
    const clock = { now: new Date(0) };
    const s = store({ idleMs: 1_000, now: () => clock.now });
    s.open('demo');
    s.open('old');
    clock.now = new Date(5_000);
    s.open('new');
    expect(s.has('old')).toBe(false);
    expect(s.has('demo')).toBe(true);
    expect(s.has('new')).toBe(true);
  });
});
