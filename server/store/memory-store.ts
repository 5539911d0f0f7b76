// In-memory sandboxes with copy-on-write: every sandbox starts by sharing the seed data and copies a
// collection only when it first writes to it, so thousands of learners cost little memory.
import {
  COLLECTION_NAMES,
  CollectionFullError,
  type Collection,
  type CollectionName,
  type Entity,
  type Fields,
  type SandboxData,
  type SandboxStore,
} from './types';
import type { SeedData } from './seed';

export interface MemoryStoreOptions {
  seed: () => SeedData;
  /** Most sandboxes held at once; the least recently used private one is evicted beyond it. */
  maxSandboxes: number;
  /** Most items in one collection of one sandbox. */
  itemLimit: number;
  /** Sandboxes unused for this long are dropped. */
  idleMs: number;
  /** Ids never evicted (the shared demo sandbox). */
  pinned: readonly string[];
  now?: () => Date;
}

class MemoryCollection<T extends Entity> implements Collection<T> {
  #items: Map<number, T>;
  #copied = false;
  #nextId: number;

  constructor(
    private readonly name: string,
    seed: ReadonlyMap<number, T>,
    private readonly limit: number,
    private readonly now: () => Date,
  ) {
    this.#items = seed as Map<number, T>;
    this.#nextId = Math.max(0, ...seed.keys()) + 1;
  }

  #writable(): Map<number, T> {
    if (!this.#copied) {
      this.#items = new Map(this.#items);
      this.#copied = true;
    }
    return this.#items;
  }

  list(): readonly T[] {
    return [...this.#items.values()];
  }

  get(id: number): T | undefined {
    return this.#items.get(id);
  }

  insert(fields: Fields<T>): T {
    if (this.#items.size >= this.limit) throw new CollectionFullError(this.name, this.limit);
    const stamp = this.now().toISOString();
    const item = Object.freeze({ id: this.#nextId++, ...fields, createdAt: stamp, updatedAt: stamp }) as T;
    this.#writable().set(item.id, item);
    return item;
  }

  replace(id: number, fields: Fields<T>): T | undefined {
    const existing = this.#items.get(id);
    if (!existing) return undefined;
    const item = Object.freeze({
      id,
      ...fields,
      createdAt: existing.createdAt,
      updatedAt: this.now().toISOString(),
    }) as T;
    this.#writable().set(id, item);
    return item;
  }

  remove(id: number): T | undefined {
    const existing = this.#items.get(id);
    if (existing) this.#writable().delete(id);
    return existing;
  }

  count(): number {
    return this.#items.size;
  }
}

interface Held {
  data: SandboxData;
  lastUsed: number;
}

export class MemorySandboxStore implements SandboxStore {
  /** Map order is recency order: open() moves a sandbox to the end. */
  readonly #sandboxes = new Map<string, Held>();
  readonly #seed: SeedData;
  readonly #now: () => Date;

  constructor(private readonly options: MemoryStoreOptions) {
    this.#seed = options.seed();
    this.#now = options.now ?? (() => new Date());
  }

  #create(id: string): SandboxData {
    const make = <T extends Entity>(name: CollectionName) =>
      new MemoryCollection<T>(name, this.#seed[name] as unknown as ReadonlyMap<number, T>, this.options.itemLimit, this.#now);
    return {
      id,
      books: make('books'),
      categories: make('categories'),
      comments: make('comments'),
      users: make('users'),
    };
  }

  #evict(nowMs: number): void {
    for (const [id, held] of this.#sandboxes) {
      const overLimit = this.#sandboxes.size > this.options.maxSandboxes;
      const idle = nowMs - held.lastUsed > this.options.idleMs;
      if (!overLimit && !idle) break;
      if (this.options.pinned.includes(id)) continue;
      this.#sandboxes.delete(id);
    }
  }

  open(id: string): SandboxData {
    const nowMs = this.#now().getTime();
    let held = this.#sandboxes.get(id);
    if (held) {
      this.#sandboxes.delete(id);
    } else {
      held = { data: this.#create(id), lastUsed: nowMs };
    }
    held.lastUsed = nowMs;
    this.#sandboxes.set(id, held);
    this.#evict(nowMs);
    return held.data;
  }

  has(id: string): boolean {
    return this.#sandboxes.has(id);
  }

  reset(id: string): SandboxData {
    this.#sandboxes.delete(id);
    return this.open(id);
  }

  size(): number {
    return this.#sandboxes.size;
  }
}

export { COLLECTION_NAMES };
