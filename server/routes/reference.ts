// GET /app/reference/{status-codes,headers,methods}: the dataset the client annotates responses with.
// The data is checked once at start; these answers are cacheable and revalidated with ETag.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ReferenceData } from '../reference/reference-data';

const reference: FastifyPluginAsync<{ data: ReferenceData }> = async (app, { data }) => {
  const bodies = {
    'status-codes': { unknownCodes: data.unknownCodes, statusCodes: data.statusCodes },
    headers: { headers: data.headers },
    methods: { methods: data.methods },
  };
  for (const [name, value] of Object.entries(bodies)) {
    const text = JSON.stringify(value);
    const etag = `"${createHash('sha1').update(text).digest('base64url').slice(0, 16)}"`;
    app.get(`/app/reference/${name}`, async (request, reply) => {
      reply.header('etag', etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(text);
    });
  }
};

export default reference;
