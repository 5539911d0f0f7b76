// Echo endpoints for the course topics a plain echo cannot show: a real rate limit (/limited), an app
// behind a TLS-terminating proxy (/https-only), a CORS policy (/cors), and a reverse proxy with a shared
// cache in front of this very server (/proxy/…). Each is small, bounded, and reaches only this server.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request as undiciRequest } from 'undici';
import { HttpProblem } from '../http/problem';
import { parseCookies } from '../services/cookies';
import { SANDBOX_COOKIE } from '../services/sandboxes';
import { echoOf, sendJson, type Define } from '../routes/echo';

export const COURSE_LIMITS = {
  /** /limited: requests allowed per client in one window… */
  rateLimitRequests: 3,
  /** …of this many seconds (short, so a learner can wait it out in class). */
  rateLimitWindowSeconds: 5,
  /** Clients /limited remembers before forgetting the oldest windows. */
  rateLimitClients: 10_000,
  /** /proxy: how long the gateway waits for the server behind it before answering 504. */
  gatewayTimeoutMs: 2_000,
  /** /proxy: answers kept in the shared cache (each learner's sandbox has its own part of it). */
  cacheEntries: 500,
  /** /proxy: largest answer the cache stores, in bytes. */
  cacheBodyBytes: 100 * 1024,
} as const;

/** The origins /cors lets read its answers (besides this server's own). */
export const CORS_ALLOWED_ORIGINS = ['http://app.example'] as const;
const CORS_METHODS = 'GET, POST, PATCH, DELETE';
const CORS_HEADERS = 'Content-Type, Authorization';
const PROXY_NAME = 'sandbox-proxy';
/** Hop-by-hop headers a proxy does not forward (RFC 9110 §7.6.1), plus the ones it computes itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length']);

/** Who is asking: the learner's sandbox cookie when there is one (everyone reaches the echo from the same address in class), else the address. */
function clientKey(request: FastifyRequest): string {
  return parseCookies(request.headers.cookie)[SANDBOX_COOKIE] ?? request.headers['x-sandbox']?.toString() ?? request.ip;
}

function problem(reply: FastifyReply, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  // A gateway's own error, not the origin's: RFC 9457 §4.2.1 lets "about:blank" stand for "just the status".
  return reply.code(status).type('application/problem+json; charset=utf-8').send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }, null, 2));
}

// ── /limited: a real rate limit ─────────────────────────────────────────────────────────────────
const windows = new Map<string, { start: number; count: number }>();

function rateLimit(request: FastifyRequest, reply: FastifyReply, now = Date.now()): FastifyReply {
  const { rateLimitRequests: quota, rateLimitWindowSeconds: seconds } = COURSE_LIMITS;
  const key = clientKey(request);
  let window = windows.get(key);
  if (!window || now - window.start >= seconds * 1000) {
    window = { start: now, count: 0 };
    windows.delete(key);
    windows.set(key, window);
    if (windows.size > COURSE_LIMITS.rateLimitClients) windows.delete(windows.keys().next().value as string);
  }
  window.count += 1;
  const reset = Math.max(1, Math.ceil((window.start + seconds * 1000 - now) / 1000));
  const remaining = Math.max(0, quota - window.count);
  // The draft RateLimit fields (draft-ietf-httpapi-ratelimit-headers) say the quota and what is left.
  reply.header('ratelimit-policy', `"limited";q=${quota};w=${seconds}`).header('ratelimit', `"limited";r=${remaining};t=${reset}`);
  if (window.count > quota) {
    // 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3): come back when the window ends.
    reply.header('retry-after', String(reset));
    return problem(reply, 429, 'Too Many Requests', `You may send ${quota} requests every ${seconds} seconds here, and this was number ${window.count}. Wait ${reset} second${reset === 1 ? '' : 's'} (Retry-After), then try again — and wait longer each time you are refused (backoff).`, { quota, windowSeconds: seconds, retryAfter: reset });
  }
  return sendJson(reply, { allowed: true, request: window.count, of: quota, windowSeconds: seconds, remaining });
}

