// /api/users: signing up needs no login; a user may change or delete only their own account.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../http/problem';
import { JSON_MEDIA_TYPES, JSON_ONLY } from '../../http/json-body';
import { checkWritePreconditions, sendRepresentation } from '../../http/send-representation';
import {
  IdParamsSchema,
  PagingQuerySchema,
  SandboxQuerySchema,
  UserInputSchema,
  UserPatchSchema,
  UserSchema,
} from '../../protocol/toy-api-schemas';
import { publicUser } from '../../services/auth';
import { hashPassword } from '../../services/passwords';
import type { UserRecord } from '../../store/types';
import { NoContent, declareResource, loggedIn, findOr404, problemResponses, sendList } from './collection';

const USER = { root: 'user', item: 'user' };
const USERS = { root: 'users', item: 'user' };

function checkSelf(target: UserRecord, user: UserRecord, action: string): void {
  if (target.id === user.id) return;
  throw new HttpProblem(
    'forbidden',
    `You are logged in as ${user.username} and may ${action} only your own account (/api/users/${user.id}), not ${target.username}'s.`,
    { extra: { rule: 'only-self' } },
  );
}

const users: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/users', ['GET', 'POST']);
  declareResource(app, '/users/:id', ['GET', 'PATCH', 'DELETE']);
  const itemSchema = { params: IdParamsSchema, querystring: SandboxQuerySchema };

  app.get(
    '/users',
    { schema: { tags: ['users'], summary: 'List users', querystring: PagingQuerySchema, response: { 200: Type.Array(UserSchema), ...problemResponses } } },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      return sendList(request, reply, (await data.users.list()).map(publicUser), request.query, {
        names: USERS,
        searchFields: ['username', 'displayName'],
        sortable: ['id', 'username', 'displayName', 'createdAt'],
      });
    },
  );

  // A learner signs up; the password is stored as an scrypt hash and never sent back.
  app.post(
    '/users',
    {
      config: { accepts: JSON_ONLY },
      schema: { tags: ['users'], summary: 'Sign up (no login needed)', querystring: SandboxQuerySchema, body: UserInputSchema, response: { 201: UserSchema, ...problemResponses } },
    },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const { username, password, displayName } = request.body;
      const taken = (await data.users.list()).find((u) => u.username === username);
      if (taken) {
        throw new HttpProblem('conflict', `The username "${username}" is taken (/api/users/${taken.id}). Choose another one.`);
      }
      const passwordHash = await hashPassword(password);
      const user = await data.users.insert({ username, displayName: displayName ?? username, passwordHash });
      reply.header('location', `/api/users/${user.id}`);
      const shown = publicUser(user);
      return sendRepresentation(request, reply, shown, { names: USER, status: 201, etag: true, lastModified: user.updatedAt });
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags: ['users'], summary: 'Get one user', ...itemSchema, response: { 200: UserSchema, ...problemResponses } } },
    async (request, reply) => {
      const { data } = await app.sandboxes.forRequest(request);
      const user = findOr404(await data.users.get(request.params.id), 'User', request.params.id, '/api/users');
      return sendRepresentation(request, reply, publicUser(user), { names: USER, etag: true, lastModified: user.updatedAt });
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { accepts: JSON_MEDIA_TYPES, login: 'change an account' },
      schema: { tags: ['users'], summary: 'Change your display name or password', ...itemSchema, consumes: [...JSON_MEDIA_TYPES], body: UserPatchSchema, response: { 200: UserSchema, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const target = findOr404(await sandbox.data.users.get(request.params.id), 'User', request.params.id, '/api/users');
      checkSelf(target, user, 'change');
      checkWritePreconditions(request, publicUser(target));
      const { displayName, password } = request.body;
      const updated = (await sandbox.data.users.replace(target.id, {
        username: target.username,
        displayName: displayName ?? target.displayName,
        passwordHash: password ? await hashPassword(password) : target.passwordHash,
      }))!;
      // A new password ends every other session and token of this user (the one used for this change stays).
      if (password) await app.auth.revokeUser(sandbox, target.id, request);
      return sendRepresentation(request, reply, publicUser(updated), { names: USER, etag: true, lastModified: updated.updatedAt });
    },
  );

  app.delete(
    '/users/:id',
    { config: { login: 'delete an account' }, schema: { tags: ['users'], summary: 'Delete your account (when you own no books)', ...itemSchema, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = loggedIn(request);
      const target = findOr404(await sandbox.data.users.get(request.params.id), 'User', request.params.id, '/api/users');
      checkSelf(target, user, 'delete');
      checkWritePreconditions(request, publicUser(target));
      const owned = (await sandbox.data.books.list()).filter((b) => b.ownerId === target.id).length;
      if (owned > 0) {
        throw new HttpProblem(
          'conflict',
          `You still own ${owned} book(s). Delete them first (GET /api/books?owner=${target.username} lists them), then delete your account.`,
        );
      }
      await sandbox.data.users.remove(target.id);
      await app.auth.revokeUser(sandbox, target.id);
      return reply.code(204).send();
    },
  );
};

export default users;
