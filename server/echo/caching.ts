// Caching: validators and conditional requests (/cache, /etag), Cache-Control lifetimes, response headers
// from the query, and a reverse proxy with a shared cache in front of this very server (/proxy/…), which
// reaches only this server.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { loadUndici } from '../http/lazy-undici';
import { HttpProblem } from '../http/problem';
import { ALL_METHODS, READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { COURSE_LIMITS, ECHO_LIMITS } from './limits';
import { clientKey, count, getEcho, query, sendJson, statusProblem } from './reply';
import { clientOf } from '../services/client-address';

const PROXY_NAME = 'sandbox-proxy';
/** Hop-by-hop headers a proxy does not forward (RFC 9110 §7.6.1), plus the ones it computes itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length']);

/** Headers /response-headers will not take from the query: framing, redirects, cookies and the page's policy. */
const NOT_FROM_QUERY = new Set(['content-length', 'transfer-encoding', 'connection', 'location', 'set-cookie', 'content-security-policy']);

// ── /proxy/…: a reverse proxy with a shared cache ──────────────────────────────────────────────
interface Stored {
  status: number;
  headers: [string, string][];
  body: Buffer;
  storedAt: number;
  lifetimeSeconds: number;
  upstreamAge: number;
}
const cache = new Map<string, Stored>();

function directives(cacheControl: string | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [name = '', value = ''] = part.trim().toLowerCase().split('=');
    if (name) found.set(name, value.replace(/^"|"$/g, ''));
  }
  return found;
}

/**
 * How long a shared cache may reuse an answer, or undefined when it must not store it: only 200s to GET,
 * not private or no-store, not to a request with Authorization unless public or s-maxage (RFC 9111 §3,
 * §3.5), and with explicit freshness — s-maxage first, then max-age (RFC 9111 §4.2.1). No heuristics.
 */
export function sharedLifetime(method: string, status: number, cacheControl: string | undefined, hasAuthorization: boolean, hasSetCookie: boolean): number | undefined {
  if (method !== 'GET' || status !== 200 || hasSetCookie) return undefined;
  const d = directives(cacheControl);
  if (d.has('private') || d.has('no-store') || d.has('no-cache')) return undefined;
  if (hasAuthorization && !d.has('public') && !d.has('s-maxage')) return undefined;
  const seconds = Number(d.get('s-maxage') ?? d.get('max-age'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

function send(reply: FastifyReply, status: number, headers: [string, string][], body: Buffer, extra: Record<string, string>): FastifyReply {
  reply.code(status);
  for (const [name, value] of headers) if (!HOP_BY_HOP.has(name.toLowerCase())) reply.header(name, value);
  for (const [name, value] of Object.entries(extra)) reply.header(name, value);
  return reply.send(body);
}

async function proxy(request: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply): Promise<FastifyReply> {
  const rest = request.url.slice('/proxy'.length) || '/';
  if (/^\/+proxy(\/|\?|$)/.test(rest)) throw new HttpProblem('invalid-path', 'A proxy in front of itself would loop forever: ask /proxy/ for a path that is not /proxy again, such as /proxy/get.');
  const via = `1.1 ${PROXY_NAME}`;
  const key = `${clientKey(request)} ${rest}`;
  const now = Date.now();
  if (request.method === 'GET') {
    const stored = cache.get(key);
    if (stored) {
      const age = stored.upstreamAge + Math.floor((now - stored.storedAt) / 1000);
      // Fresh while its age is under its lifetime (RFC 9111 §4.2); Age tells the client how old it is (§5.1).
      if (age < stored.lifetimeSeconds) return send(reply, stored.status, stored.headers, stored.body, { age: String(age), via, 'x-cache': 'HIT' });
      cache.delete(key);
    }
  }
  const address = request.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.raw.rawHeaders.length; i += 2) {
    const name = request.raw.rawHeaders[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase()) && !['via', 'forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'].includes(name.toLowerCase())) headers[name] = request.raw.rawHeaders[i + 1]!;
  }
  const { address: client, proto } = clientOf(request);
  const priorFor = request.headers['x-forwarded-for'];
  // What a reverse proxy tells the server behind it (RFC 9110 §7.6.3 Via, RFC 7239 §4 Forwarded).
  Object.assign(headers, {
    host: request.headers.host ?? 'localhost',
    via: request.headers.via ? `${request.headers.via}, ${via}` : via,
    forwarded: `for=${client.includes(':') ? `"[${client}]"` : client};proto=${proto};host=${request.headers.host ?? 'localhost'}`,
    'x-forwarded-for': priorFor ? `${priorFor}, ${client}` : client,
    'x-forwarded-proto': proto,
    'x-forwarded-host': request.headers.host ?? 'localhost',
  });
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
  let upstream: Dispatcher.ResponseData;
  let answer: Buffer;
  const { request: undiciRequest } = await loadUndici();
  try {
    upstream = await undiciRequest(`http://${host}:${request.socket.localPort}${rest}`, {
      method: request.method as never,
      headers,
      body,
      headersTimeout: COURSE_LIMITS.gatewayTimeoutMs,
      bodyTimeout: COURSE_LIMITS.gatewayTimeoutMs,
    });
    answer = Buffer.from(await upstream.body.arrayBuffer());
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    reply.header('via', via).header('x-cache', 'MISS');
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return statusProblem(reply, 504, 'Gateway Timeout', `The proxy waited ${COURSE_LIMITS.gatewayTimeoutMs / 1000} seconds for the server behind it (${rest}) and gave up (RFC 9110 §15.6.5). The server may still be working on it.`);
    }
    return statusProblem(reply, 502, 'Bad Gateway', `The proxy got no valid answer from the server behind it for ${rest}: the connection ended without a response (${code || 'error'}) (RFC 9110 §15.6.3). The fault is behind the proxy, not in your request.`);
  }
  const flat: [string, string][] = Object.entries(upstream.headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : value === undefined ? [] : [[name, String(value)]]));
  const lifetime = sharedLifetime(request.method, upstream.statusCode, upstream.headers['cache-control']?.toString(), request.headers.authorization !== undefined, upstream.headers['set-cookie'] !== undefined);
  if (lifetime !== undefined && answer.length <= COURSE_LIMITS.cacheBodyBytes) {
    cache.delete(key);
    cache.set(key, { status: upstream.statusCode, headers: flat, body: answer, storedAt: now, lifetimeSeconds: lifetime, upstreamAge: Number(upstream.headers.age ?? 0) || 0 });
    if (cache.size > COURSE_LIMITS.cacheEntries) cache.delete(cache.keys().next().value as string);
  }
  return send(reply, upstream.statusCode, flat, answer, { via: upstream.headers.via ? `${upstream.headers.via}, ${via}` : via, 'x-cache': 'MISS' });
}

