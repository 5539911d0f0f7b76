// In-memory sandboxes with copy-on-write: every sandbox starts by sharing the seed data and copies a
// collection only when it first writes to it, so thousands of learners cost little memory.
import { randomBytes } from 'node:crypto';
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
import { traceGet, traceList, traceWrite } from './trace-steps';

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

/** A collection as saved in a snapshot: only collections a sandbox changed are saved. */
export interface CollectionSnapshot {
  nextId: number;
  items: Entity[];
}

export interface StoreSnapshot {
  version: 1;
  sandboxes: { id: string; epoch?: string; lastUsed: number; collections: Partial<Record<CollectionName, CollectionSnapshot>> }[];
}

/** One change, as the journal keeps it (server/store/journal.ts), in terms a replay can apply again. */
export type StoreRecord =
  | { op: 'fresh'; s: string; e: string }
  | { op: 'drop'; s: string }
  | { op: 'put'; s: string; c: CollectionName; item: Entity; n: number }
  | { op: 'del'; s: string; c: CollectionName; id: number; n: number };

type CollectionChange = { op: 'put'; item: Entity; n: number } | { op: 'del'; id: number; n: number };

let nextRevision = 1;

class MemoryCollection<T extends Entity> implements Collection<T> {
  #items: Map<number, T>;
  #copied = false;
  #nextId: number;
  /** Called after every write with what changed (the store counts and journals changes). */
  onWrite: (change: CollectionChange) => void = () => undefined;

  constructor(
    private readonly name: string,
    seed: ReadonlyMap<number, T>,
    private readonly limit: number,
    private readonly now: () => Date,
  ) {
    this.#items = seed as Map<number, T>;
    this.#nextId = Math.max(0, ...seed.keys()) + 1;
  }

  /** The collection's own state, when it has diverged from the seed. */
  snapshot(): CollectionSnapshot | undefined {
    return this.#copied ? { nextId: this.#nextId, items: [...this.#items.values()] } : undefined;
  }

  restore(snapshot: CollectionSnapshot): void {
    this.#revision = nextRevision++;
    this.#items = new Map(snapshot.items.map((item) => [item.id, Object.freeze({ ...item }) as T]));
    this.#copied = true;
    this.#nextId = snapshot.nextId;
  }

  // Revisions come from one process-wide counter, so a reset or re-created sandbox never reuses one.
  #revision = nextRevision++;

  get revision(): number {
    return this.#revision;
  }

