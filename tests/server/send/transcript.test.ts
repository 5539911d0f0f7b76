// The send endpoint's transcript over real loopback sockets: the exact bytes that went out and came back,
// the parts read from them, the limits, and the failures a learner meets (refused, reset, timeout, a
// server that does not speak HTTP). Targets are this app (with test-only routes) and a raw TCP server
// that answers with scripted bytes; the dialler refuses anything but loopback.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app';
import type { Exchange, Transcript } from '../../../server/protocol/api-types';
import { DEFAULT_CONFIG } from '../../../server/config';
import { SEND_LIMITS } from '../../../server/send/perform';
import { call, type TestResponse, type TestServer } from '../../helpers/server';
import { closedPort, guardedNetwork, startRawServer, type RawServer } from './loopback';

const network = guardedNetwork();
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
const BOMB = gzipSync(Buffer.alloc(20 * 1024 * 1024, 'a'));

/** Scripted answers of the raw server, by path: exactly these bytes go on the wire. */
const RAW_ANSWERS: Record<string, (socket: import('node:net').Socket) => void> = {
  '/exact': (s) => s.end('HTTP/1.1 201 Created Just Now\r\nX-Mixed-Case: A\r\nset-cookie: a=1\r\nSet-Cookie: b=2; HttpOnly\r\nx-dup: 1\r\nX-Dup: 2\r\nContent-Length: 5\r\n\r\nhello'),
  '/chunked-trailers': (s) =>
    s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Server-Timing, X-Checksum\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nServer-Timing: db;dur=53\r\nX-Checksum: abc\r\n\r\n'),
  '/early-hints': (s) => s.end('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
  '/http10': (s) => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes'),
  '/garbage': (s) => s.end('HELLO, I SPEAK NO HTTP\r\n\r\n'),
  '/cut-head': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Le'),
  '/reset': (s) => s.resetAndDestroy(),
  '/hang': () => undefined,
  '/stall-body': (s) => s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial'),
  '/deflate': (s) => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\nContent-Length: ${deflateSync('deflated text').length}\r\n\r\n`), deflateSync('deflated text')])),
  '/deflate-raw': (s) => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\nContent-Length: ${deflateRawSync('raw deflate').length}\r\n\r\n`), deflateRawSync('raw deflate')])),
  '/not-gzip': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!'),
  '/bomb': (s) => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: ${BOMB.length}\r\n\r\n`), BOMB])),
};

let server: TestServer;
let port: number;
let raw: RawServer;
let refusedOrigin: string;

beforeAll(async () => {
  raw = await startRawServer((path, socket) => (RAW_ANSWERS[path] ?? RAW_ANSWERS['/exact']!)(socket));
  refusedOrigin = `http://127.0.0.1:${await closedPort()}`;
  network.dns.set('blackhole.example', ['93.184.216.35']);
  network.standIns.set('93.184.216.35', 'never-connects');
  const app = await buildApp({
    send: { lookup: network.lookup, dial: network.dial },
    allowOrigins: [raw.origin, refusedOrigin, 'http://blackhole.example'],
  });
  await app.register(async (test) => {
    test.removeAllContentTypeParsers();
    test.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
    test.all('/test/echo', async (request, reply) =>
      reply.header('X-Seen-Length', String((request.body as Buffer | undefined)?.length ?? 0)).header('X-Seen-Host', request.headers.host).send('ok'),
    );
    test.get('/test/gzip', async (_request, reply) =>
      reply.header('content-encoding', 'gzip').type('application/json').send(gzipSync(JSON.stringify({ hello: 'compressed world' }))),
    );
    test.get('/test/br', async (_request, reply) => reply.header('content-encoding', 'br').type('text/plain').send(brotliCompressSync('brotli text')));
    test.get('/test/binary', async (_request, reply) => reply.type('application/octet-stream').send(BINARY));
    test.get('/test/big', async (_request, reply) => reply.type('text/plain').send('x'.repeat(SEND_LIMITS.maxResponseBytes + 1_048_576)));
    test.get('/test/redirect', async (_request, reply) => reply.redirect('/test/echo', 302));
    test.get('/test/loop', async (_request, reply) => reply.redirect('/test/loop', 302));
    test.post('/test/see-other', async (_request, reply) => reply.redirect('/test/echo', 303));
    test.all('/test/to', async (request, reply) => reply.redirect((request.query as { to: string }).to, 307));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  server = { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
});
afterAll(async () => {
  await server.close();
  await raw.close();
});
afterEach(() => {
  expect(network.violations.splice(0)).toEqual([]);
});

const post = (body: object): Promise<TestResponse> => call(server, '/app/send', { method: 'POST', json: { headers: [], ...body } });

async function send(body: object): Promise<Transcript> {
  const response = await post(body);
  if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
  return response.json as Transcript;
}
const only = (t: Transcript): Exchange => {
  expect(t.exchanges).toHaveLength(1);
  return t.exchanges[0]!;
};

describe('POST /app/send: the request as it went out', () => {
  it('is exactly the bytes written to the socket: undici’s line and headers, in the typed order, case and duplicates, then the length it added and the body', async () => {
    const t = await send({
      method: 'POST',
      url: '/test/echo',
      headers: [['X-B', '2'], ['x-a', '1'], ['X-Dup', 'one'], ['X-Dup', 'two']],
      body: { encoding: 'text', data: 'hello' },
    });
    const request = only(t).request;
    expect(request.raw).toBe(
      `POST /test/echo HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\nX-B: 2\r\nx-a: 1\r\nX-Dup: one\r\nX-Dup: two\r\ncontent-length: 5\r\n\r\nhello`,
    );
    expect(request.headers).toEqual([['host', `127.0.0.1:${port}`], ['connection', 'keep-alive'], ['X-B', '2'], ['x-a', '1'], ['X-Dup', 'one'], ['X-Dup', 'two'], ['content-length', '5']]);
    expect(request.body).toMatchObject({ encoding: 'text', data: 'hello', wireSize: 5 });
    expect(only(t).response!.headers).toContainEqual(['x-seen-length', '5']);
  });

  it('matches what undici reports on its sendHeaders diagnostics channel, plus the framing it writes with the body', async () => {
    const seen: string[] = [];
    const listener = (message: unknown) => seen.push((message as { headers: string }).headers);
    subscribe('undici:client:sendHeaders', listener);
    try {
      const t = await send({ method: 'PUT', url: '/test/echo', headers: [['X-Marker', 'diagnostics']], body: { encoding: 'text', data: 'abc' } });
      const fromChannel = seen.find((headers) => headers.includes('X-Marker: diagnostics'))!;
      expect(only(t).request.raw).toBe(`${fromChannel}content-length: 3\r\n\r\nabc`);
    } finally {
      unsubscribe('undici:client:sendHeaders', listener);
    }
  });

  it('sends the Host a learner writes, while connecting to this sandbox', async () => {
    const exchange = only(await send({ method: 'GET', url: '/test/echo', headers: [['Host', 'example.org']] }));
    expect(exchange.request.raw).toMatch(/^GET \/test\/echo HTTP\/1\.1\r\nhost: example\.org\r\n/);
    expect(exchange.response!.headers).toContainEqual(['x-seen-host', 'example.org']);
  });

  it('sends base64 bodies byte for byte and shows binary as base64', async () => {
    const exchange = only(await send({ method: 'PUT', url: '/test/echo', headers: [['Content-Type', 'application/octet-stream']], body: { encoding: 'base64', data: BINARY.toString('base64') } }));
    expect(exchange.response!.headers).toContainEqual(['x-seen-length', String(BINARY.length)]);
    expect(exchange.request.body).toMatchObject({ encoding: 'base64', data: BINARY.toString('base64') });
    expect(exchange.request.raw).toMatch(/\r\n\r\n\[9 bytes of binary data\]$/);
  });

  it.each([
    ['PURGE', 405, /^PURGE \/api\/books HTTP\/1\.1\r\n/],
    ['FOO', 501, /^FOO \/api\/books HTTP\/1\.1\r\n/],
    ['get', 501, /^get \/api\/books HTTP\/1\.1\r\n/],
    ['OPTIONS', 204, /^OPTIONS \/api\/books HTTP\/1\.1\r\n/],
  ])('sends the method token %s as typed, so a learner sees the server answer %i', async (method, status, line) => {
    const exchange = only(await send({ method, url: '/api/books' }));
    expect(exchange.request.raw).toMatch(line);
    expect(exchange.response!.status).toBe(status);
  });

  it.each([
    ['a body on GET', { method: 'GET', body: { encoding: 'text', data: 'why?' } }, /body on GET has no defined meaning/, /content-length: 4\r\n\r\nwhy\?$/],
    ['a Connection header undici rewrites', { method: 'GET', headers: [['Connection', 'keep-alive, X-Trace']] }, /replaced by "connection: keep-alive"/, /\r\nconnection: keep-alive\r\n\r\n$/],
    ['Content-Length: 0 on a GET', { method: 'GET', headers: [['Content-Length', '0']] }, /Content-Length: 0" was left out/, /^GET \/test\/echo HTTP\/1\.1\r\nhost: [^\r]+\r\nconnection: keep-alive\r\n\r\n$/],
  ])('warns, without blocking, about %s', async (_what, body, warning, wire) => {
    const exchange = only(await send({ url: '/test/echo', ...body }));
    expect(exchange.warnings).toEqual(expect.arrayContaining([expect.stringMatching(warning)]));
    expect(exchange.request.raw).toMatch(wire);
    expect(exchange.response!.status).toBe(200);
  });
});

describe('POST /app/send: the response as it came back', () => {
  it('keeps the status line, reason and headers byte for byte: order, case, duplicates and Set-Cookie', async () => {
    const response = only(await send({ method: 'GET', url: `${raw.origin}/exact` })).response!;
    expect(response.raw).toBe('HTTP/1.1 201 Created Just Now\r\nX-Mixed-Case: A\r\nset-cookie: a=1\r\nSet-Cookie: b=2; HttpOnly\r\nx-dup: 1\r\nX-Dup: 2\r\nContent-Length: 5\r\n\r\nhello');
    expect(response).toMatchObject({ httpVersion: '1.1', status: 201, reason: 'Created Just Now', trailers: [] });
    expect(response.headers).toEqual([['X-Mixed-Case', 'A'], ['set-cookie', 'a=1'], ['Set-Cookie', 'b=2; HttpOnly'], ['x-dup', '1'], ['X-Dup', '2'], ['Content-Length', '5']]);
    expect(response.body).toEqual({ encoding: 'text', data: 'hello', wireSize: 5, decodedSize: 5, truncated: false });
  });

  it('shows chunked framing on the wire, the joined body, and the trailers in wire order and case', async () => {
    const response = only(await send({ method: 'GET', url: `${raw.origin}/chunked-trailers` })).response!;
    expect(response.raw).toContain('\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nServer-Timing: db;dur=53\r\n');
    expect(response.body!.data).toBe('hello world');
    expect(response.trailers).toEqual([['Server-Timing', 'db;dur=53'], ['X-Checksum', 'abc']]);
  });

  it('keeps a 103 Early Hints before the final response on the wire', async () => {
    const response = only(await send({ method: 'GET', url: `${raw.origin}/early-hints` })).response!;
    expect(response.status).toBe(200);
    expect(response.raw).toMatch(/^HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(response.headers).toEqual([['Content-Length', '2']]);
  });

  it('reads an HTTP/1.0 body that ends when the connection closes', async () => {
    const response = only(await send({ method: 'GET', url: `${raw.origin}/http10` })).response!;
    expect(response).toMatchObject({ httpVersion: '1.0', status: 200 });
    expect(response.body!.data).toBe('until the connection closes');
  });

  it.each([
    ['gzip', '/test/gzip', '{"hello":"compressed world"}'],
    ['br', '/test/br', 'brotli text'],
    ['deflate', `/deflate`, 'deflated text'],
    ['deflate', `/deflate-raw`, 'raw deflate'],
  ])('decodes a %s body (%s) for reading and reports the wire and decoded sizes', async (encoding, path, text) => {
    const url = path.startsWith('/test/') ? path : `${raw.origin}${path}`;
    const exchange = only(await send({ method: 'GET', url }));
    const body = exchange.response!.body!;
    expect(body).toMatchObject({ contentEncoding: encoding, encoding: 'text', data: text, decodedSize: Buffer.byteLength(text), truncated: false });
    expect(body.wireSize).not.toBe(body.decodedSize);
    expect(exchange.response!.raw).toMatch(/\[\d+ bytes of binary data\]$/);
  });

  it('shows a body that claims gzip but is not, as it came, and says why', async () => {
    const exchange = only(await send({ method: 'GET', url: `${raw.origin}/not-gzip` }));
    expect(exchange.response!.body).toMatchObject({ data: 'not gzip!', wireSize: 9, decodedSize: 9 });
    expect(exchange.response!.body!.contentEncoding).toBeUndefined();
    expect(exchange.warnings).toEqual([expect.stringMatching(/not valid gzip data/)]);
  });

  it('gives binary bodies as base64 with their size', async () => {
    const exchange = only(await send({ method: 'GET', url: '/test/binary' }));
    expect(exchange.response!.body).toMatchObject({ encoding: 'base64', data: BINARY.toString('base64'), wireSize: BINARY.length });
    expect(exchange.response!.raw).toMatch(/\r\n\r\n\[9 bytes of binary data\]$/);
  });
});

describe('POST /app/send: limits', () => {
  it('reads at most the response limit, keeps at most the body limit, and marks the body truncated', async () => {
    const exchange = only(await send({ method: 'GET', url: '/test/big' }));
    const body = exchange.response!.body!;
    expect(body).toMatchObject({ truncated: true, wireSize: SEND_LIMITS.maxResponseBytes });
    expect(body.data.length).toBe(SEND_LIMITS.keepBodyBytes);
    expect(exchange.warnings).toEqual([expect.stringMatching(/longer than the sandbox reads/)]);
    expect(exchange.response!.raw).toMatch(/\[… \d+ more bytes\]$/);
  });

  it('stops decoding a compression bomb at its ceiling', async () => {
    const body = only(await send({ method: 'GET', url: `${raw.origin}/bomb` })).response!.body!;
    expect(body).toMatchObject({ contentEncoding: 'gzip', wireSize: BOMB.length, truncated: true });
    expect(body.data.length).toBe(SEND_LIMITS.keepBodyBytes);
    expect(body.decodedSize).toBeLessThan(20 * 1024 * 1024);
  });

  it('stops following redirects at the limit and says so', async () => {
    const t = await send({ method: 'GET', url: '/test/loop', options: { followRedirects: true, maxRedirects: 3 } });
    expect(t.exchanges).toHaveLength(4);
    expect(t.exchanges.at(-1)!.error).toMatchObject({ code: 'TOO_MANY_REDIRECTS', message: expect.stringMatching(/Stopped after 3 redirects/) });
  });

  it('lets a send wait for a free slot when every slot is busy, instead of refusing it', async () => {
    const learners = DEFAULT_CONFIG.sendConcurrency + 1;
    const sends = Array.from({ length: learners }, (_, i) =>
      call(server, '/app/send', { method: 'POST', headers: { cookie: `sandbox=waiter-${i}` }, json: { method: 'GET', url: `${raw.origin}/hang`, headers: [], options: { timeoutMs: 300 } } }),
    );
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    expect(statuses).toEqual(Array.from({ length: learners }, () => 200));
  });
});

describe('POST /app/send: redirects', () => {
  it('are not followed unless asked, and then each hop is its own exchange with its own connection', async () => {
    const off = await send({ method: 'GET', url: '/test/redirect' });
    expect(off.exchanges.map((e) => e.response!.status)).toEqual([302]);
    const on = await send({ method: 'GET', url: '/test/redirect', options: { followRedirects: true } });
    expect(on.exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response!.status}`)).toEqual(['GET /test/redirect 302', 'GET /test/echo 200']);
    for (const exchange of on.exchanges) expect(exchange.timings.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('turn a POST into a GET without a body after 303 See Other', async () => {
    const t = await send({ method: 'POST', url: '/test/see-other', headers: [['Content-Type', 'text/plain']], body: { encoding: 'text', data: 'x' }, options: { followRedirects: true } });
    expect(t.exchanges[1]!.request.method).toBe('GET');
    expect(t.exchanges[1]!.request.body).toBeNull();
    expect(t.exchanges[1]!.request.headers.some(([n]) => n.toLowerCase() === 'content-type')).toBe(false);
  });

  it('do not carry Cookie or Authorization to another origin', async () => {
    const t = await send({
      method: 'GET',
      url: `/test/to?to=${encodeURIComponent(`${raw.origin}/exact`)}`,
      headers: [['Cookie', 'sid=secret'], ['Authorization', 'Bearer secret'], ['X-Kept', 'yes']],
      options: { followRedirects: true },
    });
    expect(t.exchanges.map((e) => e.response!.status)).toEqual([307, 201]);
    expect(t.exchanges[1]!.request.raw).not.toMatch(/secret/);
    expect(t.exchanges[1]!.request.raw).toContain('\r\nX-Kept: yes\r\n');
    expect(raw.heads.at(-1)).not.toMatch(/secret/);
  });
});

describe('POST /app/send: failures become an exchange with an error in plain words', () => {
  it.each([
    ['nothing listening', () => `${refusedOrigin}/`, 'ECONNREFUSED', /refused: nothing is listening/, ''],
    ['a reset connection', () => `${raw.origin}/reset`, 'ECONNRESET', /reset the connection/, 'GET /reset HTTP/1.1\r\n'],
    ['a connection closed mid-head', () => `${raw.origin}/cut-head`, 'UND_ERR_SOCKET', /closed the connection/, 'GET /cut-head HTTP/1.1\r\n'],
    ['a server that does not speak HTTP', () => `${raw.origin}/garbage`, /^HPE_/, /not valid HTTP\/1\.1/, 'GET /garbage HTTP/1.1\r\n'],
  ])('%s', async (_what, url, code, message, sent) => {
    const exchange = only(await send({ method: 'GET', url: url() }));
    expect(exchange.response).toBeNull();
    expect(exchange.error!.code).toMatch(code);
    expect(exchange.error!.message).toMatch(message);
    // The request that went out is shown (none when the connection never opened).
    expect(exchange.request.raw.slice(0, sent.length)).toBe(sent);
  });

  it('shows the bytes that arrived when they do not make a response', async () => {
    expect(only(await send({ method: 'GET', url: `${raw.origin}/garbage` })).error!.received).toBe('HELLO, I SPEAK NO HTTP\r\n\r\n');
    expect(only(await send({ method: 'GET', url: `${raw.origin}/cut-head` })).error!.received).toBe('HTTP/1.1 200 OK\r\nContent-Le');
  });

  it.each([
    ['the connection never opens', () => 'http://blackhole.example/', 'UND_ERR_CONNECT_TIMEOUT', /could not be opened within 300 ms/, false],
    ['the server never answers', () => `${raw.origin}/hang`, 'UND_ERR_HEADERS_TIMEOUT', /sent no response within 300 ms/, false],
    ['the body stops arriving', () => `${raw.origin}/stall-body`, 'UND_ERR_BODY_TIMEOUT', /still arriving after 300 ms/, true],
  ])('times out when %s, within the time asked for', async (_what, url, code, message, hasResponse) => {
    const started = performance.now();
    const exchange = only(await send({ method: 'GET', url: url(), options: { timeoutMs: 300 } }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(exchange.error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(exchange.response !== null).toBe(hasResponse);
    if (hasResponse) expect(exchange.response!.body).toMatchObject({ data: 'partial', truncated: false });
  });

  it('records the timings in the order they happen', async () => {
    const { timings } = only(await send({ method: 'GET', url: '/api/books' }));
    expect(timings.dnsMs).toBeUndefined();
    expect(timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(timings.requestSentMs!).toBeGreaterThanOrEqual(timings.connectMs!);
    expect(timings.firstByteMs!).toBeGreaterThanOrEqual(timings.requestSentMs!);
    expect(timings.completeMs).toBeGreaterThanOrEqual(timings.firstByteMs!);
  });
});

describe('POST /app/send: requests that cannot be sent get a problem naming the cause', () => {
  it.each([
    ['a header name with a space', [['Bad Name', 'x']], 'headers[0][0]', /"Bad Name" is not valid/],
    ['an empty header name', [['X-Ok', '1'], ['', 'x']], 'headers[1][0]', /empty name/],
    ['a header name with a colon', [['X:Y', 'x']], 'headers[0][0]', /no spaces or colons/],
    ['a header value with a line break', [['X-Evil', 'a\r\nInjected: yes']], 'headers[0][1]', /line break.*header injection/],
    ['a header value with a NUL byte', [['X-Nul', 'a\u0000b']], 'headers[0][1]', /control character U\+0000/],
    ['a header value outside Latin-1', [['X-Smile', 'hi 😀']], 'headers[0][1]', /not a Latin-1 character/],
    ['Transfer-Encoding', [['Transfer-Encoding', 'chunked']], 'headers[0][0]', /request smuggling/],
    ['Expect: 100-continue', [['Expect', '100-continue']], 'headers[0][0]', /does not support it/],
    ['Upgrade', [['Upgrade', 'websocket']], 'headers[0][0]', /another protocol/],
    ['Keep-Alive', [['Keep-Alive', 'timeout=5']], 'headers[0][0]', /HTTP\/1\.0 header/],
    ['a Connection value that is not a list of tokens', [['Connection', 'keep alive']], 'headers[0][1]', /comma list/],
    ['two Host headers', [['Host', 'a'], ['Host', 'b']], 'headers[1][0]', /two Host headers/],
    ['two Content-Length headers', [['Content-Length', '0'], ['Content-Length', '0']], 'headers[1][0]', /two Content-Length headers/],
    ['a Content-Length that does not match the body', [['Content-Length', '10']], 'headers[0][1]', /says "10", but the body is 0 bytes/],
  ])('%s → 400', async (_what, headers, field, detail) => {
    const before = network.dialled.length;
    const response = await post({ method: 'POST', url: '/test/echo', headers });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.type).toBe('/problems/request-not-sendable');
    expect(response.json.detail).toMatch(detail);
    expect(response.json.errors).toEqual([{ field, location: 'body', message: response.json.detail }]);
    expect(network.dialled.length).toBe(before);
  });

  it('CONNECT → 400 naming the method', async () => {
    const response = await post({ method: 'CONNECT', url: '/test/echo' });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].field).toBe('method');
    expect(response.json.detail).toMatch(/tunnel/);
  });

  it.each([
    ['a method that is not a token', { method: 'GE T', url: '/api/books' }, 422],
    ['a body that is not base64', { method: 'POST', url: '/api/books', body: { encoding: 'base64', data: '%%%' } }, 422],
    ['a URL that is not a URL', { method: 'GET', url: 'http://' }, 400],
    ['a timeout over the ceiling', { method: 'GET', url: '/api/books', options: { timeoutMs: SEND_LIMITS.maxTimeoutMs + 1 } }, 422],
    ['more redirects than the ceiling', { method: 'GET', url: '/api/books', options: { maxRedirects: SEND_LIMITS.maxRedirects + 1 } }, 422],
    ['a header that is not a pair', { method: 'GET', url: '/api/books', headers: [['X-Alone']] }, 422],
    ['an unknown option', { method: 'GET', url: '/api/books', options: { proxy: 'http://x' } }, 422],
  ])('rejects %s with a problem', async (_name, body, status) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.detail).toBeTruthy();
  });
});
