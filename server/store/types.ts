// Storage behind a small interface: the in-memory store implements it now, and another store
// (a file snapshot, a database) can plug in later without touching the routes.
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
  list(): readonly T[];
  get(id: number): T | undefined;
  /** Adds an item; throws CollectionFullError at the item limit. */
  insert(fields: Fields<T>): T;
  /** Replaces an item's fields; undefined when there is no such item. */
  replace(id: number, fields: Fields<T>): T | undefined;
  /** Removes an item and returns it; undefined when there was none. */
  remove(id: number): T | undefined;
  count(): number;
  /** Increases on every write: a cheap version for caches of what was computed from the collection. */
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
  open(id: string): SandboxData;
  /** Whether a sandbox with this id exists now. */
  has(id: string): boolean;
  /** Throws the sandbox's changes away: it holds the seed data again. */
  reset(id: string): SandboxData;
  /** Number of sandboxes held. */
  size(): number;
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
