// /api/categories: names are unique, so a duplicate is a 409 Conflict; a category still in use
// cannot be deleted (409 again, with what to do first). Like books, a category belongs to the user who
// added it: only they may replace, change or delete it (403 for anyone else, owner-rule.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../http/problem';
import { JSON_MEDIA_TYPES, JSON_ONLY } from '../../http/json-body';
import { checkWritePreconditions, sendRepresentation } from '../../http/send-representation';
import {
  CategoryInputSchema,
  PagingQuerySchema,
  CategoryPatchSchema,
  CategorySchema,
  IdParamsSchema,
  SandboxQuerySchema,
} from '../../protocol/toy-api-schemas';
import type { SandboxData } from '../../store/types';
import type { Category } from '../../protocol/api-types';
import type { UserRecord } from '../../store/types';
import { checkOwner } from './owner-rule';
import { NoContent, declareResource, loggedIn, findOr404, problemResponses, sendList } from './collection';

const CATEGORY = { root: 'category', item: 'category' };
const CATEGORIES = { root: 'categories', item: 'category' };

async function checkUniqueName(data: SandboxData, name: string, exceptId?: number): Promise<void> {
  const clash = (await data.categories.list()).find((c) => c.name.toLowerCase() === name.toLowerCase() && c.id !== exceptId);
  if (clash) {
    throw new HttpProblem(
      'conflict',
      `A category named "${clash.name}" already exists (/api/categories/${clash.id}). Names are unique regardless of case: choose another name, or change the existing category instead.`,
      { extra: { existing: `/api/categories/${clash.id}` } },
    );
  }
}

/** Only a category's owner may change it (403), once we know who is asking (401). */
function checkCategoryOwner(category: Category, user: UserRecord, data: SandboxData, action: string): Promise<void> {
  return checkOwner('category', category, user, data, action, 'Add a category of your own (POST /api/categories) and change that one.');
}

const categories: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/categories', ['GET', 'POST']);
  declareResource(app, '/categories/:id', ['GET', 'PUT', 'PATCH', 'DELETE']);
  const itemSchema = { params: IdParamsSchema, querystring: SandboxQuerySchema };

  // A learner lists categories, searchable and sortable like books.
  app.get(
    '/categories',
    {
      schema: {
        tags: ['categories'],
        summary: 'List categories',
        querystring: PagingQuerySchema,
        response: { 200: Type.Array(CategorySchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      return sendList(request, reply, await data.categories.list(), request.query, {
        names: CATEGORIES,
        searchFields: ['name', 'description'],
        sortable: ['id', 'name', 'createdAt', 'updatedAt'],
      });
    },
  );

  // A learner adds a category; the same name twice is a 409 Conflict.
  app.post(
    '/categories',
    {
      config: { accepts: JSON_ONLY, login: 'add a category' },
      schema: {
        tags: ['categories'],
        summary: 'Add a category (logged in)',
        querystring: SandboxQuerySchema,
        body: CategoryInputSchema,
        response: { 201: CategorySchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);

      await checkUniqueName(sandbox.data, request.body.name);
      const category = await sandbox.data.categories.insert({
        name: request.body.name,
        description: request.body.description ?? '',
        ownerId: loggedIn(request).id,
      });
      reply.header('location', `/api/categories/${category.id}`);
      return sendRepresentation(request, reply, category, { names: CATEGORY, status: 201, etag: true, lastModified: category.updatedAt });
    },
  );

  app.get(
    '/categories/:id',
    { schema: { tags: ['categories'], summary: 'Get one category', ...itemSchema, response: { 200: CategorySchema, ...problemResponses } } },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const category = findOr404(await data.categories.get(request.params.id), 'Category', request.params.id, '/api/categories');
      return sendRepresentation(request, reply, category, { names: CATEGORY, etag: true, lastModified: category.updatedAt });
    },
  );

  app.put(
    '/categories/:id',
    {
      config: { accepts: JSON_ONLY, login: 'replace a category' },
      schema: { tags: ['categories'], summary: 'Replace a category (owner only)', ...itemSchema, body: CategoryInputSchema, response: { 200: CategorySchema, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);

      const category = findOr404(await sandbox.data.categories.get(request.params.id), 'Category', request.params.id, '/api/categories');
      await checkCategoryOwner(category, loggedIn(request), sandbox.data, 'replace');
      checkWritePreconditions(request, category);
      await checkUniqueName(sandbox.data, request.body.name, category.id);
      const fields = { name: request.body.name, description: request.body.description ?? '', ownerId: category.ownerId };
      const same = fields.name === category.name && fields.description === category.description;
      const updated = same ? category : (await sandbox.data.categories.replace(category.id, fields))!;
      return sendRepresentation(request, reply, updated, { names: CATEGORY, etag: true, lastModified: updated.updatedAt });
    },
  );

  app.patch(
    '/categories/:id',
    {
      config: { accepts: JSON_MEDIA_TYPES, login: 'change a category' },
      schema: { tags: ['categories'], summary: 'Change a category (owner only)', ...itemSchema, consumes: [...JSON_MEDIA_TYPES], body: CategoryPatchSchema, response: { 200: CategorySchema, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);

      const category = findOr404(await sandbox.data.categories.get(request.params.id), 'Category', request.params.id, '/api/categories');
      await checkCategoryOwner(category, loggedIn(request), sandbox.data, 'change');
      checkWritePreconditions(request, category);
      if (request.body.name !== undefined) await checkUniqueName(sandbox.data, request.body.name, category.id);
      const fields = {
        name: request.body.name ?? category.name,
        description: request.body.description ?? category.description,
        ownerId: category.ownerId,
      };
      const same = fields.name === category.name && fields.description === category.description;
      const updated = same ? category : (await sandbox.data.categories.replace(category.id, fields))!;
      return sendRepresentation(request, reply, updated, { names: CATEGORY, etag: true, lastModified: updated.updatedAt });
    },
  );

  app.delete(
    '/categories/:id',
    {
      config: { login: 'delete a category' },
      schema: { tags: ['categories'], summary: 'Delete an unused category (owner only)', ...itemSchema, response: { 204: NoContent, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);

      const category = findOr404(await sandbox.data.categories.get(request.params.id), 'Category', request.params.id, '/api/categories');
      await checkCategoryOwner(category, loggedIn(request), sandbox.data, 'delete');
      checkWritePreconditions(request, category);
      const inUse = (await sandbox.data.books.list()).filter((book) => book.categoryId === category.id).length;
      if (inUse > 0) {
        throw new HttpProblem(
          'conflict',
          `Category "${category.name}" still has ${inUse} book(s). Move them to another category first (PATCH /api/books/<id> with {"categoryId": null}), then delete it. See GET /api/books?category=${category.id}.`,
        );
      }
      await sandbox.data.categories.remove(category.id);
      return reply.code(204).send();
    },
  );
};

export default categories;
