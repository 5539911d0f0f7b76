// Request inspection: everything the server received, in httpbin's shapes (/anything, /get, /post…) plus
// `raw`, the request as it arrived; and the two course endpoints about where a request came from (/https-only
// behind a TLS-terminating proxy, /cors for a page on another origin).
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { headersObject } from './request-echo';
import { ALL_METHODS, READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { echoOf, getEcho, ownOrigin, rawOf, sendJson } from './reply';
import { publicOrigin, realAddress } from '../services/client-address';

/** The origins /cors lets read its answers (besides this server's own). */
export const CORS_ALLOWED_ORIGINS = ['http://app.example'] as const;
const CORS_METHODS = 'GET, POST, PATCH, DELETE';
const CORS_HEADERS = 'Content-Type, Authorization';

/** The scheme the client used, as the proxy in front says (Forwarded proto=, or X-Forwarded-Proto). */
function forwardedProto(request: FastifyRequest): string | undefined {
  const forwarded = /(?:^|[;,\s])proto=("?)(https?)\1/i.exec(String(request.headers.forwarded ?? ''));
  return (forwarded?.[2] ?? String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() ?? '').toLowerCase() || undefined;
}

function httpsOnly(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const proto = forwardedProto(request) ?? request.protocol;
  if (proto !== 'https') {
    const target = `https://${new URL(ownOrigin(request)).host}${request.url}`;
    // Over plain http: redirect to https, and no HSTS — it is only honoured over a secure connection (RFC 6797 §7.2).
    return reply
      .code(308)
      .header('location', target)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ detail: `This page is only served over https, and this request came over ${proto}. Follow the Location to the https address. (Behind a proxy that ends TLS, the app learns the scheme from Forwarded: proto=https or X-Forwarded-Proto: https.)`, location: target }, null, 2));
  }
  reply
    .header('strict-transport-security', 'max-age=31536000')
    .header('set-cookie', 'seen-over-https=1; Path=/https-only; Secure; HttpOnly; SameSite=Lax');
  return sendJson(reply, { scheme: 'https', note: 'TLS ended at the proxy in front of this app; the proxy said so in Forwarded or X-Forwarded-Proto.', ...echoOf(request) });
}

function cors(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const origin = request.headers.origin;
  const own = publicOrigin(request) ?? 'null';
  const allowed = origin !== undefined && (origin === own || (CORS_ALLOWED_ORIGINS as readonly string[]).includes(origin));
  // The answer depends on Origin, so caches must key on it (Fetch standard #cors-protocol-and-http-caches).
  reply.header('vary', 'Origin');
  if (allowed) reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (preflight) {
    if (allowed) reply.header('access-control-allow-methods', CORS_METHODS).header('access-control-allow-headers', CORS_HEADERS).header('access-control-max-age', '600');
    return reply.code(204).send();
  }
  // Not sendJson: its Access-Control-Allow-Origin: * would allow every origin, which is what this endpoint must not do.
  const answer = { method: request.method, origin: origin ?? null, allowed, allowedOrigins: [own, ...CORS_ALLOWED_ORIGINS], note: allowed ? 'This origin may read the answer.' : 'No Access-Control-Allow-Origin for this origin: a browser will not let its page read the answer — but the request did reach the server.' };
  return reply.type('application/json; charset=utf-8').send(`${JSON.stringify(answer, null, 2)}\n`);
}

