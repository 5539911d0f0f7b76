// httpbin-compatible echo endpoints at the root (/anything, /get, /headers, /status/:codes…): the same
// JSON shapes, so course material written for httpbin works here, plus `raw` — the request as it arrived.
// Every endpoint carries its own metadata; GET /endpoints serves the index the client autocompletes from.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { bodyFields, headersObject, multiDict, reconstructRaw } from '../echo/request-echo';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from '../http/problem';
import { THIRD_PARTY_HEADERS, thirdPartyHeaderProblem } from '../http/third-party-content';
import { registerMoreEndpoints } from '../echo/more-endpoints';
import { registerCourseEndpoints } from '../echo/course-endpoints';

/** Largest body the echo reads (the cap is stated in the 413 problem). */
export const ECHO_BODY_LIMIT = 100 * 1024;
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Seconds /status/429 and /status/503 ask the client to wait (Retry-After), short enough to try in class. */
export const STATUS_RETRY_AFTER_SECONDS = 5;

export type EchoHandler = (request: FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[]> }>, reply: FastifyReply) => unknown;
export type Define = (endpoint: EchoEndpoint, handler: EchoHandler) => void;

export interface EchoEndpoint {
  path: string;
  methods: readonly string[];
  group: 'request inspection' | 'status codes' | 'redirects' | 'cookies' | 'auth' | 'caching' | 'response formats' | 'dynamic data' | 'streams and faults' | 'index';
  description: string;
  teaches: string;
  samples: string[];
}

function bodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function fullUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`;
}

function rawOf(request: FastifyRequest): string {
  return reconstructRaw({ method: request.method, url: request.url, httpVersion: request.raw.httpVersion, rawHeaders: request.raw.rawHeaders, body: bodyOf(request) });
}

// RFC 9110 §5.1, §5.5: a field name is a token; a value has no CR, LF, NUL or other controls (tab aside), and
// Node writes only single bytes, so nothing past U+00FF either.
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why a header asked of the echo cannot go on the wire at all, or undefined. */
function unsendableHeader(name: string, value: string): string | undefined {
  if (!FIELD_NAME.test(name)) return `${JSON.stringify(name.slice(0, 60))} is not a header name (RFC 9110 §5.1: letters, digits and !#$%&'*+-.^_\`|~ only)`;
  if (!FIELD_VALUE.test(value)) return 'the value has a character a header cannot carry: a line break, a control character or a character beyond Latin-1 (RFC 9110 §5.5). Percent-encode it';
  return undefined;
}

export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json').header('access-control-allow-origin', '*').send(`${JSON.stringify(value, null, 2)}\n`);
}

/** The full httpbin echo of a request (the /anything shape) plus `raw`. */
export function echoOf(request: FastifyRequest) {
  const url = new URL(request.url, 'http://x');
  return {
    args: multiDict(url.searchParams),
    ...bodyFields(request.headers['content-type'], bodyOf(request)),
    headers: headersObject(request.raw.rawHeaders),
    method: request.method,
    origin: request.ip,
    url: fullUrl(request),
    raw: rawOf(request),
  };
}

/** Picks a code from "200", "200,404" or "200:0.9,500:0.1" (weights), with a random number in [0,1). */
export function pickStatus(spec: string, random = Math.random()): number {
  const choices = spec.split(',').map((entry) => {
    const [code = '', weight = '1'] = entry.split(':');
    const status = Number(code);
    const w = Number(weight);
    if (!/^\d{3}$/.test(code) || status < 100 || status > 599 || !Number.isFinite(w) || w < 0) {
      throw new HttpProblem('invalid-path', `"${entry.slice(0, 20)}" is not a status code between 100 and 599 (with an optional :weight). Try /status/404 or /status/200:0.9,500:0.1.`);
    }
    return { status, weight: w };
  });
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  if (total <= 0) return choices[0]!.status;
  let point = random * total;
  for (const choice of choices) {
    point -= choice.weight;
    if (point < 0) return choice.status;
  }
  return choices.at(-1)!.status;
}

