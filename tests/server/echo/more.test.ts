// The other echo endpoints over real sockets: redirects that stay home, cookies, auth, caching,
// formats, ranges, streams and faults, and every cap named in its error.
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('redirects', () => {
  it.each([
    ['/redirect/3', '/relative-redirect/2'],
    ['/redirect/1', '/get'],
    ['/redirect-to?url=/get&status_code=307', '/get'],
  ])('%s → Location %s', async (path, location) => {
    const response = await call(server, path);
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.headers.location).toBe(location);
  });

  it('absolute redirects stay on this server', async () => {
    expect((await call(server, '/absolute-redirect/2')).headers.location).toBe(`${server.origin}/absolute-redirect/1`);
  });

  it.each(['http://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)'])('refuses to redirect to %s (no open redirect)', async (target) => {
    const response = await call(server, `/redirect-to?url=${encodeURIComponent(target)}`);
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.json.detail).toMatch(/only redirects to its own paths/);
  });

  it('caps the number of redirects, naming the cap', async () => {
    const response = await call(server, '/redirect/500');
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(/at most 20/);
  });
});

describe('cookies and auth', () => {
  it('sets, shows and deletes cookies', async () => {
    const set = await call(server, '/cookies/set?flavour=oat&size=big');
    expect(set.status).toBe(302);
    expect(set.headers['set-cookie']).toEqual(['flavour=oat; Path=/', 'size=big; Path=/']);
    expect((await call(server, '/cookies', { headers: { cookie: 'flavour=oat' } })).json).toMatchObject({ cookies: { flavour: 'oat' }, raw: expect.stringContaining('flavour=oat') });
    expect((await call(server, '/cookies/delete?flavour')).headers['set-cookie']).toBe('flavour=; Max-Age=0; Path=/');
  });

  it('shows every cookie sent, whatever its name, and unquotes a quoted value as httpbin does', async () => {
    const shown = await call(server, '/cookies', { headers: { cookie: 'constructor=1; toString=2; b="two words"; c=%E2%82%AC' } });
    expect(shown.json.cookies).toEqual({ constructor: '1', toString: '2', b: 'two words', c: '€' });
  });

  it.each([
    ['/cookies/set?a%20b=1', 'invalid-query'],
    ['/cookies/set?a%3Bb=1', 'invalid-query'],
    ['/cookies/delete?a%3Db', 'invalid-query'],
    ['/cookies/set/a%20b/1', 'invalid-path'],
  ])('%s: a name that is not a token (RFC 6265 §4.1.1) is a %s problem, not a mangled Set-Cookie', async (path, type) => {
    const refused = await call(server, path);
    expect(refused.status).toBe(400);
    expect(refused.json.type).toBe(`/problems/${type}`);
    expect(refused.json.detail).toMatch(/cannot be a cookie name: RFC 6265 §4\.1\.1/);
    expect(refused.headers['set-cookie']).toBeUndefined();
  });

  it('checks Basic and Bearer credentials', async () => {
    const auth = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`;
    expect((await call(server, '/basic-auth/ada/lovelace', { headers: { authorization: auth } })).json).toEqual({ authenticated: true, user: 'ada' });
    const denied = await call(server, '/basic-auth/ada/other', { headers: { authorization: auth } });
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="Fake Realm"');
    expect((await call(server, '/hidden-basic-auth/ada/other')).status).toBe(404);
    expect((await call(server, '/bearer')).status).toBe(401);
    expect((await call(server, '/bearer', { headers: { authorization: 'Bearer t1' } })).json).toEqual({ authenticated: true, token: 't1' });
  });
});

describe('caching', () => {
  it('answers conditional requests to /cache with 304', async () => {
    expect((await call(server, '/cache')).headers.etag).toBeDefined();
    expect((await call(server, '/cache', { headers: { 'if-none-match': '"x"' } })).status).toBe(304);
    expect((await call(server, '/cache/60')).headers['cache-control']).toBe('public, max-age=60');
  });

  it('evaluates ETag preconditions on /etag', async () => {
    expect((await call(server, '/etag/v1')).headers.etag).toBe('"v1"');
    expect((await call(server, '/etag/v1', { headers: { 'if-none-match': '"v1"' } })).status).toBe(304);
    expect((await call(server, '/etag/v1', { headers: { 'if-match': '"v2"' } })).status).toBe(412);
  });

  it('sets response headers from the query, but not framing or cookie headers', async () => {
    const response = await call(server, '/response-headers?X-Lesson=headers&X-Lesson=twice');
    expect(response.headers['x-lesson']).toEqual(['headers', 'twice']);
    expect(response.json['X-Lesson']).toEqual(['headers', 'twice']);
    expect((await call(server, '/response-headers?Set-Cookie=a%3D1')).status).toBe(400);
  });
});

describe('formats', () => {
  it.each([
    ['/gzip', 'gzip', gunzipSync, 'gzipped'],
    ['/deflate', 'deflate', inflateSync, 'deflated'],
    ['/brotli', 'br', brotliDecompressSync, 'brotli'],
  ])('%s is compressed with %s and decodes to JSON', async (path, encoding, decode, key) => {
    const response = await request(`${server.origin}${path}`);
    expect(response.headers['content-encoding']).toBe(encoding);
    const body = JSON.parse(decode(Buffer.from(await response.body.arrayBuffer())).toString());
    expect(body[key]).toBe(true);
  });

  it.each([
    ['gzip, deflate, br', '/gzip', 'gzip'],
    ['br;q=1, gzip;q=0.5', '/gzip', 'gzip'],
    ['*', '/brotli', 'br'],
    ['x-gzip', '/gzip', 'gzip'],
    ['identity', '/gzip', undefined],
    ['gzip;q=0', '/gzip', undefined],
    ['br', '/deflate', undefined],
    ['', '/gzip', undefined],
  ])('Accept-Encoding: %j on %s gives Content-Encoding %s, and Vary: Accept-Encoding', async (acceptEncoding, path, encoding) => {
    const response = await request(`${server.origin}${path}`, { headers: { 'accept-encoding': acceptEncoding } });
    expect(response.headers['content-encoding']).toBe(encoding);
    expect(response.headers.vary).toBe('Accept-Encoding');
    const bytes = Buffer.from(await response.body.arrayBuffer());
    if (encoding === undefined) expect(JSON.parse(bytes.toString()).headers['Accept-Encoding']).toBe(acceptEncoding);
  });

  it.each([
    ['/json', /application\/json/],
    ['/xml', /application\/xml/],
    ['/html', /text\/html/],
    ['/robots.txt', /text\/plain/],
    ['/deny', /text\/plain/],
    ['/encoding/utf8', /charset=utf-8/],
  ])('%s has the right type', async (path, type) => {
    const response = await call(server, path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(type);
  });

  it('decodes base64 and refuses what is not base64', async () => {
    expect((await call(server, '/base64/SFRUUCBpcyBmdW4')).text).toBe('HTTP is fun');
    expect((await call(server, '/base64/%25%25')).status).toBe(400);
  });
});

describe('dynamic data', () => {
  it('sends n bytes, the same for the same seed, and caps n', async () => {
    const a = await request(`${server.origin}/bytes/64?seed=1`);
    const b = await request(`${server.origin}/bytes/64?seed=1`);
    expect(Buffer.from(await a.body.arrayBuffer()).equals(Buffer.from(await b.body.arrayBuffer()))).toBe(true);
    const capped = await call(server, '/bytes/999999');
    expect(capped.status).toBe(400);
    expect(capped.json.detail).toMatch(/at most 102400/);
  });

  it.each([
    ['bytes=0-4', 206, 'abcde', 'bytes 0-4/26'],
    ['bytes=-3', 206, 'xyz', 'bytes 23-25/26'],
    ['bytes=24-', 206, 'yz', 'bytes 24-25/26'],
    ['bytes=30-40', 416, '', 'bytes */26'],
  ])('/range/26 with Range: %s → %i', async (range, status, body, contentRange) => {
    const response = await call(server, '/range/26', { headers: { range } });
    expect(response.status).toBe(status);
    expect(response.text).toBe(body);
    expect(response.headers['content-range']).toBe(contentRange);
  });

  it('streams lines and events', async () => {
    expect((await call(server, '/stream/3')).text.trim().split('\n')).toHaveLength(3);
    expect((await call(server, '/jsonl?n=2')).text.trim().split('\n')).toHaveLength(2);
    const sse = await call(server, '/sse?n=2&interval=0');
    expect(sse.headers['content-type']).toBe('text/event-stream');
    expect(sse.text.match(/^event: tick$/gm)).toHaveLength(2);
    expect((await call(server, '/drip?numbytes=5&duration=0')).text).toBe('*****');
  });

  it('caps delays, naming the cap', async () => {
    const response = await call(server, '/delay/60');
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(/at most 10 s/);
    expect((await call(server, '/delay/0')).status).toBe(200);
  });
});

describe('faults a learner can ask for', () => {
  it('closes or resets the connection, and the server stays up', async () => {
    await expect(call(server, '/error/close')).rejects.toThrow();
    await expect(call(server, '/error/reset')).rejects.toThrow();
    expect((await call(server, '/get')).status).toBe(200);
  });

  it('sends trailers after a chunked body', async () => {
    const response = await request(`${server.origin}/trailers`);
    await response.body.text();
    expect(response.trailers['x-checksum']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('/unstable fails only as often as asked', async () => {
    expect((await call(server, '/unstable?failure_rate=0')).status).toBe(200);
    expect((await call(server, '/unstable?failure_rate=1')).status).toBe(500);
  });

  it('/info/103 answers 200 after Early Hints', async () => {
    expect((await call(server, '/info/103')).status).toBe(200);
  });
});

describe('digest auth', () => {
  it.each(['MD5', 'SHA-256'])('challenges, then accepts a correct %s answer', async (algorithm) => {
    const path = `/digest-auth/auth/ada/lovelace/${algorithm}`;
    const challenge = await call(server, path);
    expect(challenge.status).toBe(401);
    const header = String(challenge.headers['www-authenticate']);
    expect(header).toMatch(/^Digest realm="HTTP Sandbox", qop="auth"/);
    const nonce = /nonce="([^"]+)"/.exec(header)![1]!;
    const { createHash } = await import('node:crypto');
    const h = (t: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(t).digest('hex');
    const ha1 = h('ada:HTTP Sandbox:lovelace');
    const ha2 = h(`GET:${path}`);
    const response = h(`${ha1}:${nonce}:00000001:c0ffee:auth:${ha2}`);
    const authorization = `Digest username="ada", realm="HTTP Sandbox", nonce="${nonce}", uri="${path}", qop=auth, nc=00000001, cnonce="c0ffee", response="${response}"`;
    expect((await call(server, path, { headers: { authorization } })).json).toEqual({ authenticated: true, user: 'ada' });
    const wrong = authorization.replace(response, 'f'.repeat(response.length));
    expect((await call(server, path, { headers: { authorization: wrong } })).status).toBe(401);
  });
});

describe('images', () => {
  it.each([
    ['image/webp', 'image/webp', [0x52, 0x49, 0x46, 0x46]],
    ['image/png', 'image/png', [0x89, 0x50, 0x4e, 0x47]],
    ['image/jpeg', 'image/jpeg', [0xff, 0xd8, 0xff]],
    ['image/svg+xml', 'image/svg+xml', [0x3c, 0x73, 0x76, 0x67]],
    ['*/*', 'image/png', [0x89, 0x50]],
  ])('/image with Accept: %s sends %s', async (accept, type, magic) => {
    const response = await request(`${server.origin}/image`, { headers: { accept } });
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers.vary).toBe('Accept');
    const bytes = Buffer.from(await response.body.arrayBuffer());
    expect([...bytes.subarray(0, magic.length)]).toEqual(magic);
  });

  it('answers 406 when no image format fits', async () => {
    expect((await call(server, '/image', { headers: { accept: 'text/html' } })).status).toBe(406);
    expect((await call(server, '/image/png')).headers['content-type']).toBe('image/png');
  });
});

describe('the rest, and every cap', () => {
  it('links, dump/request, stream-bytes, a cookie from the path', async () => {
    const links = await call(server, '/links/3/1');
    expect(links.text).toContain('<a href="/links/3/0">0</a> 1 <a href="/links/3/2">2</a>');
    expect((await call(server, '/dump/request', { headers: { 'x-first': 'a' } })).text).toMatch(/^GET \/dump\/request HTTP\/1\.1\r\n[\s\S]*x-first: a\r\n/);
    const streamed = await request(`${server.origin}/stream-bytes/50?chunk_size=7&seed=s`);
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(await streamed.body.arrayBuffer())).toHaveLength(50);
    expect((await call(server, '/cookies/set/flavour/oat')).headers['set-cookie']).toBe('flavour=oat; Path=/');
  });

  it.each([
    ['/stream/101', /at most 100/],
    ['/jsonl?n=500', /at most 100/],
    ['/sse?n=1&interval=60000', /at most 5000/],
    ['/drip?numbytes=10&duration=99', /0 to 10 seconds/],
    ['/bytes/102401', /at most 102400/],
    ['/range/102401', /at most 102400/],
    ['/stream-bytes/102401', /at most 102400/],
    ['/links/201/0', /at most 200/],
    ['/absolute-redirect/21', /at most 20/],
    ['/relative-redirect/21', /at most 20/],
  ])('%s is refused, naming the cap', async (path, cap) => {
    const response = await call(server, path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.detail).toMatch(cap);
  });
});