// ── /https-only: an app behind a TLS-terminating proxy ─────────────────────────────────────────
/** The scheme the client used, as the proxy in front says (Forwarded proto=, or X-Forwarded-Proto). */
function forwardedProto(request: FastifyRequest): string | undefined {
  const forwarded = /(?:^|[;,\s])proto=("?)(https?)\1/i.exec(String(request.headers.forwarded ?? ''));
  return (forwarded?.[2] ?? String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() ?? '').toLowerCase() || undefined;
}

function httpsOnly(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const proto = forwardedProto(request) ?? request.protocol;
  if (proto !== 'https') {
    const target = `https://${request.headers.host ?? 'localhost'}${request.url}`;
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

// ── /cors: a CORS policy ─────────────────────────────────────────────────────────────────────────
function cors(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const origin = request.headers.origin;
  const own = `${request.protocol}://${request.headers.host ?? ''}`;
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
  const client = request.ip;
  const priorFor = request.headers['x-forwarded-for'];
  // What a reverse proxy tells the server behind it (RFC 9110 §7.6.3 Via, RFC 7239 §4 Forwarded).
  Object.assign(headers, {
    host: request.headers.host ?? 'localhost',
    via: request.headers.via ? `${request.headers.via}, ${via}` : via,
    forwarded: `for=${client.includes(':') ? `"[${client}]"` : client};proto=${request.protocol};host=${request.headers.host ?? 'localhost'}`,
    'x-forwarded-for': priorFor ? `${priorFor}, ${client}` : client,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.headers.host ?? 'localhost',
  });
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
  let upstream: Awaited<ReturnType<typeof undiciRequest>>;
  let answer: Buffer;
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
      return problem(reply, 504, 'Gateway Timeout', `The proxy waited ${COURSE_LIMITS.gatewayTimeoutMs / 1000} seconds for the server behind it (${rest}) and gave up (RFC 9110 §15.6.5). The server may still be working on it.`);
    }
    return problem(reply, 502, 'Bad Gateway', `The proxy got no valid answer from the server behind it for ${rest}: the connection ended without a response (${code || 'error'}) (RFC 9110 §15.6.3). The fault is behind the proxy, not in your request.`);
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

const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function registerCourseEndpoints(define: Define): void {
  define(
    { path: '/limited', methods: ANY, group: 'streams and faults', description: `A real rate limit: ${COURSE_LIMITS.rateLimitRequests} requests per ${COURSE_LIMITS.rateLimitWindowSeconds} seconds per learner, then 429 with Retry-After, and RateLimit headers throughout.`, teaches: 'Rate limits, 429, Retry-After and backing off.', samples: ['/limited'] },
    rateLimit,
  );
  define(
    { path: '/https-only', methods: ANY, group: 'request inspection', description: 'An app behind a TLS-terminating proxy: over http it redirects to https (308); when Forwarded proto=https or X-Forwarded-Proto: https says the client used https, it answers with HSTS and a Secure cookie.', teaches: 'Redirecting to https, HSTS, Secure cookies, and where TLS ends.', samples: ['/https-only'] },
    httpsOnly,
  );
  define(
    { path: '/cors', methods: ANY, group: 'request inspection', description: `A CORS policy: Origin ${CORS_ALLOWED_ORIGINS.join(', ')} (and this server) may read the answers; a preflight (OPTIONS with Access-Control-Request-Method) gets the allowed methods and headers.`, teaches: 'Simple and preflighted cross-origin requests, and the Access-Control-* headers.', samples: ['/cors'] },
    cors,
  );
  define(
    { path: '/proxy/*', methods: ANY, group: 'caching', description: `A reverse proxy in front of this server: forwards the rest of the path with Via and Forwarded/X-Forwarded-For, answers 502 when the server behind it fails and 504 after ${COURSE_LIMITS.gatewayTimeoutMs / 1000} s, and keeps a shared cache (s-maxage, max-age; never private) with Age and X-Cache.`, teaches: 'Proxies, gateways, 502 and 504, shared caches.', samples: ['/proxy/get', '/proxy/cache/60'] },
    proxy,
  );
}
