// Response formats: compressed bodies chosen by Accept-Encoding, JSON, XML, HTML, text in many scripts,
// base64, and images chosen by Accept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../client-build';
import { HttpProblem } from '../http/problem';
import { negotiate } from '../http/negotiate';
import { escapeHtml } from '../http/representations';
import { READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { getEcho, sendJson } from './reply';

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

const compressed = (name: 'gzip' | 'deflate' | 'brotli', encoding: string, compress: (b: Buffer) => Buffer) =>
  endpoint(
    { path: `/${name}`, methods: READ_ONLY, group: 'response formats', description: `A ${name}-compressed JSON body, or an uncompressed one when Accept-Encoding does not allow ${encoding}.`, teaches: 'Content-Encoding and Accept-Encoding.', samples: [`/${name}`] },
    (request, reply) => {
      const { headers, origin, raw } = getEcho(request);
      const accepted = acceptsCoding(request.headers['accept-encoding'], encoding);
      const body = Buffer.from(JSON.stringify({ [name === 'brotli' ? 'brotli' : `${name}${name === 'gzip' ? 'ped' : 'd'}`]: accepted, headers, method: request.method, origin, raw }, null, 2));
      // The answer depends on Accept-Encoding, so caches must key on it (RFC 9110 §12.5.5).
      reply.type('application/json').header('vary', 'Accept-Encoding');
      return accepted ? reply.header('content-encoding', encoding).send(compress(body)) : reply.send(body);
    },
  );

const IMAGES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', svg: 'image/svg+xml' } as const;
const imageBytes = Object.fromEntries(
  Object.keys(IMAGES).map((ext) => [ext, readFileSync(join(PROJECT_ROOT, 'server', 'echo', 'images', `sandbox.${ext}`))]),
) as Record<keyof typeof IMAGES, Buffer>;

export const RESPONSE_FORMATS: readonly EchoRoute[] = [
  compressed('gzip', 'gzip', (b) => gzipSync(b)),
  compressed('deflate', 'deflate', (b) => deflateSync(b)),
  compressed('brotli', 'br', (b) => brotliCompressSync(b)),
  endpoint(
    { path: '/json', methods: READ_ONLY, group: 'response formats', description: 'A JSON document.', teaches: 'application/json.', samples: ['/json'] },
    (_request, reply) => sendJson(reply, SAMPLE),
  ),
  endpoint(
    { path: '/xml', methods: READ_ONLY, group: 'response formats', description: 'An XML document.', teaches: 'application/xml.', samples: ['/xml'] },
    (_request, reply) =>
      reply.type('application/xml').send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<library name="${SAMPLE.library.name}">\n${SAMPLE.library.shelves.map((s) => `  <shelf topic="${s.topic}">\n${s.books.map((b) => `    <book>${escapeHtml(b)}</book>`).join('\n')}\n  </shelf>`).join('\n')}\n</library>\n`,
      ),
  ),
  endpoint(
    { path: '/html', methods: READ_ONLY, group: 'response formats', description: 'An HTML page.', teaches: 'text/html; the viewer shows it as text.', samples: ['/html'] },
    (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(`<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>A small page</title></head>\n<body>\n<h1>A small page</h1>\n<p>This page came from the HTTP Sandbox. A browser draws it; the sandbox shows you its source.</p>\n</body>\n</html>\n`),
  ),
  endpoint(
    { path: '/robots.txt', methods: READ_ONLY, group: 'response formats', description: 'A robots.txt file.', teaches: 'Plain text rules for crawlers.', samples: ['/robots.txt'] },
    (_request, reply) => reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /deny\n'),
  ),
  endpoint(
    { path: '/deny', methods: READ_ONLY, group: 'response formats', description: 'The page robots.txt asks crawlers to skip.', teaches: 'robots.txt is a request, not a lock.', samples: ['/deny'] },
    (_request, reply) => reply.type('text/plain; charset=utf-8').send('Crawlers were asked not to read this page, and you read it anyway: robots.txt is advice, not access control.\n'),
  ),
  endpoint(
    { path: '/encoding/utf8', methods: READ_ONLY, group: 'response formats', description: 'A page of UTF-8 text in many scripts.', teaches: 'charset=utf-8 and multi-byte characters.', samples: ['/encoding/utf8'] },
    (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('UTF-8 sample\nEnglish: Hello\nFrançais: Bonjour à tous\nDeutsch: Grüße\nΕλληνικά: Γειά σου\nРусский: Привет\n日本語: こんにちは\nالعربية: مرحبا\nहिन्दी: नमस्ते\nEmoji: 📚 ✓\n'),
  ),
  endpoint(
    { path: '/base64/:value', methods: READ_ONLY, group: 'response formats', description: 'Decodes base64url text from the path.', teaches: 'Base64 is an encoding, not encryption.', samples: ['/base64/SFRUUCBpcyBmdW4'] },
    (request, reply) => {
      const value = request.params.value ?? '';
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new HttpProblem('invalid-path', 'That is not base64 text. Encode some text, for example "SFRUUCBpcyBmdW4" for "HTTP is fun".');
      return reply.type('text/plain; charset=utf-8').send(Buffer.from(value, 'base64').toString('utf8'));
    },
  ),
  endpoint(
    { path: '/image', methods: READ_ONLY, group: 'response formats', description: 'An image in the format Accept prefers (PNG, JPEG, WebP or SVG).', teaches: 'Content negotiation picks the format; 406 when none fits.', samples: ['/image'] },
    (request, reply) => {
      const chosen = negotiate(request.headers.accept, ['image/png', 'image/webp', 'image/jpeg', 'image/svg+xml']);
      if (!chosen) {
        throw new HttpProblem('not-acceptable', `No image format matches Accept: ${request.headers.accept}. This endpoint has image/png, image/webp, image/jpeg and image/svg+xml.`, { extra: { available: Object.values(IMAGES) } });
      }
      const ext = (Object.keys(IMAGES) as (keyof typeof IMAGES)[]).find((e) => IMAGES[e] === chosen)!;
      return reply.header('vary', 'Accept').type(chosen).send(imageBytes[ext]);
    },
  ),
  ...(Object.keys(IMAGES) as (keyof typeof IMAGES)[]).map((ext) =>
    endpoint(
      { path: `/image/${ext}`, methods: READ_ONLY, group: 'response formats', description: `An image as ${IMAGES[ext]}.`, teaches: 'Binary bodies and image types.', samples: [`/image/${ext}`] },
      (_request, reply) => reply.type(IMAGES[ext]).send(imageBytes[ext]),
    ),
  ),
];
