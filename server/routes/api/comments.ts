// Comments belong to a book: created under /api/books/:id/comments, and each one also has its own
// URL /api/comments/:id. Only a comment's author may change or delete it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../http/problem';
import { JSON_MEDIA_TYPES, JSON_ONLY } from '../../http/json-body';
import { checkWritePreconditions, sendRepresentation } from '../../http/send-representation';
import {
  CommentInputSchema,
  CommentListQuerySchema,
  CommentSchema,
  IdParamsSchema,
  SandboxQuerySchema,
  PagingQuerySchema,
} from '../../protocol/toy-api-schemas';
import type { Comment } from '../../protocol/api-types';
import type { UserRecord } from '../../store/types';
import { NoContent, declareResource, loggedIn, findOr404, problemResponses, sendList } from './collection';

const COMMENT = { root: 'comment', item: 'comment' };
const COMMENTS = { root: 'comments', item: 'comment' };
const LIST_OPTIONS = {
  names: COMMENTS,
  searchFields: ['body'] as const,
  sortable: ['id', 'bookId', 'authorId', 'createdAt', 'updatedAt'] as const,
};

function checkAuthor(comment: Comment, user: UserRecord, action: string): void {
  if (comment.authorId === user.id) return;
  throw new HttpProblem(
    'forbidden',
    `You are logged in as ${user.username}, but comment ${comment.id} was written by someone else, and only its author may ${action} it.`,
    { extra: { rule: 'only-author-may-change' } },
  );
}

const comments: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/books/:id/comments', ['GET', 'POST']);
  declareResource(app, '/comments', ['GET']);
  declareResource(app, '/comments/:id', ['GET', 'PUT', 'PATCH', 'DELETE']);
  const itemSchema = { params: IdParamsSchema, querystring: SandboxQuerySchema };

  // A learner reads the comments on one book (a sub-collection).
  app.get(
    '/books/:id/comments',
    {
      schema: {
        tags: ['comments'],
        summary: "List a book's comments",
        params: IdParamsSchema,
        querystring: PagingQuerySchema,
        response: { 200: Type.Array(CommentSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const book = findOr404(await data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      const items = (await data.comments.list()).filter((c) => c.bookId === book.id);
      return sendList(request, reply, items, request.query, LIST_OPTIONS);
    },
  );

  // A learner comments on a book: 201, with Location at the comment's own URL.
  app.post(
    '/books/:id/comments',
    {
      config: { accepts: JSON_ONLY, login: 'comment on a book' },
      schema: {
        tags: ['comments'],
        summary: 'Comment on a book (logged in)',
        params: IdParamsSchema,
        querystring: SandboxQuerySchema,
        body: CommentInputSchema,
        response: { 201: CommentSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const book = findOr404(await sandbox.data.books.get(request.params.id), 'Book', request.params.id, '/api/books');
      const comment = await sandbox.data.comments.insert({ bookId: book.id, authorId: user.id, body: request.body.body });
      reply.header('location', `/api/comments/${comment.id}`);
      return sendRepresentation(request, reply, comment, { names: COMMENT, status: 201, etag: true, lastModified: comment.updatedAt });
    },
  );

  app.get(
    '/comments',
    {
      schema: {
        tags: ['comments'],
        summary: 'List all comments (filter by ?book= or ?author=)',
        querystring: CommentListQuerySchema,
        response: { 200: Type.Array(CommentSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const { book, author } = request.query;
      let items = await data.comments.list();
      if (book !== undefined) items = items.filter((c) => c.bookId === book);
      if (author) {
        const user = (await data.users.list()).find((u) => u.username === author.toLowerCase() || String(u.id) === author);
        items = user ? items.filter((c) => c.authorId === user.id) : [];
      }
      return sendList(request, reply, items, request.query, LIST_OPTIONS);
    },
  );

  app.get(
    '/comments/:id',
    { schema: { tags: ['comments'], summary: 'Get one comment', ...itemSchema, response: { 200: CommentSchema, ...problemResponses } } },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const comment = findOr404(await data.comments.get(request.params.id), 'Comment', request.params.id, '/api/comments');
      return sendRepresentation(request, reply, comment, { names: COMMENT, etag: true, lastModified: comment.updatedAt });
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/comments/:id',
      config: { accepts: method === 'PATCH' ? JSON_MEDIA_TYPES : JSON_ONLY, login: 'edit a comment' },
      schema: {
        tags: ['comments'],
        summary: `${method === 'PUT' ? 'Replace' : 'Change'} a comment (author only)`,
        ...itemSchema,
        body: CommentInputSchema,
        response: { 200: CommentSchema, ...problemResponses },
      },
      handler: async (request, reply) => {
        const sandbox = await app.sandboxes.forRequest(request);
        const user = loggedIn(request);
        const comment = findOr404(await sandbox.data.comments.get(request.params.id), 'Comment', request.params.id, '/api/comments');
        checkAuthor(comment, user, 'edit');
        checkWritePreconditions(request, comment);
        const updated =
          request.body.body === comment.body
            ? comment
            : (await sandbox.data.comments.replace(comment.id, { bookId: comment.bookId, authorId: comment.authorId, body: request.body.body }))!;
        return sendRepresentation(request, reply, updated, { names: COMMENT, etag: true, lastModified: updated.updatedAt });
      },
    });
  }

  app.delete(
    '/comments/:id',
    { config: { login: 'delete a comment' }, schema: { tags: ['comments'], summary: 'Delete a comment (author only)', ...itemSchema, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const comment = findOr404(await sandbox.data.comments.get(request.params.id), 'Comment', request.params.id, '/api/comments');
      checkAuthor(comment, user, 'delete');
      checkWritePreconditions(request, comment);
      await sandbox.data.comments.remove(comment.id);
      return reply.code(204).send();
    },
  );
};

export default comments;
