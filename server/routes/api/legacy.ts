// Old capitalised paths from the course notes (/api/Category, /api/Comment…) answer 308 Permanent
// Redirect to the lower-case collection. 308 (RFC 9110 §15.4.9), unlike 301, keeps the method and body.
import type { FastifyPluginAsync } from 'fastify';

export const LEGACY_PATHS: Record<string, string> = {
  Book: 'books',
  Category: 'categories',
  Comment: 'comments',
  User: 'users',
};

const legacy: FastifyPluginAsync = async (app) => {
  const base = app.prefix;
  for (const [old, current] of Object.entries(LEGACY_PATHS)) {
    const handler = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
      const [path = '', query] = request.url.split('?');
      const target = `${base}/${current}${path.slice(`${base}/${old}`.length)}${query !== undefined ? `?${query}` : ''}`;
      return reply
        .code(308)
        .header('location', target)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ detail: `${base}/${old} has moved to ${base}/${current}. Follow the Location header.`, location: target }, null, 2));
    };
    app.all(`/${old}`, { schema: { hide: true } }, handler);
    app.all(`/${old}/*`, { schema: { hide: true } }, handler);
  }
};

export default legacy;
