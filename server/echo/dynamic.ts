// Dynamic data: random or seeded bytes (whole, or chunked), byte ranges, and pages of links.
import { createHash, randomBytes } from 'node:crypto';
import { READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { ECHO_LIMITS } from './limits';
import { count, query } from './reply';

/** Deterministic bytes for a seed (sha256 in counter mode). */
function seededBytes(seed: string, n: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < n; i += 1) chunks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, n);
}

export const DYNAMIC_DATA: readonly EchoRoute[] = [
  endpoint(
    { path: '/bytes/:n', methods: READ_ONLY, group: 'dynamic data', description: 'n random bytes (?seed= for the same bytes every time).', teaches: 'Binary bodies and application/octet-stream.', samples: ['/bytes/64'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of bytes', ECHO_LIMITS.bytes, '/bytes/64');
      const seed = query(request).get('seed');
      const bytes = seed === null ? randomBytes(n) : seededBytes(seed, n);
      return reply.type('application/octet-stream').send(bytes);
    },
  ),
  endpoint(
    { path: '/stream-bytes/:n', methods: READ_ONLY, group: 'dynamic data', description: 'n random bytes sent in chunks (?chunk_size=, ?seed=).', teaches: 'Transfer-Encoding: chunked carries bodies of unknown length.', samples: ['/stream-bytes/64?chunk_size=16'] },
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
  ),
  endpoint(
    { path: '/range/:n', methods: READ_ONLY, group: 'dynamic data', description: 'n bytes of a–z that honour Range (206, 416).', teaches: 'Range requests and partial content.', samples: ['/range/26'] },
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
  ),
  endpoint(
    { path: '/links/:n/:offset', methods: READ_ONLY, group: 'dynamic data', description: 'A page of n links, the current one plain text.', teaches: 'Hypertext: pages link to pages.', samples: ['/links/5/0'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of links', ECHO_LIMITS.links, '/links/5/0');
      const offset = count(request.params.offset, 'The offset', n, '/links/5/0');
      const items = Array.from({ length: n }, (_, i) => (i === offset ? `${i} ` : `<a href="/links/${n}/${i}">${i}</a> `)).join('');
      return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><title>Links</title></head><body>${items}</body></html>\n`);
    },
  ),
];