  #writable(): Map<number, T> {
    this.#revision = nextRevision++;
    if (!this.#copied) {
      this.#items = new Map(this.#items);
      this.#copied = true;
    }
    return this.#items;
  }

  async list(): Promise<readonly T[]> {
    const items = [...this.#items.values()];
    traceList(this.name, items.length);
    return items;
  }

  async get(id: number): Promise<T | undefined> {
    const item = this.#items.get(id);
    traceGet(this.name, id, item !== undefined);
    return item;
  }

  async insert(fields: Fields<T>): Promise<T> {
    if (this.#items.size >= this.limit) throw new CollectionFullError(this.name, this.limit);
    const stamp = this.now().toISOString();
    const item = Object.freeze({ id: this.#nextId++, ...fields, createdAt: stamp, updatedAt: stamp }) as T;
    this.#writable().set(item.id, item);
    this.onWrite({ op: 'put', item, n: this.#nextId });
    traceWrite('insert', this.name, item.id, undefined, item);
    return item;
  }

  async replace(id: number, fields: Fields<T>): Promise<T | undefined> {
    const existing = this.#items.get(id);
    if (!existing) return undefined;
    const item = Object.freeze({
      id,
      ...fields,
      createdAt: existing.createdAt,
      updatedAt: this.now().toISOString(),
    }) as T;
    this.#writable().set(id, item);
    this.onWrite({ op: 'put', item, n: this.#nextId });
    traceWrite('update', this.name, id, existing, item);
    return item;
  }

  async remove(id: number): Promise<T | undefined> {
    const existing = this.#items.get(id);
    if (existing) {
      this.#writable().delete(id);
      this.onWrite({ op: 'del', id, n: this.#nextId });
      traceWrite('delete', this.name, id, existing, undefined);
    }
    return existing;
  }

  async count(): Promise<number> {
    return this.#items.size;
  }

  /** Replays a journalled put or delete. */
  apply(change: CollectionChange): void {
    if (change.op === 'put') this.#writable().set(change.item.id, Object.freeze({ ...change.item }) as T);
    else this.#writable().delete(change.id);
    this.#nextId = Math.max(this.#nextId, change.n);
  }
}

interface Held {
  data: SandboxData;
  collections: Record<CollectionName, MemoryCollection<Entity>>;
  lastUsed: number;
}

export class MemorySandboxStore implements SandboxStore {
  /** Map order is recency order: open() moves a sandbox to the end. */
  readonly #sandboxes = new Map<string, Held>();
  /**
   * Sandboxes opened once and never written to — what a script inventing a name per request leaves behind —
   * in the order they were made. Beyond SANDBOX_MAX these go first, so a flood of made-up names never evicts
   * a sandbox someone is using.
   */
  readonly #passing = new Set<string>();
  readonly #seed: SeedData;
  readonly #now: () => Date;
  /** The clock in ms (Date.now without an injected clock: no Date per request). */
  readonly #nowMs: () => number;
  /** The sandbox opened last (the end of #sandboxes): opening it again needs no reordering. */
  #latest: Held | undefined;
  /** Increases on every change; persistence compares it to know whether to save. */
  changes = 0;
  /** Receives every change as a record (persistence journals them before answering). */
  onRecord: ((record: StoreRecord) => void) | undefined;

  constructor(private readonly options: MemoryStoreOptions) {
    this.#seed = options.seed();
    this.#now = options.now ?? (() => new Date());
    const injected = options.now;
    this.#nowMs = injected ? () => injected().getTime() : Date.now;
  }

  #create(id: string, lastUsed: number, epoch = randomBytes(12).toString('base64url')): Held {
    const make = (name: CollectionName) => {
      const collection = new MemoryCollection<Entity>(name, this.#seed[name] as unknown as ReadonlyMap<number, Entity>, this.options.itemLimit, this.#now);
      collection.onWrite = (change) => {
        this.#passing.delete(id);
        this.changes += 1;
        this.onRecord?.({ ...change, s: id, c: name });
      };
      return collection;
    };
    const collections = { books: make('books'), categories: make('categories'), comments: make('comments'), users: make('users') };
    const data = { id, epoch, ...collections } as unknown as SandboxData;
    return { data, collections, lastUsed };
  }

  #drop(id: string): void {
    this.#sandboxes.delete(id);
    this.#passing.delete(id);
    this.changes += 1;
    this.onRecord?.({ op: 'drop', s: id });
  }

  #evict(nowMs: number, current: string): void {
    // Over the limit, a passing sandbox (other than the one just opened) goes first.
    while (this.#sandboxes.size > this.options.maxSandboxes) {
      let victim: string | undefined;
      for (const id of this.#passing) {
        if (id !== current) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) break;
      this.#drop(victim);
    }
    for (const [id, held] of this.#sandboxes) {
      const overLimit = this.#sandboxes.size > this.options.maxSandboxes;
      const idle = nowMs - held.lastUsed > this.options.idleMs;
      if (!overLimit && !idle) break;
      if (this.options.pinned.includes(id)) continue;
      this.#drop(id);
    }
  }

  async open(id: string): Promise<SandboxData> {
    return this.#open(id);
  }

  #open(id: string): SandboxData {
    const nowMs = this.#nowMs();
    const latest = this.#latest;
    if (latest !== undefined && latest.data.id === id && this.#sandboxes.get(id) === latest && !this.#passing.has(id)) {
      // The same sandbox as the last request (the demo sandbox, or one learner's): already last in recency order.
      latest.lastUsed = nowMs;
      this.#evict(nowMs, id);
      return latest.data;
    }
    let held = this.#sandboxes.get(id);
    if (held) {
      this.#sandboxes.delete(id);
      // Used a second time: someone is working in it.
      this.#passing.delete(id);
    } else {
      held = this.#create(id, nowMs);
      if (!this.options.pinned.includes(id)) this.#passing.add(id);
      this.changes += 1;
      this.onRecord?.({ op: 'fresh', s: id, e: held.data.epoch });
    }
    held.lastUsed = nowMs;
    this.#sandboxes.set(id, held);
    this.#latest = held;
    this.#evict(nowMs, id);
    return held.data;
  }

  async has(id: string): Promise<boolean> {
    return this.#sandboxes.has(id);
  }

  async reset(id: string): Promise<SandboxData> {
    this.#sandboxes.delete(id);
    this.#passing.delete(id);
    this.changes += 1;
    return this.#open(id);
  }

  /** Applies a journalled change again (at start, after the snapshot). */
  applyRecord(record: StoreRecord): void {
    if (record.op === 'drop') {
      this.#sandboxes.delete(record.s);
      this.#passing.delete(record.s);
      return;
    }
    if (record.op === 'fresh') {
      this.#sandboxes.delete(record.s);
      this.#sandboxes.set(record.s, this.#create(record.s, this.#now().getTime(), record.e));
      this.#latest = undefined;
      return;
    }
    let held = this.#sandboxes.get(record.s);
    if (!held) {
      held = this.#create(record.s, this.#now().getTime());
      this.#sandboxes.set(record.s, held);
      this.#latest = undefined;
    }
    held.collections[record.c].apply(record);
  }

  /** Every sandbox (the seed data is left out), for a snapshot. */
  exportState(): StoreSnapshot {
    const sandboxes: StoreSnapshot['sandboxes'] = [];
    for (const [id, held] of this.#sandboxes) {
      const collections: Partial<Record<CollectionName, CollectionSnapshot>> = {};
      for (const name of COLLECTION_NAMES) {
        const state = held.collections[name].snapshot();
        if (state) collections[name] = state;
      }
      // Every sandbox is saved, changed or not: its epoch keeps the credentials issued in it valid.
      sandboxes.push({ id, epoch: held.data.epoch, lastUsed: held.lastUsed, collections });
    }
    return { version: 1, sandboxes };
  }

  /** Restores a snapshot taken by exportState (at start, before any request). */
  importState(snapshot: StoreSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`Unknown snapshot version ${String(snapshot.version)}`);
    for (const saved of snapshot.sandboxes) {
      const held = this.#create(saved.id, saved.lastUsed, saved.epoch);
      for (const [name, state] of Object.entries(saved.collections)) held.collections[name as CollectionName].restore(state!);
      this.#sandboxes.set(saved.id, held);
      this.#latest = undefined;
    }
  }

  async size(): Promise<number> {
    return this.#sandboxes.size;
  }
}

export { COLLECTION_NAMES };
