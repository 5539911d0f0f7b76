/**
 * Request inboxes ("request bins"). Anyone may send anything to an inbox; only its key reads it. Keys
 * travel as `Authorization: Bearer <key>` or `?key=<key>`: without one 401 key-required, with a wrong one
 * 403 wrong-key; an unknown or expired id 404.
 *
 * Capturing — /inbox/<id> and /inbox/<id>/<any path>, ANY method (WebDAV and other methods Node parses
 * included), any headers, any body (malformed JSON, a broken Content-Type, binary): answered with the
 * inbox's response (default 200 with a JSON receipt {captured, inbox, seq, method, path, view}).
 * A body larger than INBOX_BODY_LIMIT → 413; more than INBOX_CAPTURES_PER_MINUTE → 429 with Retry-After.
 *
 * POST   /app/inboxes                       → 201 {id, key, url /inbox/<id>/, viewUrl /inbox-view/<id>,
 *                                               requestsUrl, eventsUrl, inbox: InboxSummary}
 * GET    /app/inboxes/:id           key     → 200 InboxSummary
 * DELETE /app/inboxes/:id           key     → 204 (room and student inboxes go with their room: 409)
 * GET    /app/inboxes/:id/requests  key     → 200 {requests: CapturedRequest[] (oldest first), lastEventId}
 * DELETE /app/inboxes/:id/requests  key     → 204 (history emptied; the stream hears `inbox-cleared`)
 * GET    /app/inboxes/:id/events    key     → text/event-stream: state (fresh connection, or missed: true),
 *                                             capture {request}, response-changed {response}, inbox-cleared,
 *                                             inbox-closed {reason} (then the stream ends). `id:` on every
 *                                             event; Last-Event-ID or ?lastEventId= (from GET …/requests)
 *                                             continues without gaps or repeats.
 * GET    /app/inboxes/:id/response  key     → 200 InboxResponse
 * PUT    /app/inboxes/:id/response  key {status 200–599, headers?: [name, value][], body?, bodyEncoding?:
 *                                         text|base64} → 200 InboxResponse, or 422 naming each bad field
 *                                         (denied headers such as Set-Cookie: see classroom/inbox-response.ts)
 * DELETE /app/inboxes/:id/response  key     → 200 the default response again
 */
import type { IncomingMessage } from 'node:http';
import { METHODS } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JSON_ONLY } from '../http/json-body';
import { HttpProblem } from '../http/problem';
import { parseEventId } from '../classroom/hub';
import { inboxChannel } from '../classroom/inboxes';
import { checkInboxResponse } from '../classroom/inbox-response';
import { STREAMS_PER_INBOX } from '../classroom/limits';
import {
  InboxCreatedSchema,
  InboxIdParams,
  InboxRequestsSchema,
  InboxResponseBody,
  InboxResponseSchema,
  InboxSummarySchema,
} from '../classroom/schemas';
import { CLASSROOM_CREATE_BUCKET } from '../classroom/service';
import { jsonWithLists, pipeChannel } from '../classroom/subscribe';
import { RateLimiter } from '../services/rate-limits';
import { thirdPartyHeaderProblem, withoutAppCookies } from '../http/third-party-content';
import { ownedInbox } from './keyed';
import { declareResource, NoContent, problemResponses } from './api/collection';
import { realAddress } from '../services/client-address';

/** Reads a request body, refusing more than `limit` bytes (413, and the connection closes). */
function readBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpProblem(
      'payload-too-large',
      `An inbox captures bodies of at most ${limit} bytes, and this one is larger, so it was not captured. Send a smaller body.`,
      { headers: { connection: 'close' }, extra: { limit } },
    );
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    raw.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    raw.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    raw.on('error', (error) => {
      failed = true;
      reject(error);
    });
  });
}

/** Every method Node's HTTP parser hands over (CONNECT never becomes a request). */
const EXTRA_METHODS = METHODS.filter((method) => method !== 'CONNECT');

