// The toy REST API under /api. Every response names the sandbox it used in X-Sandbox.
import type { FastifyPluginAsync } from 'fastify';
import type { UserRecord } from '../../store/types';
import books from './books';
import categories from './categories';
import comments from './comments';
import exportsRoutes from './exports';
import legacy from './legacy';
import sandbox from './sandbox';
import session from './session';
import { redirectTrailingSlashes } from './trailing-slash';
import users from './users';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, set before validation on routes with config.login. */
    user?: UserRecord;
  }
}

const toyApi: FastifyPluginAsync = async (app) => {
  // A classroom room's fault switches (latency, 429, 503, dropped connections) for its sandboxes.
  app.addHook('onRequest', app.classroom.applyFaults);
  // Synchronous hooks where nothing is awaited: no promise and microtask per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    const used = app.sandboxes.peek(request);
    if (used && !reply.hasHeader('x-sandbox')) reply.header('x-sandbox', used.id);
    done(null, payload);
  });
  // Document in OpenAPI which routes need a login.
  app.addHook('onRoute', (route) => {
    if (route.config?.login && route.schema) route.schema.security = [{ sessionCookie: [] }, { bearerToken: [] }];
  });
  // Routes that change data say so with config.login; authentication comes before body validation,
  // so a learner who is not logged in hears that first.
  app.addHook('preValidation', (request, _reply, done) => {
    const action = request.routeOptions.config.login;
    if (!action) {
      done();
      return;
    }
    app.sandboxes
      .forRequest(request)
      .then((sandbox) => app.auth.requireUser(request, sandbox, action))
      .then((user) => {
        request.user = user;
        done();
      }, done);
  });
  // /api/books/ and /api/books/1/ answer 308 to the path without the trailing slash.
  redirectTrailingSlashes(app);
  for (const routes of [books, categories, comments, users, session, sandbox, exportsRoutes, legacy]) {
    await app.register(routes);
  }
};

export default toyApi;
