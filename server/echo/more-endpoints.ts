// The rest of the httpbin-style endpoints: redirects (never to another site), cookies, auth, caching,
// response formats, dynamic data, streams and faults. Every count, size and delay has a ceiling that the
// error names.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { escapeHtml } from '../http/representations';
import { parseCookies } from '../services/cookies';
import { echoOf, sendJson, type Define } from '../routes/echo';
import { headersObject } from './request-echo';
import { negotiate } from '../http/negotiate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../client-build';

export const ECHO_LIMITS = {
  redirects: 20,
  bytes: 100 * 1024,
  lines: 100,
  delaySeconds: 10,
  links: 200,
} as const;

const READ = ['GET'] as const;
const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Whether Accept-Encoding allows this content coding: no header means any coding is acceptable; otherwise
 * the coding (or `*`) must be listed with a q above 0 (RFC 9110 §12.5.3). An empty value means identity only.
 */
export function acceptsCoding(header: string | undefined, coding: string): boolean {
  if (header === undefined) return true;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    weights.set(name === 'x-gzip' ? 'gzip' : name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const weight = weights.get(coding) ?? weights.get('*');
  return weight !== undefined && weight > 0;
}

function count(value: string | undefined, what: string, max: number, example: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value ?? '') || n < 0) throw new HttpProblem('invalid-path', `${what} must be a whole number, such as ${example}.`);
  if (n > max) throw new HttpProblem('invalid-path', `${what} is ${n}, but at most ${max} is allowed here. Ask for ${max} or fewer.`);
  return n;
}

function query(request: FastifyRequest): URLSearchParams {
  return new URL(request.url, 'http://x').searchParams;
}

function getEcho(request: FastifyRequest) {
  const { args, headers, origin, url, raw } = echoOf(request);
  return { args, headers, origin, url, raw };
}

/** Only paths on this server: no open redirects (an absolute URL or //host is refused). */
function ownPath(target: string): string {
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
    throw new HttpProblem(
      'invalid-query',
      `The sandbox only redirects to its own paths, and ${JSON.stringify(target.slice(0, 100))} is not one: an endpoint that redirects anywhere would let anyone send visitors to another site. Use a path such as /get.`,
    );
  }
  return target;
}

function basicCredentials(request: FastifyRequest): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A small document of our own, in each format the format endpoints serve. */
const SAMPLE = {
  library: {
    name: 'HTTP Sandbox sample library',
    shelves: [
      { topic: 'Protocols', books: ['TCP/IP Illustrated', 'HTTP: The Definitive Guide'] },
      { topic: 'Fiction', books: ['Frankenstein', 'Neuromancer'] },
    ],
  },
};