/**
 * The capturing routes, in their own encapsulated plugin. The whole capture happens in an onRequest hook,
 * before Fastify's body parsing: that parsing would refuse a malformed Content-Type with 415 or read
 * JSON, and an inbox must keep exactly the bytes that arrived, mistakes included.
 */
const captureRoutes: FastifyPluginAsync = async (app) => {
  const { inboxes } = app.classroom;
  const bodyLimit = inboxes.limits.bodyBytes;
  for (const method of EXTRA_METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }

  // A learner's request arrives at an inbox: it is captured and answered as the owner configured.
  const capture = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { id } = request.params as { id: string };
    const inbox = await inboxes.getOr404(id);
    const raw = request.raw;
    const body = await readBody(raw, bodyLimit);
    const captured = await inboxes.capture(inbox, {
      method: raw.method ?? request.method,
      target: raw.url ?? request.url,
      httpVersion: raw.httpVersion,
      // The inbox's owner is a third party: the cookies a browser adds by itself for this site (the
      // visitor's session and sandbox) are never theirs to read.
      rawHeaders: withoutAppCookies(raw.rawHeaders),
      body,
      // The sender as resolved behind trusted proxies (TRUST_PROXY), not the proxy.
      remoteAddress: realAddress(request),
      remotePort: raw.socket.remotePort ?? 0,
      receivedAt: new Date(),
    });
    const answer = inboxes.answer(inbox, captured);
    // A response configured (or saved) before a rule existed still cannot act as the app: such lines are left out.
    const host = request.headers.host ?? 'localhost';
    const ownOrigin = URL.canParse(`http://${host}`) ? `http://${host}` : 'http://localhost';
    const rawHeaders: string[] = [];
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      if (!thirdPartyHeaderProblem(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!, ownOrigin)) rawHeaders.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    }
    // Written raw so the configured headers keep their order, spelling and repeats.
    reply.hijack();
    reply.raw.writeHead(answer.status, rawHeaders);
    reply.raw.end(answer.body);
  };
  const never = async () => {
    throw new Error('The inbox capture hook answers every request');
  };
  const options = { method: app.supportedMethods, exposeHeadRoute: false, schema: { hide: true }, onRequest: capture, handler: never };
  app.route({ ...options, url: '/inbox/:id' });
  app.route({ ...options, url: '/inbox/:id/*' });
};

const inboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { inboxes, streams, hub } = app.classroom;
  declareResource(app, '/app/inboxes', ['POST']);
  declareResource(app, '/app/inboxes/:id', ['GET', 'DELETE']);
  declareResource(app, '/app/inboxes/:id/requests', ['GET', 'DELETE']);
  declareResource(app, '/app/inboxes/:id/events', ['GET']);
  declareResource(app, '/app/inboxes/:id/response', ['GET', 'PUT', 'DELETE']);

  // Anyone makes an inbox and keeps its key to read it.
  app.post(
    '/app/inboxes',
    { config: { rateLimit: CLASSROOM_CREATE_BUCKET }, schema: { response: { 201: InboxCreatedSchema, ...problemResponses } } },
    async (request, reply) => {
      // Each address holds at most its share of the server's inboxes (server/classroom/inboxes.ts).
      const { inbox, key } = await inboxes.create('own', null, RateLimiter.addressOf(request));
      return reply
        .code(201)
        .header('location', `/app/inboxes/${inbox.id}`)
        .header('cache-control', 'no-store')
        .send({ ...inboxes.link(inbox, key), inbox: inboxes.summary(inbox) });
    },
  );

  app.get(
    '/app/inboxes/:id',
    { schema: { params: InboxIdParams, response: { 200: InboxSummarySchema, ...problemResponses } } },
    async (request, reply) => reply.header('cache-control', 'no-store').send(inboxes.summary(await ownedInbox(inboxes, request))),
  );

  app.delete(
    '/app/inboxes/:id',
    { schema: { params: InboxIdParams, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      const inbox = await ownedInbox(inboxes, request);
      if (inbox.room !== null) {
        throw new HttpProblem('conflict', `Inbox ${inbox.id} belongs to room ${inbox.room} and goes when the room closes. Clear its requests with DELETE /app/inboxes/${inbox.id}/requests instead.`);
      }
      await inboxes.remove(inbox, 'deleted');
      return reply.code(204).send();
    },
  );

  // The owner's page loads what arrived so far, then follows the event stream from lastEventId.
  app.get(
    '/app/inboxes/:id/requests',
    { schema: { params: InboxIdParams, response: { 200: InboxRequestsSchema, ...problemResponses } } },
    async (request, reply) => {
      const inbox = await ownedInbox(inboxes, request);
      const lastEventId = await hub.lastId(inboxChannel(inbox.id));
      // The captures are kept as JSON bytes: written as they are, not parsed and serialised again.
      const body = Buffer.concat(jsonWithLists({ lastEventId }, { requests: (await inboxes.requests(inbox)).map((json) => [json]) }));
      // (A Buffer is sent as it is: the 200 schema documents the shape, the captures were checked when kept.)
      return (reply as FastifyReply).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
    },
  );

  app.delete(
    '/app/inboxes/:id/requests',
    { schema: { params: InboxIdParams, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      await inboxes.clear(await ownedInbox(inboxes, request));
      return reply.code(204).send();
    },
  );

  // Captures appear in the owner's browser as they arrive.
  app.get(
    '/app/inboxes/:id/events',
    { exposeHeadRoute: false, schema: { params: InboxIdParams } },
    async (request, reply) => {
      const inbox = await ownedInbox(inboxes, request);
      const channel = inboxChannel(inbox.id);
      const stream = streams.open(reply, channel, STREAMS_PER_INBOX, `inbox ${inbox.id}`);
      inboxes.watching(inbox);
      const query = request.query as Record<string, unknown>;
      try {
        await pipeChannel(hub, channel, stream, {
          lastEventId: parseEventId(request.headers['last-event-id']) ?? parseEventId(query.lastEventId),
          canSee: () => true,
          snapshot: (missed) => ({ type: 'state', json: [Buffer.from(JSON.stringify({ inbox: inboxes.summary(inbox), missed }))] }),
        });
      } catch (error) {
        request.log.error({ err: error }, 'inbox event stream failed');
        stream.close();
      }
      return reply;
    },
  );

  app.get(
    '/app/inboxes/:id/response',
    { schema: { params: InboxIdParams, response: { 200: InboxResponseSchema, ...problemResponses } } },
    async (request, reply) => reply.header('cache-control', 'no-store').send((await ownedInbox(inboxes, request)).response),
  );

  // The owner decides what the inbox answers, to see how a client reacts to it.
  app.put(
    '/app/inboxes/:id/response',
    {
      config: { accepts: JSON_ONLY },
      schema: { params: InboxIdParams, body: InboxResponseBody, response: { 200: InboxResponseSchema, ...problemResponses } },
    },
    async (request) => {
      const inbox = await ownedInbox(inboxes, request);
      const checked = checkInboxResponse(request.body);
      if (!checked.ok) {
        const summary = checked.errors.map((e) => `${e.field} ${e.message}`).join('; ');
        throw new HttpProblem('validation-failed', `The inbox response cannot be used: ${summary}.`, { errors: checked.errors });
      }
      return inboxes.setResponse(inbox, checked);
    },
  );

  app.delete(
    '/app/inboxes/:id/response',
    { schema: { params: InboxIdParams, response: { 200: InboxResponseSchema, ...problemResponses } } },
    async (request) => inboxes.resetResponse(await ownedInbox(inboxes, request)),
  );

  await app.register(captureRoutes);
};

export default inboxRoutes;
