/**
 * The server X-ray of a traced toy-API request (one sent with `X-Sandbox-Trace: 1`; its answer's
 * `X-Sandbox-Trace` header names this URL). Traces hold no secrets and are kept for ten minutes.
 *
 * GET /app/traces/:id → 200 RequestTrace (server/protocol/trace-types.ts), or 404 when unknown or expired.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../http/problem';
import { TRACE_TTL_MS } from '../trace/trace-store';
import { RequestTraceSchema } from '../protocol/trace-types';
import { declareResource, problemResponses } from './api/collection';

const traceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/app/traces/:id', ['GET']);

  // A learner (or the send endpoint) reads what the server did with a request.
  app.get(
    '/app/traces/:id',
    { schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: RequestTraceSchema, ...problemResponses } } },
    async (request, reply) => {
      const trace = app.traces.get(request.params.id);
      if (!trace) {
        throw new HttpProblem(
          'not-found',
          `There is no trace ${JSON.stringify(request.params.id.slice(0, 64))}: traces are kept for ${TRACE_TTL_MS / 60_000} minutes. Send the request again with the header X-Sandbox-Trace: 1 and follow the X-Sandbox-Trace header of the answer.`,
        );
      }
      return reply.header('cache-control', 'no-store').send(trace);
    },
  );
};

export default traceRoutes;
