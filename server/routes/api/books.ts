// /api/books: the toy API's main resource. Each handler shows one HTTP rule a lesson points at.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../http/problem';
import { checkWritePreconditions, sendRepresentation } from '../../http/send-representation';
import { JSON_MEDIA_TYPES, JSON_ONLY } from '../../http/json-body';
import {
  BookInputSchema,
  BookListQuerySchema,
  BookPatchSchema,
  BookSchema,
  IdParamsSchema,
  SandboxQuerySchema,
} from '../../protocol/toy-api-schemas';
import type { Book } from '../../protocol/api-types';
import type { SandboxData, UserRecord } from '../../store/types';
import { checkOwner } from './owner-rule';
import { NoContent, declareResource, loggedIn, findOr404, problemResponses, sendList } from './collection';
import { IdempotencyKeys } from './idempotency-keys';
import { MemoryIdempotencyStore } from '../../store/idempotency';
import { RedisIdempotencyStore } from '../../store/redis/idempotency';

const BOOK = { root: 'book', item: 'book' };
const BOOKS = { root: 'books', item: 'book' };

async function checkCategory(data: SandboxData, categoryId: number | null | undefined): Promise<void> {
  if (categoryId === null || categoryId === undefined) return;
  if (!(await data.categories.get(categoryId))) {
    throw new HttpProblem(
      'validation-failed',
      `\`categoryId\` ${categoryId} does not match any category in your sandbox. GET /api/categories lists them; use one of their ids, or null.`,
      { errors: [{ field: 'categoryId', location: 'body', message: `no category has id ${categoryId}` }] },
    );
  }
}

/** Only a book's owner may change it (authorisation, 403), once we know who is asking (authentication, 401). */
function checkBookOwner(book: Book, user: UserRecord, data: SandboxData, action: string): Promise<void> {
  return checkOwner('book', book, user, data, action, `Try one of your own books (GET /api/books?owner=${user.username}).`);
}

function bookUrl(id: number): string {
  return `/api/books/${id}`;
}

