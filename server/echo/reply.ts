// What the echo endpoints share: the httpbin-shaped echo of a request, the pretty JSON answer, this
// server's own origin, and the parsing of counts from paths and queries (each with its ceiling).
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { parseCookies } from '../services/cookies';
import { SANDBOX_COOKIE } from '../services/sandboxes';
import { bodyFields, bodyText, headersObject, multiDict, reconstructRaw, type MultipartPart } from './request-echo';
import { clientOf, parsedOrigin, publicOrigin, realAddress } from '../services/client-address';

declare module 'fastify' {
  interface FastifyRequest {
    /** A multipart/form-data body's parts, read when the body arrived (server/routes/echo.ts). */
    multipartParts?: MultipartPart[];
  }
}

/** The body of a request that has none (a GET's): one, not a new Buffer per echo. Zero bytes long, nothing in it can change. */
const NO_BODY = Buffer.alloc(0);

export function bodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : NO_BODY;
}

function isLoopbackOrOwn(hostname: string, localAddress: string): boolean {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (bare === 'localhost' || bare === localAddress) return true;
  const family = isIP(bare);
  return (family === 4 && bare.startsWith('127.')) || (family === 6 && bare === '::1');
}

/**
 * This server's origin as the client reached it, for absolute URLs and for deciding what stays on this
 * server. The Host header is the client's to choose (a forged one is one line of curl, and a cache in front
 * could keep the answer for everyone else), so it counts only when it names the address the connection
 * arrived on, or a loopback name, with the port that answered; otherwise that address itself is used.
 */
export function ownOrigin(request: FastifyRequest): string {
  // Behind a proxy the operator trusts (TRUST_PROXY), the public origin it reports is this server's.
  const client = clientOf(request);
  const reported = client.forwarded ? publicOrigin(request) : undefined;
  if (reported) return reported;
  const socket = request.raw.socket;
  const localAddress = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  const localPort = String(socket.localPort ?? 80);
  const scheme = client.proto;
  const host = request.headers.host;
  const url = host === undefined ? undefined : parsedOrigin(`${scheme}://${host}`);
  if (url !== undefined) {
    const port = url.port || (scheme === 'https' ? '443' : '80');
    if (port === localPort && isLoopbackOrOwn(url.hostname, localAddress)) return url.origin;
  }
  return `${scheme}://${isIP(localAddress) === 6 ? `[${localAddress}]` : localAddress}:${localPort}`;
}

/** The URL the client asked for: the public scheme and host when a trusted proxy reports them. */
function fullUrl(request: FastifyRequest): string {
  return `${publicOrigin(request) ?? `${request.protocol}://localhost`}${request.url}`;
}

/** The request as it arrived (`text`: its body as bodyText gives it, when the caller has it already). */
export function rawOf(request: FastifyRequest, text?: string | null): string {
  return reconstructRaw({ method: request.method, url: request.url, httpVersion: request.raw.httpVersion, rawHeaders: request.raw.rawHeaders, body: bodyOf(request), text });
}

export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json').header('access-control-allow-origin', '*').send(`${JSON.stringify(value, null, 2)}\n`);
}

/** Query parameters to read, not change: query() hands out one shared object for a URL without a query. */
export type QueryParams = Omit<URLSearchParams, 'append' | 'delete' | 'set' | 'sort'>;
const NO_PARAMS: QueryParams = new URLSearchParams();

/** The query string's parameters, in order (the caller reads them; they are not to be changed). */
export function query(request: FastifyRequest): QueryParams {
  const url = request.url;
  const at = url.indexOf('?');
  if (at === -1) return NO_PARAMS;
  // The query as URL parsing gives it: up to a fragment, which URL parsing also takes care of (rare; a
  // client should not send one). Without one, the text after "?" reads the same as URL parsing reads it.
  if (url.includes('#', at)) return new URL(url, 'http://x').searchParams;
  return new URLSearchParams(url.slice(at + 1));
}

/** The full httpbin echo of a request (the /anything shape) plus `raw`. */
export function echoOf(request: FastifyRequest) {
  const body = bodyOf(request);
  // Decoded once, for data, json and raw.
  const text = bodyText(body);
  return {
    args: multiDict(query(request)),
    ...bodyFields(request.headers['content-type'], body, request.multipartParts, text),
    headers: headersObject(request.raw.rawHeaders),
    method: request.method,
    origin: realAddress(request),
    url: fullUrl(request),
    raw: rawOf(request, text),
  };
}

/** httpbin's /get shape: the echo without a body or method. */
export function getEcho(request: FastifyRequest) {
  return {
    args: multiDict(query(request)),
    headers: headersObject(request.raw.rawHeaders),
    origin: realAddress(request),
    url: fullUrl(request),
    raw: rawOf(request),
  };
}

/** A whole number from a path or query, at most `max`; the error names the ceiling and an example. */
export function count(value: string | undefined, what: string, max: number, example: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value ?? '') || n < 0) throw new HttpProblem('invalid-path', `${what} must be a whole number, such as ${example}.`);
  if (n > max) throw new HttpProblem('invalid-path', `${what} is ${n}, but at most ${max} is allowed here. Ask for ${max} or fewer.`);
  return n;
}

/** Waits `ms`, or less when the client goes away first (then false: nobody is left to answer). */
export function waitOrAbort(ms: number, request: FastifyRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      request.raw.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    request.raw.once('close', onClose);
  });
}

/** Who is asking: the learner's sandbox cookie when there is one (everyone reaches the echo from the same address in class), else the address. */
export function clientKey(request: FastifyRequest): string {
  return parseCookies(request.headers.cookie)[SANDBOX_COOKIE] ?? request.headers['x-sandbox']?.toString() ?? realAddress(request);
}

/** A problem that is just its status (a gateway's or a rate limit's own): RFC 9457 §4.2.1 lets "about:blank" stand for that. */
export function statusProblem(reply: FastifyReply, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/problem+json; charset=utf-8').send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }, null, 2));
}