function waitOrAbort(ms: number, request: FastifyRequest): Promise<boolean> {
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

export function registerMoreEndpoints(define: Define): void {
  // ── Redirects ────────────────────────────────────────────────────────────────────────────────
  define(
    { path: '/redirect/:n', methods: READ, group: 'redirects', description: 'Redirects n times (relative Location), then lands on /get.', teaches: 'Clients follow 302 by reading Location.', samples: ['/redirect/3'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/redirect/3');
      return reply.code(302).header('location', n <= 1 ? '/get' : `/relative-redirect/${n - 1}`).send();
    },
  );
  define(
    { path: '/relative-redirect/:n', methods: READ, group: 'redirects', description: 'Redirects n times with relative Locations.', teaches: 'Location may be a relative reference (RFC 9110 §10.2.2).', samples: ['/relative-redirect/2'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/relative-redirect/2');
      return reply.code(302).header('location', n <= 1 ? '/get' : `/relative-redirect/${n - 1}`).send();
    },
  );
  define(
    { path: '/absolute-redirect/:n', methods: READ, group: 'redirects', description: 'Redirects n times with absolute Locations on this server.', teaches: 'Location may be an absolute URL.', samples: ['/absolute-redirect/2'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/absolute-redirect/2');
      const base = `${request.protocol}://${request.headers.host ?? 'localhost'}`;
      return reply.code(302).header('location', n <= 1 ? `${base}/get` : `${base}/absolute-redirect/${n - 1}`).send();
    },
  );
  define(
    { path: '/redirect-to', methods: ANY, group: 'redirects', description: 'Redirects to a path on this server, with any 3xx status (?url=&status_code=).', teaches: 'How 301, 302, 303, 307 and 308 differ.', samples: ['/redirect-to?url=/get&status_code=307'] },
    (request, reply) => {
      const params = query(request);
      const target = ownPath(params.get('url') ?? '');
      const status = Number(params.get('status_code') ?? '302');
      if (!Number.isInteger(status) || status < 300 || status > 399) {
        throw new HttpProblem('invalid-query', `status_code must be a redirect status from 300 to 399, such as 302 or 307.`);
      }
      return reply.code(status).header('location', target).send();
    },
  );
  // ── Cookies ──────────────────────────────────────────────────────────────────────────────────
  define(
    { path: '/cookies', methods: READ, group: 'cookies', description: 'The cookies the request carried.', teaches: 'Browsers send stored cookies back in the Cookie header.', samples: ['/cookies'] },
    (request, reply) => sendJson(reply, { cookies: parseCookies(request.headers.cookie), raw: echoOf(request).raw }),
  );
  define(
    { path: '/cookies/set', methods: READ, group: 'cookies', description: 'Sets the cookies named in the query, then redirects to /cookies.', teaches: 'Set-Cookie asks the client to store a cookie.', samples: ['/cookies/set?flavour=oat'] },
    (request, reply) => {
      for (const [name, value] of query(request)) reply.header('set-cookie', `${name}=${encodeURIComponent(value)}; Path=/`);
      return reply.code(302).header('location', '/cookies').send();
    },
  );
  define(
    { path: '/cookies/set/:name/:value', methods: READ, group: 'cookies', description: 'Sets one cookie, then redirects to /cookies.', teaches: 'Cookies are name=value pairs.', samples: ['/cookies/set/flavour/oat'] },
    (request, reply) => reply.code(302).header('set-cookie', `${request.params.name}=${encodeURIComponent(request.params.value ?? '')}; Path=/`).header('location', '/cookies').send(),
  );
  define(
    { path: '/cookies/delete', methods: READ, group: 'cookies', description: 'Deletes the cookies named in the query (Max-Age=0), then redirects to /cookies.', teaches: 'A cookie is deleted by setting it again with an expiry in the past.', samples: ['/cookies/delete?flavour'] },
    (request, reply) => {
      for (const name of query(request).keys()) reply.header('set-cookie', `${name}=; Path=/; Max-Age=0`);
      return reply.code(302).header('location', '/cookies').send();
    },
  );
  // ── Authentication ───────────────────────────────────────────────────────────────────────────
  const basic = (hidden: boolean) => (request: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply) => {
    const credentials = basicCredentials(request);
    if (credentials && credentials.user === request.params.user && credentials.password === request.params.passwd) {
      return sendJson(reply, { authenticated: true, user: credentials.user });
    }
    if (hidden) return reply.code(404).send();
    return reply.code(401).header('www-authenticate', 'Basic realm="Fake Realm"').send();
  };
  define(
    { path: '/basic-auth/:user/:passwd', methods: READ, group: 'auth', description: 'Needs Basic auth with the user and password in the path.', teaches: '401 and WWW-Authenticate: Basic.', samples: ['/basic-auth/ada/lovelace'] },
    basic(false),
  );
  define(
    { path: '/hidden-basic-auth/:user/:passwd', methods: READ, group: 'auth', description: 'Like basic-auth, but answers 404 instead of 401.', teaches: 'Hiding that a resource exists.', samples: ['/hidden-basic-auth/ada/lovelace'] },
    basic(true),
  );
  define(
    { path: '/bearer', methods: READ, group: 'auth', description: 'Needs any Authorization: Bearer token.', teaches: 'Bearer tokens (RFC 6750).', samples: ['/bearer'] },
    (request, reply) => {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return reply.code(401).header('www-authenticate', 'Bearer').send();
      return sendJson(reply, { authenticated: true, token });
    },
  );
  define(
    { path: '/digest-auth/:qop/:user/:passwd', methods: READ, group: 'auth', description: 'Needs HTTP Digest auth (qop auth or auth-int, MD5 or SHA-256 via /:algorithm).', teaches: 'Challenge and response: the password never crosses the wire.', samples: ['/digest-auth/auth/ada/lovelace'] },
    (request, reply) => digest(request, reply, 'MD5'),
  );
  define(
    { path: '/digest-auth/:qop/:user/:passwd/:algorithm', methods: READ, group: 'auth', description: 'Digest auth with a chosen algorithm (MD5, SHA-256).', teaches: 'Digest algorithms.', samples: ['/digest-auth/auth/ada/lovelace/SHA-256'] },
    (request, reply) => digest(request, reply, request.params.algorithm ?? 'MD5'),
  );
  // ── Caching ──────────────────────────────────────────────────────────────────────────────────
  define(
    { path: '/cache', methods: READ, group: 'caching', description: '304 when the request is conditional (If-None-Match or If-Modified-Since), else 200 with validators.', teaches: 'Conditional requests and 304.', samples: ['/cache'] },
    (request, reply) => {
      if (request.headers['if-none-match'] || request.headers['if-modified-since']) return reply.code(304).send();
      reply.header('last-modified', new Date().toUTCString()).header('etag', `"${randomUUID().replaceAll('-', '')}"`);
      return sendJson(reply, getEcho(request));
    },
  );
  define(
    { path: '/cache/:n', methods: READ, group: 'caching', description: 'Cache-Control: public, max-age=n.', teaches: 'How long a response may be reused.', samples: ['/cache/60'] },
    (request, reply) => {
      const n = count(request.params.n, 'max-age', 31_536_000, '/cache/60');
      return sendJson(reply.header('cache-control', `public, max-age=${n}`), getEcho(request));
    },
  );
  define(
    { path: '/etag/:etag', methods: READ, group: 'caching', description: 'Answers with the given ETag; If-None-Match → 304, If-Match mismatch → 412.', teaches: 'Entity tags and preconditions.', samples: ['/etag/v1'] },
    (request, reply) => {
      const etag = `"${request.params.etag}"`;
      const tags = (header: string | undefined) => (header ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      const ifNoneMatch = tags(request.headers['if-none-match']);
      if (ifNoneMatch.includes(etag) || ifNoneMatch.includes('*')) return reply.code(304).header('etag', etag).send();
      const ifMatch = tags(request.headers['if-match']);
      if (ifMatch.length && !ifMatch.includes(etag) && !ifMatch.includes('*')) return reply.code(412).send();
      return sendJson(reply.header('etag', etag), getEcho(request));
    },
  );
  define(
    { path: '/response-headers', methods: ['GET', 'POST'], group: 'caching', description: 'Sets response headers from the query string.', teaches: 'Headers are just name: value lines.', samples: ['/response-headers?X-Lesson=headers'] },
    (request, reply) => {
      const forbidden = new Set(['content-length', 'transfer-encoding', 'connection', 'location', 'set-cookie', 'content-security-policy']);
      const set: Record<string, string | string[]> = {};
      for (const [name, value] of query(request)) {
        if (forbidden.has(name.toLowerCase()) || !/^[A-Za-z0-9-]{1,64}$/.test(name) || /[\r\n]/.test(value)) {
          throw new HttpProblem('invalid-query', `The sandbox does not set the header ${JSON.stringify(name.slice(0, 64))} here: framing, redirect and cookie headers are not allowed. Use another name.`);
        }
        const existing = set[name];
        set[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
      // A repeated name becomes repeated header lines.
      for (const [name, value] of Object.entries(set)) reply.header(name, value);
      return sendJson(reply, { 'Content-Type': 'application/json', ...set });
    },
  );
  // ── Response formats ─────────────────────────────────────────────────────────────────────────
  const compressed = (name: 'gzip' | 'deflate' | 'brotli', encoding: string, compress: (b: Buffer) => Buffer) =>
    define(
      { path: `/${name}`, methods: READ, group: 'response formats', description: `A ${name}-compressed JSON body, or an uncompressed one when Accept-Encoding does not allow ${encoding}.`, teaches: 'Content-Encoding and Accept-Encoding.', samples: [`/${name}`] },
      (request, reply) => {
        const { headers, origin, raw } = getEcho(request);
        const accepted = acceptsCoding(request.headers['accept-encoding'], encoding);
        const body = Buffer.from(JSON.stringify({ [name === 'brotli' ? 'brotli' : `${name}${name === 'gzip' ? 'ped' : 'd'}`]: accepted, headers, method: request.method, origin, raw }, null, 2));
        // The answer depends on Accept-Encoding, so caches must key on it (RFC 9110 §12.5.5).
        reply.type('application/json').header('vary', 'Accept-Encoding');
        return accepted ? reply.header('content-encoding', encoding).send(compress(body)) : reply.send(body);
      },
    );
  compressed('gzip', 'gzip', (b) => gzipSync(b));
  compressed('deflate', 'deflate', (b) => deflateSync(b));
  compressed('brotli', 'br', (b) => brotliCompressSync(b));
  define(
    { path: '/json', methods: READ, group: 'response formats', description: 'A JSON document.', teaches: 'application/json.', samples: ['/json'] },
    (_request, reply) => sendJson(reply, SAMPLE),
  );
  define(
    { path: '/xml', methods: READ, group: 'response formats', description: 'An XML document.', teaches: 'application/xml.', samples: ['/xml'] },
    (_request, reply) =>
      reply.type('application/xml').send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<library name="${SAMPLE.library.name}">\n${SAMPLE.library.shelves.map((s) => `  <shelf topic="${s.topic}">\n${s.books.map((b) => `    <book>${escapeHtml(b)}</book>`).join('\n')}\n  </shelf>`).join('\n')}\n</library>\n`,
      ),
  );
  define(
    { path: '/html', methods: READ, group: 'response formats', description: 'An HTML page.', teaches: 'text/html; the viewer shows it as text.', samples: ['/html'] },
    (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(`<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>A small page</title></head>\n<body>\n<h1>A small page</h1>\n<p>This page came from the HTTP Sandbox. A browser draws it; the sandbox shows you its source.</p>\n</body>\n</html>\n`),
  );
  define(
    { path: '/robots.txt', methods: READ, group: 'response formats', description: 'A robots.txt file.', teaches: 'Plain text rules for crawlers.', samples: ['/robots.txt'] },
    (_request, reply) => reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /deny\n'),
  );
  define(
    { path: '/deny', methods: READ, group: 'response formats', description: 'The page robots.txt asks crawlers to skip.', teaches: 'robots.txt is a request, not a lock.', samples: ['/deny'] },
    (_request, reply) => reply.type('text/plain; charset=utf-8').send('Crawlers were asked not to read this page, and you read it anyway: robots.txt is advice, not access control.\n'),
  );
  define(
    { path: '/encoding/utf8', methods: READ, group: 'response formats', description: 'A page of UTF-8 text in many scripts.', teaches: 'charset=utf-8 and multi-byte characters.', samples: ['/encoding/utf8'] },
    (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('UTF-8 sample\nEnglish: Hello\nFrançais: Bonjour à tous\nDeutsch: Grüße\nΕλληνικά: Γειά σου\nРусский: Привет\n日本語: こんにちは\nالعربية: مرحبا\nहिन्दी: नमस्ते\nEmoji: 📚 ✓\n'),
  );
  define(
    { path: '/base64/:value', methods: READ, group: 'response formats', description: 'Decodes base64url text from the path.', teaches: 'Base64 is an encoding, not encryption.', samples: ['/base64/SFRUUCBpcyBmdW4'] },
    (request, reply) => {
      const value = request.params.value ?? '';
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new HttpProblem('invalid-path', 'That is not base64 text. Encode some text, for example "SFRUUCBpcyBmdW4" for "HTTP is fun".');
      return reply.type('text/plain; charset=utf-8').send(Buffer.from(value, 'base64').toString('utf8'));
    },
  );
  // ── Images, chosen by Accept ─────────────────────────────────────────────────────────────────
  const IMAGES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', svg: 'image/svg+xml' } as const;
  const imageBytes = Object.fromEntries(
    Object.keys(IMAGES).map((ext) => [ext, readFileSync(join(PROJECT_ROOT, 'server', 'echo', 'images', `sandbox.${ext}`))]),
  ) as Record<keyof typeof IMAGES, Buffer>;
  define(
    { path: '/image', methods: READ, group: 'response formats', description: 'An image in the format Accept prefers (PNG, JPEG, WebP or SVG).', teaches: 'Content negotiation picks the format; 406 when none fits.', samples: ['/image'] },
    (request, reply) => {
      const chosen = negotiate(request.headers.accept, ['image/png', 'image/webp', 'image/jpeg', 'image/svg+xml']);
      if (!chosen) {
        throw new HttpProblem('not-acceptable', `No image format matches Accept: ${request.headers.accept}. This endpoint has image/png, image/webp, image/jpeg and image/svg+xml.`, { extra: { available: Object.values(IMAGES) } });
      }
      const ext = (Object.keys(IMAGES) as (keyof typeof IMAGES)[]).find((e) => IMAGES[e] === chosen)!;
      return reply.header('vary', 'Accept').type(chosen).send(imageBytes[ext]);
    },
  );
  for (const ext of Object.keys(IMAGES) as (keyof typeof IMAGES)[]) {
    define(
      { path: `/image/${ext}`, methods: READ, group: 'response formats', description: `An image as ${IMAGES[ext]}.`, teaches: 'Binary bodies and image types.', samples: [`/image/${ext}`] },
      (_request, reply) => reply.type(IMAGES[ext]).send(imageBytes[ext]),
    );
  }
  // ── Dynamic data ─────────────────────────────────────────────────────────────────────────────
  define(
    { path: '/bytes/:n', methods: READ, group: 'dynamic data', description: 'n random bytes (?seed= for the same bytes every time).', teaches: 'Binary bodies and application/octet-stream.', samples: ['/bytes/64'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of bytes', ECHO_LIMITS.bytes, '/bytes/64');
      const seed = query(request).get('seed');
      const bytes = seed === null ? randomBytes(n) : seededBytes(seed, n);
      return reply.type('application/octet-stream').send(bytes);
    },
  );
  define(
    { path: '/stream-bytes/:n', methods: READ, group: 'dynamic data', description: 'n random bytes sent in chunks (?chunk_size=, ?seed=).', teaches: 'Transfer-Encoding: chunked carries bodies of unknown length.', samples: ['/stream-bytes/64?chunk_size=16'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of bytes', ECHO_LIMITS.bytes, '/stream-bytes/64');
      const params = query(request);
      const chunk = Math.max(1, count(params.get('chunk_size') ?? '1024', 'chunk_size', ECHO_LIMITS.bytes, '?chunk_size=16'));
      const seed = params.get('seed');
      const bytes = seed === null ? randomBytes(n) : seededBytes(seed, n);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < n; i += chunk) raw.write(bytes.subarray(i, i + chunk));
      raw.end();
    },
  );
  define(
    { path: '/range/:n', methods: READ, group: 'dynamic data', description: 'n bytes of a–z that honour Range (206, 416).', teaches: 'Range requests and partial content.', samples: ['/range/26'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of bytes', ECHO_LIMITS.bytes, '/range/26');
      const all = Buffer.from(Array.from({ length: n }, (_, i) => 97 + (i % 26)));
      reply.header('accept-ranges', 'bytes').header('etag', `"range${n}"`).type('application/octet-stream');
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
      if (!request.headers.range) return reply.send(all);
      if (!range || (range[1] === '' && range[2] === '')) return reply.code(416).header('content-range', `bytes */${n}`).send();
      let start = range[1] === '' ? Math.max(0, n - Number(range[2])) : Number(range[1]);
      let end = range[1] === '' || range[2] === '' ? n - 1 : Math.min(Number(range[2]), n - 1);
      if (start >= n || start > end) return reply.code(416).header('content-range', `bytes */${n}`).send();
      return reply.code(206).header('content-range', `bytes ${start}-${end}/${n}`).send(all.subarray(start, end + 1));
    },
  );
  define(
    { path: '/links/:n/:offset', methods: READ, group: 'dynamic data', description: 'A page of n links, the current one plain text.', teaches: 'Hypertext: pages link to pages.', samples: ['/links/5/0'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of links', ECHO_LIMITS.links, '/links/5/0');
      const offset = count(request.params.offset, 'The offset', n, '/links/5/0');
      const items = Array.from({ length: n }, (_, i) => (i === offset ? `${i} ` : `<a href="/links/${n}/${i}">${i}</a> `)).join('');
      return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><title>Links</title></head><body>${items}</body></html>\n`);
    },
  );
  define(
    { path: '/delay/:n', methods: ANY, group: 'streams and faults', description: `Answers after n seconds (at most ${ECHO_LIMITS.delaySeconds}).`, teaches: 'Timeouts: what a slow server looks like.', samples: ['/delay/2'] },
    async (request, reply) => {
      const seconds = Number(request.params.n);
      if (!Number.isFinite(seconds) || seconds < 0) throw new HttpProblem('invalid-path', 'The delay must be a number of seconds, such as /delay/2.');
      if (seconds > ECHO_LIMITS.delaySeconds) throw new HttpProblem('invalid-path', `The delay is ${seconds} s, but at most ${ECHO_LIMITS.delaySeconds} s is allowed. Ask for less.`);
      if (!(await waitOrAbort(seconds * 1000, request))) return reply;
      const { headers, origin, url, args, raw } = echoOf(request);
      return sendJson(reply, { args, headers, origin, url, raw });
    },
  );
  define(
    { path: '/stream/:n', methods: READ, group: 'streams and faults', description: 'n JSON lines, streamed.', teaches: 'Chunked transfer: a body sent in pieces.', samples: ['/stream/5'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of lines', ECHO_LIMITS.lines, '/stream/5');
      const base = getEcho(request);
      return reply.type('application/json').send(Array.from({ length: n }, (_, id) => `${JSON.stringify({ id, ...base })}\n`).join(''));
    },
  );
  define(
    { path: '/jsonl', methods: READ, group: 'streams and faults', description: 'JSON Lines (?n=, at most 100).', teaches: 'One JSON value per line.', samples: ['/jsonl?n=3'] },
    (request, reply) => {
      const n = count(query(request).get('n') ?? '10', 'n', ECHO_LIMITS.lines, '?n=3');
      return reply.type('application/jsonl').send(Array.from({ length: n }, (_, i) => `${JSON.stringify({ line: i + 1, at: new Date().toISOString() })}\n`).join(''));
    },
  );
  define(
    { path: '/sse', methods: READ, group: 'streams and faults', description: 'Server-Sent Events (?n= events, ?interval= ms).', teaches: 'text/event-stream: a response that keeps arriving.', samples: ['/sse?n=3&interval=500'] },
    async (request, reply) => {
      const params = query(request);
      const n = count(params.get('n') ?? '5', 'n', ECHO_LIMITS.lines, '?n=3');
      const interval = count(params.get('interval') ?? '500', 'The interval', 5_000, '?interval=500');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      for (let i = 1; i <= n; i += 1) {
        raw.write(`id: ${i}\nevent: tick\ndata: ${JSON.stringify({ tick: i, of: n, at: new Date().toISOString() })}\n\n`);
        if (i < n && !(await waitOrAbort(interval, request))) return;
      }
      raw.end();
    },
  );
  define(
    { path: '/drip', methods: READ, group: 'streams and faults', description: 'numbytes bytes dripped over duration seconds.', teaches: 'A body that arrives slowly.', samples: ['/drip?numbytes=5&duration=2'] },
    async (request, reply) => {
      const params = query(request);
      const bytes = count(params.get('numbytes') ?? '10', 'numbytes', ECHO_LIMITS.bytes, '?numbytes=10');
      const duration = Number(params.get('duration') ?? '2');
      if (!Number.isFinite(duration) || duration < 0 || duration > ECHO_LIMITS.delaySeconds) throw new HttpProblem('invalid-query', `duration must be 0 to ${ECHO_LIMITS.delaySeconds} seconds.`);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
      const pieces = Math.min(bytes, 50);
      for (let i = 0; i < pieces; i += 1) {
        const size = Math.floor(bytes / pieces) + (i < bytes % pieces ? 1 : 0);
        raw.write('*'.repeat(size));
        if (i < pieces - 1 && !(await waitOrAbort((duration * 1000) / pieces, request))) return;
      }
      raw.end();
    },
  );
  define(
    { path: '/dump/request', methods: ANY, group: 'request inspection', description: 'The raw request as text (as /raw).', teaches: 'What went over the wire.', samples: ['/dump/request'] },
    (request, reply) => reply.type('text/plain; charset=utf-8').send(echoOf(request).raw),
  );
  define(
    { path: '/trailers', methods: READ, group: 'streams and faults', description: 'A chunked body followed by a trailer field.', teaches: 'Trailers: headers sent after the body.', samples: ['/trailers'] },
    (_request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', trailer: 'X-Checksum' });
      const body = 'This body is followed by a trailer.\n';
      raw.write(body);
      raw.addTrailers({ 'X-Checksum': createHash('sha256').update(body).digest('hex').slice(0, 16) });
      raw.end();
    },
  );
  define(
    { path: '/unstable', methods: ANY, group: 'streams and faults', description: 'Fails with 500 at random (?failure_rate= from 0 to 1, default 0.5).', teaches: 'Retrying requests that sometimes fail.', samples: ['/unstable?failure_rate=0.3'] },
    (request, reply) => {
      const rate = Number(query(request).get('failure_rate') ?? '0.5');
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new HttpProblem('invalid-query', 'failure_rate must be a number from 0 to 1, such as 0.3.');
      if (Math.random() < rate) return reply.code(500).type('text/plain; charset=utf-8').send('This failure was asked for (/unstable). Try again.\n');
      return sendJson(reply, getEcho(request));
    },
  );
  define(
    { path: '/error/close', methods: ANY, group: 'streams and faults', description: 'Closes the connection without answering.', teaches: 'What a client sees when the server hangs up.', samples: ['/error/close'] },
    (request, reply) => {
      reply.hijack();
      request.raw.socket.end();
    },
  );
  define(
    { path: '/error/reset', methods: ANY, group: 'streams and faults', description: 'Resets the connection (TCP RST).', teaches: 'ECONNRESET: an abrupt end.', samples: ['/error/reset'] },
    (request, reply) => {
      reply.hijack();
      const socket = request.raw.socket as typeof request.raw.socket & { resetAndDestroy?: () => void };
      if (socket.resetAndDestroy) socket.resetAndDestroy();
      else socket.destroy();
    },
  );
  define(
    { path: '/info/103', methods: READ, group: 'streams and faults', description: 'Sends 103 Early Hints, then the final 200.', teaches: 'Informational responses come before the final one.', samples: ['/info/103'] },
    (request, reply) => {
      reply.raw.writeEarlyHints({ link: '</assets/example.css>; rel=preload; as=style' });
      return sendJson(reply, { final: true, note: 'A 103 Early Hints response came before this one; the Wire tab shows both.', headers: headersObject(request.raw.rawHeaders) });
    },
  );
}

const DIGEST_REALM = 'HTTP Sandbox';

/** Digest access authentication (RFC 7616): a 401 challenge, then the client's hashed answer is checked. */
function digest(request: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply, algorithm: string) {
  const { qop = '', user = '', passwd = '' } = request.params;
  const hashName = { MD5: 'md5', 'SHA-256': 'sha256' }[algorithm.toUpperCase() === 'SHA-256' ? 'SHA-256' : algorithm.toUpperCase()];
  if (!hashName || !['auth', 'auth-int'].includes(qop)) {
    throw new HttpProblem('invalid-path', 'Use /digest-auth/auth/<user>/<password> (qop auth or auth-int), optionally ending in /MD5 or /SHA-256.');
  }
  const h = (text: string) => createHash(hashName).update(text).digest('hex');
  const header = request.headers.authorization ?? '';
  if (/^Digest\s/i.test(header)) {
    const fields: Record<string, string> = {};
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) fields[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
    const ha1 = h(`${user}:${DIGEST_REALM}:${passwd}`);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const ha2 = fields.qop === 'auth-int' ? h(`${request.method}:${fields.uri}:${h(body.toString('latin1'))}`) : h(`${request.method}:${fields.uri}`);
    const expected = fields.qop ? h(`${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`) : h(`${ha1}:${fields.nonce}:${ha2}`);
    if (fields.username === user && fields.response === expected) return sendJson(reply, { authenticated: true, user });
  }
  const nonce = randomBytes(16).toString('hex');
  const opaque = createHash('md5').update(`${DIGEST_REALM}:${user}`).digest('hex');
  return reply
    .code(401)
    .header('www-authenticate', `Digest realm="${DIGEST_REALM}", qop="${qop}", nonce="${nonce}", opaque="${opaque}", algorithm=${algorithm.toUpperCase()}`)
    .send();
}

/** Deterministic bytes for a seed (sha256 in counter mode). */
function seededBytes(seed: string, n: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < n; i += 1) chunks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, n);
}