const books: FastifyPluginAsyncTypebox = async (app) => {
  const createdBooks = new IdempotencyKeys<Book>(
    app.sharedRedis ? new RedisIdempotencyStore<Book>(app.sharedRedis.client) : new MemoryIdempotencyStore<Book>(),
  );
  declareResource(app, '/books', ['GET', 'POST']);
  declareResource(app, '/books/:id', ['GET', 'PUT', 'PATCH', 'DELETE']);

  // A learner sees one page of books, with X-Total-Count and a Link header to the other pages.
  app.get(
    '/books',
    {
      schema: {
        tags: ['books'],
        summary: 'List books (search, filter, sort, pages)',
        querystring: BookListQuerySchema,
        response: { 200: Type.Array(BookSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { id, data } = await app.sandboxes.forRequest(request);
      const query = request.query;
      let items = await data.books.list();
      if (query.status) items = items.filter((book) => book.status === query.status);
      if (query.year !== undefined) items = items.filter((book) => book.year === query.year);
      if (query.author) {
        const author = query.author.toLowerCase();
        items = items.filter((book) => book.author.toLowerCase() === author);
      }
      if (query.category) {
        const wanted = query.category.toLowerCase();
        const category = (await data.categories.list()).find((c) => String(c.id) === wanted || c.name.toLowerCase() === wanted);
        items = category ? items.filter((book) => book.categoryId === category.id) : [];
      }
      if (query.owner) {
        const wanted = query.owner.toLowerCase();
        const owner = (await data.users.list()).find((u) => String(u.id) === wanted || u.username === wanted);
        items = owner ? items.filter((book) => book.ownerId === owner.id) : [];
      }
      return sendList(request, reply, items, query, {
        // The page depends on the books, and on categories and users through the filters.
        cacheKey: `books|${id}|${data.books.revision}|${data.categories.revision}|${data.users.revision}`,
        names: BOOKS,
        searchFields: ['title', 'author'],
        sortable: ['id', 'title', 'author', 'year', 'status', 'createdAt', 'updatedAt'],
      });
    },
  );

  // A learner creates a book: 201 Created, a Location header pointing at it, and the book itself.
  app.post(
    '/books',
    {
      config: { accepts: JSON_ONLY, login: 'add a book' },
      schema: {
        tags: ['books'],
        summary: 'Add a book (logged in)',
        querystring: SandboxQuerySchema,
        body: BookInputSchema,
        response: { 201: BookSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const input = request.body;
      // A retry with the same Idempotency-Key gets the first answer again, not a second book.
      const key = IdempotencyKeys.keyOf(request);
      const create = async () => {
        await checkCategory(sandbox.data, input.categoryId);
        return sandbox.data.books.insert({
          title: input.title,
          author: input.author,
          year: input.year,
          status: input.status ?? 'unread',
          categoryId: input.categoryId ?? null,
          ownerId: user.id,
        });
      };
      const book = key === undefined ? await create() : await createdBooks.once(`${sandbox.id}\n${user.id}`, key, JSON.stringify(input), create);
      reply.header('location', bookUrl(book.id));
      return sendRepresentation(request, reply, book, { names: BOOK, status: 201, etag: true, lastModified: book.updatedAt });
    },
  );

  // A learner reads one book, with ETag and Last-Modified to revalidate it later (304).
  app.get(
    '/books/:id',
    {
      schema: {
        tags: ['books'],
        summary: 'Get one book',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        response: { 200: BookSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const book = findOr404(await data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      return sendRepresentation(request, reply, book, { names: BOOK, etag: true, lastModified: book.updatedAt });
    },
  );

  // A learner replaces a book whole: sending the same PUT twice leaves the same state (idempotent).
  app.put(
    '/books/:id',
    {
      config: { accepts: JSON_ONLY, login: 'replace a book' },
      schema: {
        tags: ['books'],
        summary: 'Replace a book (owner only)',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        body: BookInputSchema,
        response: { 200: BookSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const book = findOr404(await sandbox.data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      await checkBookOwner(book, user, sandbox.data, 'replace');
      checkWritePreconditions(request, book);
      const input = request.body;
      await checkCategory(sandbox.data, input.categoryId);
      const fields = {
        title: input.title,
        author: input.author,
        year: input.year,
        status: input.status ?? 'unread',
        categoryId: input.categoryId ?? null,
        ownerId: book.ownerId,
      };
      const unchanged = (Object.keys(fields) as (keyof typeof fields)[]).every((key) => fields[key] === book[key]);
      const updated = unchanged ? book : (await sandbox.data.books.replace(book.id, fields))!;
      return sendRepresentation(request, reply, updated, { names: BOOK, etag: true, lastModified: updated.updatedAt });
    },
  );

  // A learner changes some fields only (JSON Merge Patch, RFC 7396).
  app.patch(
    '/books/:id',
    {
      config: { accepts: JSON_MEDIA_TYPES, login: 'change a book' },
      schema: {
        tags: ['books'],
        summary: 'Change some fields of a book (owner only)',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        consumes: [...JSON_MEDIA_TYPES],
        body: BookPatchSchema,
        response: { 200: BookSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const book = findOr404(await sandbox.data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      await checkBookOwner(book, user, sandbox.data, 'change');
      checkWritePreconditions(request, book);
      const patch = request.body;
      await checkCategory(sandbox.data, patch.categoryId);
      const { id: _id, createdAt: _c, updatedAt: _u, ...current } = book;
      const fields = { ...current, ...patch };
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some((key) => patch[key] !== book[key]);
      const updated = changed ? (await sandbox.data.books.replace(book.id, fields))! : book;
      return sendRepresentation(request, reply, updated, { names: BOOK, etag: true, lastModified: updated.updatedAt });
    },
  );

  // A learner deletes a book: 204 No Content; the same DELETE again gets 404.
  app.delete(
    '/books/:id',
    {
      config: { login: 'delete a book' },
      schema: {
        tags: ['books'],
        summary: 'Delete a book and its comments (owner only)',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        response: { 204: NoContent, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const book = findOr404(await sandbox.data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      await checkBookOwner(book, user, sandbox.data, 'delete');
      checkWritePreconditions(request, book);
      for (const comment of await sandbox.data.comments.list()) {
        if (comment.bookId === book.id) await sandbox.data.comments.remove(comment.id);
      }
      await sandbox.data.books.remove(book.id);
      return reply.code(204).send();
    },
  );

};

export default books;
