// Serves the built React client: index.html at / (issuing a private sandbox cookie on first visit),
// revalidated on every load; hashed assets under /assets cached for a year. Each file goes out as the
// .br or .gz copy the build made beside it when Accept-Encoding allows one (RFC 9110 §8.4, §12.5.3), with
// Vary: Accept-Encoding so a cache keeps the variants apart (RFC 9110 §12.5.5).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';

export interface ClientRoutesOptions {
  clientDir?: string;
}

/**
 * Security headers for the app's own pages and assets only — the echo and API responses that learners
 * study keep exactly the headers their lessons describe. The CSP allows no inline script at all.
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Client-side pages that load index.html (the React app picks the view from the path). */
export const APP_PAGES = ['/', '/lessons', '/lessons/*', '/reference', '/room/*', '/inbox-view/*'];

const client: FastifyPluginAsync<ClientRoutesOptions> = async (app, { clientDir }) => {
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) reply.header(name, value);
  });
  const built = clientDir !== undefined && existsSync(join(clientDir, 'index.html'));
  const assetsDir = `${join(clientDir ?? '', 'assets')}/`;
  if (built) {
    await app.register(fastifyStatic, {
      root: clientDir,
      prefix: '/',
      index: false,
      wildcard: false,
      cacheControl: false,
      preCompressed: true,
      setHeaders(res, path) {
        const hashed = path.startsWith(assetsDir);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.setHeader('vary', 'Accept-Encoding');
      },
    });
  }

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!built) {
      throw new HttpProblem(
        'client-not-built',
        'The web client has not been built, so there is no page to show. Run "npm run build" (npm start does it for you), then reload. The API under /api works meanwhile.',
      );
    }
    if (!app.sandboxes.hasCookie(request)) app.sandboxes.issueCookie(request, reply);
    return reply.sendFile('index.html');
  };
  for (const path of APP_PAGES) app.get(path, { schema: { hide: true } }, page);
};

export default client;
