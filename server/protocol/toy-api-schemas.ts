// JSON Schemas (TypeBox) of the toy API. The same objects validate requests, document the API in
// /openapi.json and give the client its types through server/protocol/api-types.ts: one source of truth.
import { Type } from 'typebox';

export const BOOK_STATUSES = ['unread', 'reading', 'read'] as const;

const Timestamps = {
  createdAt: Type.String({ format: 'date-time', description: 'When the item was created (UTC).' }),
  updatedAt: Type.String({ format: 'date-time', description: 'When the item last changed (UTC).' }),
};

const Id = Type.Integer({ minimum: 1, description: 'Numeric id, assigned by the server.' });

// ── Books ────────────────────────────────────────────────────────────────────────────────────────
const bookFields = {
  title: Type.String({ minLength: 1, maxLength: 200, description: 'Title of the book.' }),
  author: Type.String({ minLength: 1, maxLength: 200, description: 'Who wrote it.' }),
  year: Type.Integer({ minimum: -3000, maximum: 2100, description: 'Year of first publication.' }),
  status: Type.Enum([...BOOK_STATUSES], { description: 'Reading status: unread, reading or read.' }),
  categoryId: Type.Unsafe<number | null>({
    type: ['integer', 'null'],
    minimum: 1,
    description: 'Id of a category in /api/categories, or null.',
  }),
};

export const BookSchema = Type.Object(
  { id: Id, ...bookFields, ownerId: Id, ...Timestamps },
  { $id: 'Book', description: 'A book on a reading list. Only its owner may change it.' },
);

export const BookInputSchema = Type.Object(
  {
    title: bookFields.title,
    author: bookFields.author,
    year: bookFields.year,
    status: Type.Optional(bookFields.status),
    categoryId: Type.Optional(bookFields.categoryId),
  },
  {
    additionalProperties: false,
    description: 'A whole book, as sent with POST or PUT.',
    examples: [{ title: 'Kindred', author: 'Octavia E. Butler', year: 1979, status: 'unread', categoryId: 3 }],
  },
);

export const BookPatchSchema = Type.Object(
  {
    title: Type.Optional(bookFields.title),
    author: Type.Optional(bookFields.author),
    year: Type.Optional(bookFields.year),
    status: Type.Optional(bookFields.status),
    categoryId: Type.Optional(bookFields.categoryId),
  },
  {
    additionalProperties: false,
    description: 'The fields to change (JSON Merge Patch, RFC 7396).',
    examples: [{ status: 'read' }],
  },
);

// ── Categories ───────────────────────────────────────────────────────────────────────────────────
const categoryFields = {
  name: Type.String({ minLength: 1, maxLength: 60, description: 'Unique name (case-insensitive).' }),
  description: Type.String({ maxLength: 500, description: 'What belongs in the category.' }),
};

export const CategorySchema = Type.Object({ id: Id, ...categoryFields, ownerId: Id, ...Timestamps }, { $id: 'Category' });

export const CategoryInputSchema = Type.Object(
  { name: categoryFields.name, description: Type.Optional(categoryFields.description) },
  { additionalProperties: false, examples: [{ name: 'Poetry', description: 'Verse of every kind.' }] },
);

export const CategoryPatchSchema = Type.Object(
  { name: Type.Optional(categoryFields.name), description: Type.Optional(categoryFields.description) },
  { additionalProperties: false },
);

// ── Comments ─────────────────────────────────────────────────────────────────────────────────────
const commentBody = Type.String({ minLength: 1, maxLength: 2000, description: 'The comment text.' });

export const CommentSchema = Type.Object(
  { id: Id, bookId: Id, authorId: Id, body: commentBody, ...Timestamps },
  { $id: 'Comment', description: 'A comment on a book. Only its author may change it.' },
);

export const CommentInputSchema = Type.Object(
  { body: commentBody },
  { additionalProperties: false, examples: [{ body: 'The last chapter surprised me.' }] },
);

// ── Users ────────────────────────────────────────────────────────────────────────────────────────
const username = Type.String({
  pattern: '^[a-z0-9_]{3,30}$',
  description: '3 to 30 lower-case letters, digits or underscores.',
});
const password = Type.String({ minLength: 8, maxLength: 200, description: 'At least 8 characters.' });
const displayName = Type.String({ minLength: 1, maxLength: 80, description: 'Name shown to others.' });

export const UserSchema = Type.Object(
  { id: Id, username, displayName, ...Timestamps },
  { $id: 'User', description: 'A user. Passwords are stored as scrypt hashes and never returned.' },
);

export const UserInputSchema = Type.Object(
  { username, password, displayName: Type.Optional(displayName) },
  { additionalProperties: false, examples: [{ username: 'maya', password: 'correct horse', displayName: 'Maya' }] },
);

export const UserPatchSchema = Type.Object(
  { displayName: Type.Optional(displayName), password: Type.Optional(password) },
  { additionalProperties: false, examples: [{ displayName: 'Ada King' }] },
);

export const CredentialsSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 30 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, examples: [{ username: 'ada', password: 'lovelace' }] },
);

export const SessionSchema = Type.Object({
  user: UserSchema,
  expiresAt: Type.String({ format: 'date-time' }),
});

export const TokenSchema = Type.Object({
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Type.String({ format: 'date-time' }),
});

// ── Export jobs (asynchronous work: 202, then 303) ──────────────────────────────────────────────
export const ExportJobSchema = Type.Object({
  id: Type.String(),
  bookId: Id,
  state: Type.Enum(['running', 'done']),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  createdAt: Type.String({ format: 'date-time' }),
  readyAt: Type.String({ format: 'date-time' }),
  result: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'URL of the result once done.' }),
});

// ── Sandbox ──────────────────────────────────────────────────────────────────────────────────────
export const SandboxInfoSchema = Type.Object({
  id: Type.String(),
  shared: Type.Boolean({ description: 'True for the demo sandbox everyone without their own shares.' }),
  counts: Type.Record(Type.String(), Type.Integer()),
  limits: Type.Object({ itemsPerCollection: Type.Integer() }),
});

// ── Common ───────────────────────────────────────────────────────────────────────────────────────
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), location: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Page number, from 1.' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Items per page (1–100, default 10).' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text search.' })),
  sort: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated fields; prefix - for descending.' })),
  sandbox: Type.Optional(Type.String({ description: 'Sandbox to use (for clients without cookies).' })),
};

export const BookListQuerySchema = Type.Object(
  {
    ...paging,
    status: Type.Optional(bookFields.status),
    category: Type.Optional(Type.String({ maxLength: 60, description: 'Category name or id.' })),
    author: Type.Optional(Type.String({ maxLength: 200, description: 'Exact author (case-insensitive).' })),
    owner: Type.Optional(Type.String({ maxLength: 30, description: 'Owner username or id.' })),
    year: Type.Optional(Type.Integer({ minimum: -3000, maximum: 2100 })),
  },
  { additionalProperties: false },
);

/** Query of a collection with no filters of its own: pages, search and sort. */
export const PagingQuerySchema = Type.Object({ ...paging }, { additionalProperties: false });
export const CommentListQuerySchema = Type.Object(
  { ...paging, book: Type.Optional(Type.Integer({ minimum: 1 })), author: Type.Optional(Type.String({ maxLength: 30 })) },
  { additionalProperties: false },
);
export const SandboxQuerySchema = Type.Object(
  { sandbox: paging.sandbox },
  { additionalProperties: false },
);