const echo: FastifyPluginAsync = async (app) => {
  /** The metadata of every echo endpoint, declared with its route below (one source for /endpoints). */
  const endpoints: EchoEndpoint[] = [];
  // Echo endpoints accept any body of any type, up to the cap; JSON that does not parse is just data.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ECHO_BODY_LIMIT }, (_request, body, done) => done(null, body));

  // What the echo says, anyone can make it say: it goes out inert, and never as something that could act as
  // the app (server/http/third-party-content.ts). A response that would is replaced by a problem saying why.
  app.addHook('onSend', async (request, reply, payload) => {
    const host = request.headers.host ?? 'localhost';
    const ownOrigin = URL.canParse(`http://${host}`) ? `http://${host}` : 'http://localhost';
    // The course's reverse proxy relays this server's own answers (the echo's already checked on the way in,
    // the toy API's log-in cookie as the lesson on sessions through a proxy needs): only made inert here.
    const relayed = request.routeOptions.url === '/proxy/*';
    for (const [name, value] of relayed ? [] : Object.entries(reply.getHeaders())) {
      for (const one of Array.isArray(value) ? value : [value]) {
        const problem = one === undefined ? undefined : unsendableHeader(name, String(one)) ?? thirdPartyHeaderProblem(name, String(one), ownOrigin);
        if (!problem) continue;
        for (const set of Object.keys(reply.getHeaders())) reply.removeHeader(set);
        const refusal = new HttpProblem('unsafe-response', `The sandbox will not send ${name}: ${String(one).slice(0, 200)} here: ${problem}.`, { extra: { header: name } });
        reply.code(refusal.status).type(PROBLEM_CONTENT_TYPE).headers(THIRD_PARTY_HEADERS);
        return JSON.stringify(refusal.toJSON(request.url), null, 2);
      }
    }
    reply.headers(THIRD_PARTY_HEADERS);
    return payload;
  });

  const define: Define = (endpoint, handler) => {
    endpoints.push(endpoint);
    // Other methods get 405 with Allow, as httpbin answers.
    if (endpoint.methods.length < ALL_METHODS.length) app.resources.declare(endpoint.path, endpoint.methods);
    app.route({ method: [...endpoint.methods] as never, url: endpoint.path, bodyLimit: ECHO_BODY_LIMIT, schema: { hide: true }, handler: handler as never });
  };

  // A learner sees everything the server received: args, headers, body fields, and the raw request.
  define(
    { path: '/anything', methods: ALL_METHODS, group: 'request inspection', description: 'Echoes any request: method, args, headers, body, and the raw request.', teaches: 'What a server really receives.', samples: ['/anything?a=1&a=2'] },
    (request, reply) => sendJson(reply, echoOf(request)),
  );
  define(
    { path: '/anything/*', methods: ALL_METHODS, group: 'request inspection', description: 'The same, for any path below /anything.', teaches: 'Paths are just part of the request.', samples: ['/anything/a/b'] },
    (request, reply) => sendJson(reply, echoOf(request)),
  );
  define(
    { path: '/get', methods: ['GET'], group: 'request inspection', description: "The request's args, headers, origin and URL.", teaches: 'Query strings become args.', samples: ['/get?show=all'] },
    (request, reply) => {
      const { args, headers, origin, url, raw } = echoOf(request);
      return sendJson(reply, { args, headers, origin, url, raw });
    },
  );
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    define(
      { path: `/${method.toLowerCase()}`, methods: [method], group: 'request inspection', description: `Echoes a ${method}: args, data, files, form, json, headers.`, teaches: 'How bodies arrive: data, form fields, files, JSON.', samples: [`/${method.toLowerCase()}`] },
      (request, reply) => {
        const { method: _method, ...rest } = echoOf(request);
        return sendJson(reply, rest);
      },
    );
  }
  define(
    { path: '/headers', methods: ['GET'], group: 'request inspection', description: 'The request headers.', teaches: 'Which headers your client adds by itself.', samples: ['/headers'] },
    (request, reply) => sendJson(reply, { headers: headersObject(request.raw.rawHeaders), raw: rawOf(request) }),
  );
  define(
    { path: '/ip', methods: ['GET'], group: 'request inspection', description: "The client's IP address.", teaches: 'The server sees where a request comes from.', samples: ['/ip'] },
    (request, reply) => sendJson(reply, { origin: request.ip, raw: rawOf(request) }),
  );
  define(
    { path: '/user-agent', methods: ['GET'], group: 'request inspection', description: 'The User-Agent header.', teaches: 'Clients say what they are.', samples: ['/user-agent'] },
    (request, reply) => sendJson(reply, { 'user-agent': request.headers['user-agent'] ?? null, raw: rawOf(request) }),
  );
  define(
    { path: '/uuid', methods: ['GET'], group: 'request inspection', description: 'A fresh UUID v4.', teaches: 'Responses can differ on every request.', samples: ['/uuid'] },
    (_request, reply) => sendJson(reply, { uuid: randomUUID() }),
  );
  define(
    { path: '/raw', methods: ALL_METHODS, group: 'request inspection', description: 'The request exactly as it arrived, as plain text.', teaches: 'HTTP/1.1 is text: a request line, header lines, an empty line, a body.', samples: ['/raw'] },
    (request, reply) => reply.type('text/plain; charset=utf-8').send(rawOf(request)),
  );
  // A learner asks for any status, or a weighted random one, to see how clients react.
  define(
    { path: '/status/:codes', methods: ALL_METHODS, group: 'status codes', description: 'Answers with the given status, or one picked from a weighted list.', teaches: 'What each status code looks like to a client.', samples: ['/status/418', '/status/200:0.8,500:0.2'] },
    (request, reply) => {
      const status = pickStatus(request.params.codes ?? '');
      if (status < 200) {
        // An interim response alone would leave the client waiting; answer with a final one that says so.
        return sendJson(reply.code(200), { status, note: `${status} is an informational (1xx) status: it comes before a final response and cannot be the final answer itself. See /info/103 for a real interim response.` });
      }
      reply.code(status);
      if (status === 401) reply.header('www-authenticate', 'Basic realm="Fake Realm"');
      if (status === 407) reply.header('proxy-authenticate', 'Basic realm="Fake Realm"');
      // Retry-After tells the client how long to wait before asking again (RFC 9110 §10.2.3, RFC 6585 §4).
      if (status === 429 || status === 503) reply.header('retry-after', String(STATUS_RETRY_AFTER_SECONDS));
      if (status >= 300 && status < 400 && status !== 304) reply.header('location', '/redirect/1');
      if (status === 204 || status === 304) return reply.send();
      if (status === 418) return reply.type('text/plain; charset=utf-8').send("I'm a teapot: I refuse to brew coffee (RFC 2324).\n");
      return reply.send('');
    },
  );
  registerMoreEndpoints(define);
  registerCourseEndpoints(define);
  define(
    { path: '/endpoints', methods: ['GET'], group: 'index', description: 'This list of echo endpoints.', teaches: 'An API can describe itself.', samples: ['/endpoints'] },
    (_request, reply) => sendJson(reply, endpoints),
  );
};

export default echo;
