// A bounded HTTP fuzz run: random methods, paths, headers, bodies and encodings, plus truncated and
// malformed messages, written over raw sockets to a server on loopback. Deterministic for a seed.
import { connect } from 'node:net';

export interface FuzzStats {
  sent: number;
  answered: number;
  closedWithoutAnswer: number;
  statuses: Record<string, number>;
  /** 5xx answers other than 501 (which RFC 9110 §15.6.2 prescribes for a method the server does not know)
   *  and other than those /status/5xx was asked to give. */
  serverErrors: { request: string; status: number }[];
}

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PURGE', 'FOO', 'get', 'M-SEARCH', 'PROPFIND', ''];
const PATHS = [
  '/', '/api/books', '/api/books/1', '/api/books/999999999999999999999', '/api/books/-1', '/api/books/1/comments', '/api/books/1/exports',
  '/api/categories', '/api/comments/1', '/api/users', '/api/session', '/api/tokens', '/api/sandbox', '/api/sandbox/reset', '/api/Category/1',
  '/openapi.json', '/problems/not-found', '/app/send', '/assets/x.js', '/lessons/x', '/%', '/%2e%2e/%2e%2e/etc/passwd', '/api/books?page=0',
  '/api/books?per_page=abc&sort=-', '/api/books?q=%00', '/api/books?sandbox=../x', '/\u00e9', '//double', '/api/books/1?x=' + 'y'.repeat(3000),
  '*', 'http://evil.example/', '/get', '/anything/a/b', '/status/500', '/inbox/x/y', '/app/rooms', '/app/inboxes',
];
const HEADER_NAMES = ['Content-Type', 'Accept', 'Cookie', 'Authorization', 'If-None-Match', 'If-Match', 'If-Modified-Since', 'Range', 'X-Sandbox', 'Origin', 'Transfer-Encoding', 'Content-Length', 'Expect', 'Accept-Encoding', 'X-Random', 'Content-Encoding'];
const HEADER_VALUES = [
  'application/json', 'application/merge-patch+json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*',
  'image/png;q=0', 'sid=s_x; sandbox=fuzz', 'Bearer t_nope', 'Basic !!!', '"etag"', 'W/"x", *', 'not a date', 'bytes=0-1', 'bytes=5-1',
  'fuzz', 'UPPER', 'http://evil.example', 'chunked', 'gzip', '100-continue', '', ' ', 'x'.repeat(500), '\u00ff\u00fe', 'a=1; a=2',
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function randomBytes(rand: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
}

function randomBody(rand: () => number): Buffer {
  switch (Math.floor(rand() * 6)) {
    case 0:
      return Buffer.from(JSON.stringify({ title: 'x'.repeat(Math.floor(rand() * 50)), author: 'a', year: Math.floor(rand() * 5000) - 2500 }));
    case 1:
      return Buffer.from('{"title": "unterminated');
    case 2:
      return randomBytes(rand, Math.floor(rand() * 400));
    case 3:
      return Buffer.from(`{"__proto__": {"x": 1}, "constructor": {"prototype": {}}}`);
    case 4:
      return Buffer.from(JSON.stringify({ method: pick(rand, METHODS) || 'GET', url: pick(rand, PATHS), headers: [['a', 'b']] }));
    default:
      return Buffer.alloc(0);
  }
}

/** One random request as raw bytes, sometimes malformed on purpose. */
export function randomRequest(rand: () => number): Buffer {
  const method = pick(rand, METHODS);
  const path = pick(rand, PATHS);
  const version = rand() < 0.95 ? 'HTTP/1.1' : pick(rand, ['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTX/1.1', '']);
  const headers: string[] = ['Host: 127.0.0.1'];
  const count = Math.floor(rand() * 6);
  for (let i = 0; i < count; i += 1) headers.push(`${pick(rand, HEADER_NAMES)}: ${pick(rand, HEADER_VALUES)}`);
  if (rand() < 0.05) headers.push('Bad Header Line');
  if (rand() < 0.03) headers.push(`X-Huge: ${'h'.repeat(20_000)}`);
  headers.push('Connection: close');
  const body = randomBody(rand);
  const framing = rand();
  let payload = body;
  if (body.length > 0) {
    if (framing < 0.6) headers.push(`Content-Length: ${body.length}`);
    else if (framing < 0.75) {
      headers.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    } else if (framing < 0.85) headers.push(`Content-Length: ${body.length + 10}`); // truncated body
    else if (framing < 0.9) headers.push('Content-Length: -1');
  }
  let message = Buffer.concat([Buffer.from(`${method} ${path} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
  if (rand() < 0.05) message = message.subarray(0, Math.floor(rand() * message.length)); // cut anywhere
  return message;
}

function exchange(port: number, bytes: Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = () => {
      socket.destroy();
      resolve(received);
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', finish);
    socket.on('error', finish);
  });
}

export async function runHttpFuzz(options: { port: number; count: number; seed: number; concurrency?: number; timeoutMs?: number }): Promise<FuzzStats> {
  const rand = random(options.seed);
  const stats: FuzzStats = { sent: 0, answered: 0, closedWithoutAnswer: 0, statuses: {}, serverErrors: [] };
  const requests = Array.from({ length: options.count }, () => randomRequest(rand));
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const bytes = requests[next++]!;
      stats.sent += 1;
      const answer = await exchange(options.port, bytes, options.timeoutMs ?? 3_000);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (!match) {
        stats.closedWithoutAnswer += 1;
        continue;
      }
      stats.answered += 1;
      const status = Number(match[1]);
      stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
      // (/status/5xx answers what it was asked for; that is the echo working, not failing.)
      const askedFor = /^\S+ \/status\//.test(bytes.subarray(0, 40).toString('latin1'));
      if (status >= 500 && status !== 501 && !askedFor) stats.serverErrors.push({ request: bytes.subarray(0, 300).toString('latin1'), status });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return stats;
}
