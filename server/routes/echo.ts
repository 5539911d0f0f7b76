// httpbin-compatible echo endpoints at the root (/anything, /get, /headers, /status/:codes…): the same
// JSON shapes, so course material written for httpbin works here, plus `raw` — the request as it arrived.
// The endpoints live in server/echo/, one file per group, each carrying its own metadata; this plugin
// registers them and serves GET /endpoints, the index the client autocompletes from.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ALL_METHODS, READ_ONLY, endpoint, type EchoRoute } from '../echo/endpoint';
import { ECHO_BODY_LIMIT } from '../echo/limits';
import { checkOutgoing, makeInert } from '../echo/outgoing-check';
import { readMultipart } from '../echo/request-echo';
import { sendJson } from '../echo/reply';
import { REQUEST_INSPECTION } from '../echo/anything';
import { STATUS_CODES } from '../echo/status';
import { REDIRECTS } from '../echo/redirects';
import { COOKIES } from '../echo/cookies';
import { AUTH } from '../echo/auth';
import { CACHING } from '../echo/caching';
import { RESPONSE_FORMATS } from '../echo/formats';
import { DYNAMIC_DATA } from '../echo/dynamic';
import { STREAMS_AND_FAULTS } from '../echo/streams';

const GROUPS: readonly (readonly EchoRoute[])[] = [REQUEST_INSPECTION, STATUS_CODES, REDIRECTS, COOKIES, AUTH, CACHING, RESPONSE_FORMATS, DYNAMIC_DATA, STREAMS_AND_FAULTS];

const echo: FastifyPluginAsync = async (app) => {
  // Echo endpoints accept any body of any type, up to the cap; JSON that does not parse is just data.
  app.removeAllContentTypeParsers();
  // A multipart body's parts are read here, as it arrives, so the echo's handlers stay synchronous.
  app.decorateRequest('multipartParts', undefined);
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ECHO_BODY_LIMIT }, async (request: FastifyRequest, body: Buffer) => {
    const type = request.headers['content-type'];
    if (type && /^\s*multipart\/form-data\s*(;|$)/i.test(type)) request.multipartParts = await readMultipart(body, type);
    return body;
  });

  const index = endpoint(
    { path: '/endpoints', methods: READ_ONLY, group: 'index', description: 'This list of echo endpoints.', teaches: 'An API can describe itself.', samples: ['/endpoints'] },
    (_request, reply) => sendJson(reply, endpoints),
  );
  const routes = [...GROUPS.flat(), index];
  const endpoints = routes.map((route) => route.endpoint);
  for (const { endpoint: { path, methods }, handler, relaysOwnAnswers } of routes) {
    // Other methods get 405 with Allow, as httpbin answers.
    if (methods.length < ALL_METHODS.length) app.resources.declare(path, methods);
    // Every answer's headers are checked on the way out (a hook per route: which check is chosen once, here).
    const onSend = relaysOwnAnswers ? makeInert : checkOutgoing;
    app.route({ method: [...methods] as never, url: path, bodyLimit: ECHO_BODY_LIMIT, schema: { hide: true }, onSend, handler: handler as never });
  }
};

export default echo;
