// /api/sandbox: which copy of the data you are working in, a fresh one, or a reset to the seed data.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SandboxInfoSchema, SandboxQuerySchema } from '../../protocol/toy-api-schemas';
import { SandboxService } from '../../services/sandboxes';
import { checkSameOrigin } from '../../services/auth';
import { declareResource, problemResponses } from './collection';

const sandbox: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/sandbox', ['GET', 'POST']);
  declareResource(app, '/sandbox/reset', ['POST']);

  app.get(
    '/sandbox',
    { schema: { tags: ['sandbox'], summary: 'Which sandbox am I in?', querystring: SandboxQuerySchema, response: { 200: SandboxInfoSchema, ...problemResponses } } },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await app.sandboxes.info(await app.sandboxes.forRequest(request))),
  );

  // A learner asks for a private sandbox: 201, and a cookie that selects it from now on.
  app.post(
    '/sandbox',
    { schema: { tags: ['sandbox'], summary: 'Start a new private sandbox (sets the sandbox cookie)', response: { 201: SandboxInfoSchema, ...problemResponses } } },
    async (request, reply) => {
      // Another site may not swap a learner's sandbox from under them (login CSRF by sandbox).
      checkSameOrigin(request, 'request for a new sandbox');
      const id = app.sandboxes.issueCookie(request, reply, SandboxService.newId());
      const info = await app.sandboxes.info({ id, shared: false, data: await app.sandboxes.store.open(id) });
      return reply.code(201).header('location', '/api/sandbox').header('x-sandbox', id).send(info);
    },
  );

  // A learner starts over: the sandbox holds the seed data again.
  app.post(
    '/sandbox/reset',
    { schema: { tags: ['sandbox'], summary: 'Reset your sandbox to the seed data', querystring: SandboxQuerySchema, response: { 200: SandboxInfoSchema, ...problemResponses } } },
    async (request, reply) => {
      // A reset throws away a learner's work: never on another site's say-so.
      checkSameOrigin(request, 'reset');
      const current = await app.sandboxes.forRequest(request);
      const data = await app.sandboxes.store.reset(current.id);
      // The reset sandbox has a new epoch, so its old credentials are dead already; forget them now.
      await app.auth.revokeSandbox(current.id);
      return reply.header('cache-control', 'no-store').send(await app.sandboxes.info({ ...current, data }));
    },
  );
};

export default sandbox;
