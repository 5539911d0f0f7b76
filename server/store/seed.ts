// The seed data every sandbox starts from: a dozen books, a few categories, comments, and two demo
// users who own different books. Frozen, because sandboxes share it until they write.
import type { Book, Category, Comment } from '../protocol/api-types';
import { hashPasswordSync } from '../services/passwords';
import type { Entity, UserRecord } from './types';

/** The demo accounts learners log in with; lessons and problem bodies quote these. */
export const DEMO_USERS = [
  { username: 'ada', password: 'lovelace', displayName: 'Ada Lovelace' },
  { username: 'grace', password: 'hopper', displayName: 'Grace Hopper' },
] as const;

export interface SeedData {
  books: ReadonlyMap<number, Book>;
  categories: ReadonlyMap<number, Category>;
  comments: ReadonlyMap<number, Comment>;
  users: ReadonlyMap<number, UserRecord>;
}

const SEED_TIME = '2026-01-05T09:00:00.000Z';

function table<T extends Entity>(rows: Omit<T, 'id' | 'createdAt' | 'updatedAt'>[]): ReadonlyMap<number, T> {
  return new Map(
    rows.map((row, index) => {
      const item = Object.freeze({ id: index + 1, ...row, createdAt: SEED_TIME, updatedAt: SEED_TIME }) as T;
      return [item.id, item];
    }),
  );
}

let cached: SeedData | undefined;

/** Builds the seed once per process (hashing the demo passwords takes a moment). */
export function seedData(): SeedData {
  cached ??= {
    users: table<UserRecord>(
      DEMO_USERS.map((user) => ({
        username: user.username,
        displayName: user.displayName,
        passwordHash: hashPasswordSync(user.password),
      })),
    ),
    categories: table<Category>([
      { name: 'Programming', description: 'Books about writing software.', ownerId: 1 },
      { name: 'Networking', description: 'How computers talk to each other.', ownerId: 1 },
      { name: 'Fiction', description: 'Stories.', ownerId: 2 },
      { name: 'Science', description: 'How the world works.', ownerId: 2 },
    ]),
    books: table<Book>([
      { title: 'Structure and Interpretation of Computer Programs', author: 'Harold Abelson', year: 1985, status: 'read', categoryId: 1, ownerId: 1 },
      { title: 'The Pragmatic Programmer', author: 'Andrew Hunt', year: 1999, status: 'reading', categoryId: 1, ownerId: 1 },
      { title: 'Computer Networks', author: 'Andrew Tanenbaum', year: 1981, status: 'unread', categoryId: 2, ownerId: 1 },
      { title: 'TCP/IP Illustrated', author: 'W. Richard Stevens', year: 1994, status: 'read', categoryId: 2, ownerId: 1 },
      { title: 'HTTP: The Definitive Guide', author: 'David Gourley', year: 2002, status: 'reading', categoryId: 2, ownerId: 1 },
      { title: 'Frankenstein', author: 'Mary Shelley', year: 1818, status: 'read', categoryId: 3, ownerId: 1 },
      { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969, status: 'unread', categoryId: 3, ownerId: 2 },
      { title: 'Neuromancer', author: 'William Gibson', year: 1984, status: 'read', categoryId: 3, ownerId: 2 },
      { title: 'A Brief History of Time', author: 'Stephen Hawking', year: 1988, status: 'unread', categoryId: 4, ownerId: 2 },
      { title: 'The Selfish Gene', author: 'Richard Dawkins', year: 1976, status: 'reading', categoryId: 4, ownerId: 2 },
      { title: 'Clean Code', author: 'Robert C. Martin', year: 2008, status: 'unread', categoryId: 1, ownerId: 2 },
      { title: 'Weaving the Web', author: 'Tim Berners-Lee', year: 1999, status: 'read', categoryId: 2, ownerId: 2 },
    ]),
    comments: table<Comment>([
      { bookId: 1, authorId: 2, body: 'The chapter on streams changed how I think about loops.' },
      { bookId: 1, authorId: 1, body: 'Worth reading twice.' },
      { bookId: 5, authorId: 2, body: 'Good on caching headers.' },
      { bookId: 12, authorId: 1, body: 'The origin story of HTTP, told by its author.' },
    ]),
  };
  return cached;
}
