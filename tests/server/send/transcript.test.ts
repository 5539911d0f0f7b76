// The send endpoint's transcript over real sockets: the exact bytes that went out and came back.
import { connect, type Socket } from 'node:net';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app';
import type { Exchange, Transcript } from '../../../server/protocol';
import { call, type TestServer } from '../../helpers/server';

const loopbackOnly = ({ host, port }: { host: string; port: number }) => {
  if (!/^127\./.test(host) && host !== '::1') throw new Error(`TEST FAILURE: tried to dial ${host}`);
  return connect({ host, port }) as Socket;
};

let server: TestServer;
let port: number;
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);

beforeAll(async () => {
  const app = await buildApp({ send: { dial: loopbackOnly, lookup: async () => [] } });
  app.register(async (test) => {
    test.removeAllContentTypeParsers();
    test.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
    test.all('/test/echo', async (request, reply) => reply.header('X-Seen-Length', String((request.body as Buffer | undefined)?.length ?? 0)).send('ok'));
    test.get('/test/cookies', async (_request, reply) =>
      reply.header('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/; HttpOnly']).header('X-Dup', 'one').send('cookies'),
    );
    test.get('/test/gzip', async (_request, reply) =>
      reply.header('content-encoding', 'gzip').type('application/json').send(gzipSync(JSON.stringify({ hello: 'compressed world' }))),
    );
    test.get('/test/br', async (_request, reply) => reply.header('content-encoding', 'br').type('text/plain').send(brotliCompressSync('brotli text')));
    test.get('/test/binary', async (_request, reply) => reply.type('application/octet-stream').send(BINARY));
    test.get('/test/slow', async () => new Promise(() => undefined));
    test.get('/test/big', async (_request, reply) => reply.type('text/plain').send('x'.repeat(9 * 1024 * 1024)));
    test.get('/test/redirect', async (_request, reply) => reply.redirect('/test/echo', 302));
    test.post('/test/see-other', async (_request, reply) => reply.redirect('/test/echo', 303));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  server = { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
});
afterAll(() => server.close());

async function send(body: object): Promise<Transcript> {
  const response = await call(server, '/app/send', { method: 'POST', json: { headers: [], ...body } });
  if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
  return response.json as Transcript;
}
const only = (t: Transcript): Exchange => t.exchanges[0]!;

describe('POST /app/send', () => {
  it('returns the request exactly as written to the socket: order, case, duplicates and framing', async () => {
    const t = await send({
      method: 'POST',
      url: '/test/echo',
      headers: [['X-B', '2'], ['x-a', '1'], ['X-Dup', 'one'], ['X-Dup', 'two']],
      body: { encoding: 'text', data: 'hello' },
    });
    const raw = only(t).request.raw;
    expect(raw.startsWith(`POST /test/echo HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n`)).toBe(true);
    expect(raw).toContain('\r\nX-B: 2\r\nx-a: 1\r\nX-Dup: one\r\nX-Dup: two\r\n');
    expect(raw).toMatch(/\r\ncontent-length: 5\r\n\r\nhello$/);
    expect(only(t).request.headers.filter(([n]) => n === 'X-Dup')).toEqual([['X-Dup', 'one'], ['X-Dup', 'two']]);
    expect(only(t).response!.headers).toContainEqual(['x-seen-length', '5']);
  });

  it('keeps the response headers in received order with Set-Cookie and duplicates visible', async () => {
    const response = only(await send({ method: 'GET', url: '/test/cookies' })).response!;
    expect(response.status).toBe(200);
    expect(response.reason).toBe('OK');
    expect(response.headers.filter(([n]) => n.toLowerCase() === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; Path=/; HttpOnly'],
    ]);
    expect(response.raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response.raw).toContain('set-cookie: a=1; Path=/\r\nset-cookie: b=2; Path=/; HttpOnly\r\n');
  });

  it.each([
    ['gzip', '/test/gzip', '{"hello":"compressed world"}'],
    ['br', '/test/br', 'brotli text'],
  ])('decodes a %s body for reading and reports both sizes', async (encoding, url, text) => {
    const body = only(await send({ method: 'GET', url })).response!.body!;
    expect(body.contentEncoding).toBe(encoding);
    expect(body.encoding).toBe('text');
    expect(body.data).toBe(text);
    expect(body.decodedSize).toBe(Buffer.byteLength(text));
    expect(body.wireSize).not.toBe(body.decodedSize);
  });

  it('gives binary bodies as base64 and sends base64 request bodies byte for byte', async () => {
    const exchange = only(await send({ method: 'GET', url: '/test/binary' }));
    expect(exchange.response!.body).toMatchObject({ encoding: 'base64', data: BINARY.toString('base64'), wireSize: BINARY.length });
    expect(exchange.response!.raw).toMatch(/\[9 bytes of binary data\]$/);
    const upload = only(await send({ method: 'PUT', url: '/test/echo', headers: [['Content-Type', 'application/octet-stream']], body: { encoding: 'base64', data: BINARY.toString('base64') } }));
    expect(upload.response!.headers).toContainEqual(['x-seen-length', String(BINARY.length)]);
    expect(upload.request.body).toMatchObject({ encoding: 'base64', data: BINARY.toString('base64') });
  });

  it('does not follow redirects unless asked, and then shows each hop', async () => {
    const off = await send({ method: 'GET', url: '/test/redirect' });
    expect(off.exchanges.map((e) => e.response!.status)).toEqual([302]);
    const on = await send({ method: 'GET', url: '/test/redirect', options: { followRedirects: true } });
    expect(on.exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response!.status}`)).toEqual([
      'GET /test/redirect 302',
      'GET /test/echo 200',
    ]);
  });

  it('turns a POST into a GET without a body after 303 See Other', async () => {
    const t = await send({ method: 'POST', url: '/test/see-other', headers: [['Content-Type', 'text/plain']], body: { encoding: 'text', data: 'x' }, options: { followRedirects: true } });
    expect(t.exchanges[1]!.request.method).toBe('GET');
    expect(t.exchanges[1]!.request.body).toBeNull();
    expect(t.exchanges[1]!.request.headers.some(([n]) => n.toLowerCase() === 'content-type')).toBe(false);
  });

  it('stops at the redirect limit and says so', async () => {
    const t = await send({ method: 'GET', url: '/test/redirect', options: { followRedirects: true, maxRedirects: 0 } });
    expect(t.exchanges).toHaveLength(1);
    expect(t.exchanges[0]!.error?.code).toBe('TOO_MANY_REDIRECTS');
  });

  it('reports a timeout as an exchange without a response, in plain words', async () => {
    const exchange = only(await send({ method: 'GET', url: '/test/slow', options: { timeoutMs: 300 } }));
    expect(exchange.response).toBeNull();
    expect(exchange.error?.message).toMatch(/timeout/);
  });

  it('keeps at most the body limit and marks the rest truncated', async () => {
    const body = only(await send({ method: 'GET', url: '/test/big' })).response!.body!;
    expect(body.truncated).toBe(true);
    expect(body.data.length).toBeLessThanOrEqual(1_048_576);
  });

  it('records timings in order', async () => {
    const { timings } = only(await send({ method: 'GET', url: '/api/books' }));
    expect(timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(timings.firstByteMs!).toBeGreaterThanOrEqual(timings.requestSentMs!);
    expect(timings.completeMs).toBeGreaterThanOrEqual(timings.firstByteMs!);
  });

  it('sends any method token, so a learner can see what the server does with it', async () => {
    const exchange = only(await send({ method: 'PURGE', url: '/api/books' }));
    expect(exchange.request.raw).toMatch(/^PURGE \/api\/books HTTP\/1\.1/);
    expect(exchange.response!.status).toBe(405);
  });

  it.each([
    ['a method that is not a token', { method: 'GE T', url: '/api/books' }, 422],
    ['a header name with a space', { method: 'GET', url: '/api/books', headers: [['Bad Name', 'x']] }, 400],
    ['a header value with a line break', { method: 'GET', url: '/api/books', headers: [['X-Evil', 'a\r\nInjected: yes']] }, 400],
    ['a body that is not base64', { method: 'POST', url: '/api/books', body: { encoding: 'base64', data: '%%%' } }, 422],
    ['a URL that is not a URL', { method: 'GET', url: 'http://' }, 400],
    ['a timeout over the ceiling', { method: 'GET', url: '/api/books', options: { timeoutMs: 3_600_000 } }, 422],
  ])('rejects %s with a problem', async (_name, body, status) => {
    const response = await call(server, '/app/send', { method: 'POST', json: { headers: [], ...body } });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.detail).toBeTruthy();
  });
});
