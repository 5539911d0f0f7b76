// A toy API path written with a trailing slash (/api/books/, /api/books/1/) answers 308 Permanent
// Redirect to the same path without it, query kept: one canonical URL per resource, and 308 keeps the
// method and body when the client follows it (RFC 9110 §15.4.9). Paths that name no resource either way
// still get the usual 404 or 405.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AnyApp } from './collection';

/** The canonical form of a request URL whose path ends in "/", or undefined when it does not. */
export function withoutTrailingSlash(url: string): string | undefined {
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  if (!/[^/]\/+$/.test(path)) return undefined;
  return `${path.replace(/\/+$/, '')}${at === -1 ? '' : url.slice(at)}`;
}

/** Adds the redirect to the toy API's plugin, before its routes are registered, so it covers all of them. */
export function redirectTrailingSlashes(app: AnyApp): void {
  // Synchronous: a path without a trailing slash (nearly every request) costs no promise and microtask.
  const redirect = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const target = withoutTrailingSlash(request.url);
    if (target === undefined || !app.resources.allowed(target.split('?')[0]!)) {
      done();
      return;
    }
    reply
      .code(308)
      .header('location', target)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ detail: `${request.url.split('?')[0]} is written with a trailing slash; this resource lives at ${target.split('?')[0]}. Follow the Location header (308 keeps the method and body).`, location: target }, null, 2));
  };
  // Runs for every /api route (such as /api/books/ matching /api/books/:id with an empty id)…
  app.addHook('onRequest', redirect);
  // …and for paths no route matches (/api/books/1/), which otherwise go to the app's 404/405 handler.
  app.all('/*', { schema: { hide: true } }, async (_request: FastifyRequest, reply: FastifyReply) => reply.callNotFound());
}
