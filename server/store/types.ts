// Storage behind a small interface with two implementations: memory (the default, with an optional DATA_DIR
// journal; memory-store.ts) and Redis when REDIS_URL is set (redis-store.ts), so several processes share
// sandboxes. Every call is async because the Redis one is a round trip; tests/server/store/contract.test.ts
// holds both to the same behaviour.
import type { Book, Category, Comment, User } from '../protocol/api-types';

export interface Entity {
  id: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller supplies; the store assigns id and timestamps. */
export type Fields<T extends Entity> = Omit<T, keyof Entity>;

/** A user as stored: the public fields plus the scrypt hash that is never sent. */
export interface UserRecord extends User {
  passwordHash: string;
}

export interface Collection<T extends Entity> {
  /** Every item, in id order. */
  list(): Promise<readonly T[]>;
  get(id: number): Promise<T | undefined>;
  /** Adds an item; rejects with CollectionFullError at the item limit. */
  insert(fields: Fields<T>): Promise<T>;
  /** Replaces an item's fields; undefined when there is no such item. */
  replace(id: number, fields: Fields<T>): Promise<T | undefined>;
  /** Removes an item and returns it; undefined when there was none. */
  remove(id: number): Promise<T | undefined>;
  count(): Promise<number>;
  /**
   * Changes on every write, and is never reused (not even after a reset): a cheap version for caches of what
   * was computed from the collection. As of when the sandbox was opened, or this handle's own last write.
   */
  readonly revision: number;
}

export interface SandboxData {
  readonly id: string;
  /**
   * This incarnation of the sandbox: a random value drawn when it is created, again after a reset or after
   * it was evicted and opened anew. Credentials record it, so they die with the data they were issued for.
   */
  readonly epoch: string;
  readonly books: Collection<Book>;
  readonly categories: Collection<Category>;
  readonly comments: Collection<Comment>;
  readonly users: Collection<UserRecord>;
}

export type CollectionName = 'books' | 'categories' | 'comments' | 'users';
export const COLLECTION_NAMES: readonly CollectionName[] = ['books', 'categories', 'comments', 'users'];

export interface SandboxStore {
  /** The sandbox with this id, created from the seed data when it does not exist yet. */
  open(id: string): Promise<SandboxData>;
  /** Whether a sandbox with this id exists now. */
  has(id: string): Promise<boolean>;
  /** Throws the sandbox's changes away: it holds the seed data again, under a new epoch. */
  reset(id: string): Promise<SandboxData>;
  /** Number of sandboxes held. */
  size(): Promise<number>;
}

/** Thrown when a sandbox collection is at its item limit (the API answers 507). */
export class CollectionFullError extends Error {
  constructor(
    readonly collection: string,
    readonly limit: number,
  ) {
    super(`The ${collection} collection of this sandbox is full (${limit} items).`);
  }
}
