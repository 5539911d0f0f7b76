// What every echo endpoint is: its metadata (the index at GET /endpoints, the README table and the client's
// autocomplete are all generated from it) and its handler. Each group file exports a list of these;
// server/routes/echo.ts registers them.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EchoEndpoint } from '../protocol/echo-endpoints';
import { ROUTED_METHODS } from '../protocol/http-syntax';

/** An echo endpoint for any method answers every method the sandbox routes. */
export const ALL_METHODS = ROUTED_METHODS;
export const READ_ONLY = ['GET'] as const;

export type EchoRequest = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[]> }>;
export type EchoHandler = (request: EchoRequest, reply: FastifyReply) => unknown;

export interface EchoRoute {
  endpoint: EchoEndpoint;
  handler: EchoHandler;
  /** Relays this server's own answers (the course's reverse proxy): they were checked when this server made
   *  them, so on the way out they are only made inert (server/echo/outgoing-check.ts). */
  relaysOwnAnswers?: boolean;
}

/** One echo endpoint: what it is (for the index) and how it answers. */
export function endpoint(metadata: EchoEndpoint, handler: EchoHandler, options: { relaysOwnAnswers?: boolean } = {}): EchoRoute {
  return { endpoint: metadata, handler, ...options };
}