export const CACHING: readonly EchoRoute[] = [
  endpoint(
    { path: '/cache', methods: READ_ONLY, group: 'caching', description: '304 when the request is conditional (If-None-Match or If-Modified-Since), else 200 with validators.', teaches: 'Conditional requests and 304.', samples: ['/cache'] },
    (request, reply) => {
      if (request.headers['if-none-match'] || request.headers['if-modified-since']) return reply.code(304).send();
      reply.header('last-modified', new Date().toUTCString()).header('etag', `"${randomUUID().replaceAll('-', '')}"`);
      return sendJson(reply, getEcho(request));
    },
  ),
  endpoint(
    { path: '/cache/:n', methods: READ_ONLY, group: 'caching', description: 'Cache-Control: public, max-age=n.', teaches: 'How long a response may be reused.', samples: ['/cache/60'] },
    (request, reply) => {
      const n = count(request.params.n, 'max-age', ECHO_LIMITS.cacheMaxAgeSeconds, '/cache/60');
      return sendJson(reply.header('cache-control', `public, max-age=${n}`), getEcho(request));
    },
  ),
  endpoint(
    { path: '/etag/:etag', methods: READ_ONLY, group: 'caching', description: 'Answers with the given ETag; If-None-Match → 304, If-Match mismatch → 412.', teaches: 'Entity tags and preconditions.', samples: ['/etag/v1'] },
    (request, reply) => {
      const etag = `"${request.params.etag}"`;
      const tags = (header: string | undefined) => (header ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      const ifNoneMatch = tags(request.headers['if-none-match']);
      if (ifNoneMatch.includes(etag) || ifNoneMatch.includes('*')) return reply.code(304).header('etag', etag).send();
      const ifMatch = tags(request.headers['if-match']);
      if (ifMatch.length && !ifMatch.includes(etag) && !ifMatch.includes('*')) return reply.code(412).send();
      return sendJson(reply.header('etag', etag), getEcho(request));
    },
  ),
  endpoint(
    { path: '/response-headers', methods: ['GET', 'POST'], group: 'caching', description: 'Sets response headers from the query string.', teaches: 'Headers are just name: value lines.', samples: ['/response-headers?X-Lesson=headers'] },
    (request, reply) => {
      const set: Record<string, string | string[]> = {};
      for (const [name, value] of query(request)) {
        if (NOT_FROM_QUERY.has(name.toLowerCase()) || !/^[A-Za-z0-9-]{1,64}$/.test(name) || /[\r\n]/.test(value)) {
          throw new HttpProblem('invalid-query', `The sandbox does not set the header ${JSON.stringify(name.slice(0, 64))} here: framing, redirect and cookie headers are not allowed. Use another name.`);
        }
        const existing = set[name];
        set[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
      // A repeated name becomes repeated header lines.
      for (const [name, value] of Object.entries(set)) reply.header(name, value);
      return sendJson(reply, { 'Content-Type': 'application/json', ...set });
    },
  ),
  endpoint(
    { path: '/proxy/*', methods: ALL_METHODS, group: 'caching', description: `A reverse proxy in front of this server: forwards the rest of the path with Via and Forwarded/X-Forwarded-For, answers 502 when the server behind it fails and 504 after ${COURSE_LIMITS.gatewayTimeoutMs / 1000} s, and keeps a shared cache (s-maxage, max-age; never private) with Age and X-Cache.`, teaches: 'Proxies, gateways, 502 and 504, shared caches.', samples: ['/proxy/get', '/proxy/cache/60'] },
    proxy,
    { relaysOwnAnswers: true },
  ),
];