export const REQUEST_INSPECTION: readonly EchoRoute[] = [
  // A learner sees everything the server received: args, headers, body fields, and the raw request.
  endpoint(
    { path: '/anything', methods: ALL_METHODS, group: 'request inspection', description: 'Echoes any request: method, args, headers, body, and the raw request.', teaches: 'What a server really receives.', samples: ['/anything?a=1&a=2'] },
    (request, reply) => sendJson(reply, echoOf(request)),
  ),
  endpoint(
    { path: '/anything/*', methods: ALL_METHODS, group: 'request inspection', description: 'The same, for any path below /anything.', teaches: 'Paths are just part of the request.', samples: ['/anything/a/b'] },
    (request, reply) => sendJson(reply, echoOf(request)),
  ),
  endpoint(
    { path: '/get', methods: READ_ONLY, group: 'request inspection', description: "The request's args, headers, origin and URL.", teaches: 'Query strings become args.', samples: ['/get?show=all'] },
    (request, reply) => sendJson(reply, getEcho(request)),
  ),
  ...(['POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method) =>
    endpoint(
      { path: `/${method.toLowerCase()}`, methods: [method], group: 'request inspection', description: `Echoes a ${method}: args, data, files, form, json, headers.`, teaches: 'How bodies arrive: data, form fields, files, JSON.', samples: [`/${method.toLowerCase()}`] },
      (request, reply) => {
        const { method: _method, ...rest } = echoOf(request);
        return sendJson(reply, rest);
      },
    ),
  ),
  endpoint(
    { path: '/headers', methods: READ_ONLY, group: 'request inspection', description: 'The request headers.', teaches: 'Which headers your client adds by itself.', samples: ['/headers'] },
    (request, reply) => sendJson(reply, { headers: headersObject(request.raw.rawHeaders), raw: rawOf(request) }),
  ),
  endpoint(
    { path: '/ip', methods: READ_ONLY, group: 'request inspection', description: "The client's IP address.", teaches: 'The server sees where a request comes from.', samples: ['/ip'] },
    (request, reply) => sendJson(reply, { origin: realAddress(request), raw: rawOf(request) }),
  ),
  endpoint(
    { path: '/user-agent', methods: READ_ONLY, group: 'request inspection', description: 'The User-Agent header.', teaches: 'Clients say what they are.', samples: ['/user-agent'] },
    (request, reply) => sendJson(reply, { 'user-agent': request.headers['user-agent'] ?? null, raw: rawOf(request) }),
  ),
  endpoint(
    { path: '/uuid', methods: READ_ONLY, group: 'request inspection', description: 'A fresh UUID v4.', teaches: 'Responses can differ on every request.', samples: ['/uuid'] },
    (_request, reply) => sendJson(reply, { uuid: randomUUID() }),
  ),
  endpoint(
    { path: '/raw', methods: ALL_METHODS, group: 'request inspection', description: 'The request exactly as it arrived, as plain text.', teaches: 'HTTP/1.1 is text: a request line, header lines, an empty line, a body.', samples: ['/raw'] },
    (request, reply) => reply.type('text/plain; charset=utf-8').send(rawOf(request)),
  ),
  endpoint(
    { path: '/dump/request', methods: ALL_METHODS, group: 'request inspection', description: 'The raw request as text (as /raw).', teaches: 'What went over the wire.', samples: ['/dump/request'] },
    (request, reply) => reply.type('text/plain; charset=utf-8').send(rawOf(request)),
  ),
  endpoint(
    { path: '/https-only', methods: ALL_METHODS, group: 'request inspection', description: 'An app behind a TLS-terminating proxy: over http it redirects to https (308); when Forwarded proto=https or X-Forwarded-Proto: https says the client used https, it answers with HSTS and a Secure cookie.', teaches: 'Redirecting to https, HSTS, Secure cookies, and where TLS ends.', samples: ['/https-only'] },
    httpsOnly,
  ),
  endpoint(
    { path: '/cors', methods: ALL_METHODS, group: 'request inspection', description: `A CORS policy: Origin ${CORS_ALLOWED_ORIGINS.join(', ')} (and this server) may read the answers; a preflight (OPTIONS with Access-Control-Request-Method) gets the allowed methods and headers.`, teaches: 'Simple and preflighted cross-origin requests, and the Access-Control-* headers.', samples: ['/cors'] },
    cors,
  ),
];
