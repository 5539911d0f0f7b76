// The httpbin-compatible echo over real sockets: same keys and shapes as httpbin, plus `raw`.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersObject, readMultipart, reconstructRaw, titleCase } from '../../../server/echo/request-echo';
import { STATUS_SPECIAL_CASES, pickStatus } from '../../../server/echo/status';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

function rawSend(bytes: string): Promise<string> {
  const { port } = new URL(server.origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
  });
}

describe('/anything and friends', () => {
  it('has httpbin\'s keys for /anything, with repeated args as lists', async () => {
    const response = await call(server, '/anything?a=1&a=2&b=x', { headers: { 'user-agent': 'curl/7.88.1', accept: '*/*' } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(['args', 'data', 'files', 'form', 'headers', 'json', 'method', 'origin', 'raw', 'url']);
    expect(response.json).toMatchObject({ args: { a: ['1', '2'], b: 'x' }, data: '', files: {}, form: {}, json: null, method: 'GET', origin: '127.0.0.1', url: `${server.origin}/anything?a=1&a=2&b=x` });
    expect(response.json.headers).toMatchObject({ Accept: '*/*', 'User-Agent': 'curl/7.88.1' });
  });

  it('echoes a query parameter or form field named __proto__ like any other, repeated ones as lists', async () => {
    const own = (object: object, name: string) => Object.getOwnPropertyDescriptor(object, name)?.value;
    const query = await call(server, '/anything?__proto__=x&__proto__=y&a=1');
    expect(own(query.json.args, '__proto__')).toEqual(['x', 'y']);
    expect(query.json.args.a).toBe('1');
    const form = await call(server, '/post', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '__proto__=f&b=2' });
    expect(own(form.json.form, '__proto__')).toBe('f');
    expect(form.json.form.b).toBe('2');
    const multipart = await call(server, '/post', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
      body: '--B\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nm\r\n--B\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nn\r\n--B--\r\n',
    });
    expect(own(multipart.json.form, '__proto__')).toEqual(['m', 'n']);
  });

  it('echoes a JSON body as data and json; broken JSON is data with json null', async () => {
    const good = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"widget","qty":3}' });
    expect(good.json).toMatchObject({ data: '{"name":"widget","qty":3}', json: { name: 'widget', qty: 3 }, method: 'POST' });
    const bad = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' });
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ data: '{bad json', json: null });
  });

  it('parses JSON back unless it nests deeper than 512, counting brackets in structure, not in strings', async () => {
    const post = (body: string) => call(server, '/anything', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const deep = `${'['.repeat(513)}${']'.repeat(513)}`;
    expect((await post(deep)).json).toMatchObject({ data: deep, json: null });
    const deepest = `${'['.repeat(512)}${']'.repeat(512)}`;
    expect((await post(deepest)).json.json).toEqual(JSON.parse(deepest));
    const bracketsInText = JSON.stringify({ note: '[{'.repeat(600) });
    expect((await post(bracketsInText)).json.json).toEqual({ note: '[{'.repeat(600) });
  });

  it('shows UTF-8 text as text (a replacement character included) and invalid UTF-8 as binary', async () => {
    const text = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'caf\u00e9 \ufffd ok' });
    expect(text.json.data).toBe('caf\u00e9 \ufffd ok');
    expect(text.json.raw.endsWith('\r\n\r\ncaf\u00e9 \ufffd ok')).toBe(true);
    const broken = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) });
    expect(broken.json).toMatchObject({ data: 'data:application/octet-stream;base64,eyLDKCJ9', json: null });
    expect(broken.json.raw).toContain('[6 bytes of binary data, base64: eyLDKCJ9]');
  });

  it('fills form for urlencoded bodies and form/files for multipart', async () => {
    const form = await call(server, '/post', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1&y=a+b' });
    expect(form.json).toMatchObject({ form: { x: '1', y: 'a b' }, data: '' });
    const body = '--B\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile text\r\n--B--\r\n';
    const multipart = await call(server, '/post', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=B' }, body });
    expect(multipart.json).toMatchObject({ form: { note: 'hello' }, files: { file: 'file text' } });
  });

  // What curl, browsers and other clients really send, each read as httpbin (Werkzeug) reads it.
  const part = (disposition: string, content: string, type = '') => `--B\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n${content}\r\n`;
  it.each([
    ['a filename with an escaped quote (curl)', part('name="f"; filename="say \\"hi\\".txt"', 'x'), { files: { f: 'x' } }],
    ['a filename*= in UTF-8 (RFC 5987)', part(`name="f"; filename*=UTF-8''%E2%82%AC.txt`, 'euro'), { files: { f: 'euro' } }],
    ['an unquoted name', part('name=note', 'hi'), { form: { note: 'hi' } }],
    ['a UTF-8 name, as browsers send it', part('name="prénom"', 'Ada'), { form: { prénom: 'Ada' } }],
    ['a repeated name', part('name="tag"', 'a') + part('name="tag"', 'b'), { form: { tag: ['a', 'b'] } }],
    ['a binary file', part('name="img"; filename="x.bin"', '\u0000\u0001', 'application/octet-stream'), { files: { img: 'data:application/octet-stream;base64,AAE=' } }],
  ])('multipart: %s', async (_case, parts, expected) => {
    const response = await call(server, '/post', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary="B"' }, body: `${parts}--B--\r\n` });
    const { form, files, data } = response.json;
    expect({ form, files, data }).toEqual({ form: {}, files: {}, data: '', ...expected });
  });

  it.each([
    ['/get', 'GET', ['args', 'headers', 'origin', 'raw', 'url']],
    ['/post', 'POST', ['args', 'data', 'files', 'form', 'headers', 'json', 'origin', 'raw', 'url']],
    ['/put', 'PUT', ['args', 'data', 'files', 'form', 'headers', 'json', 'origin', 'raw', 'url']],
    ['/patch', 'PATCH', ['args', 'data', 'files', 'form', 'headers', 'json', 'origin', 'raw', 'url']],
    ['/delete', 'DELETE', ['args', 'data', 'files', 'form', 'headers', 'json', 'origin', 'raw', 'url']],
  ])('%s answers %s with httpbin\'s keys', async (path, method, keys) => {
    const response = await call(server, path, { method });
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(keys);
    expect((await call(server, path, { method: method === 'GET' ? 'POST' : 'GET' })).status).toBe(405);
  });

  it.each([
    ['/headers', (j: any) => j.headers['X-Custom'] === '1'],
    ['/ip', (j: any) => j.origin === '127.0.0.1'],
    ['/user-agent', (j: any) => j['user-agent'] === 'test-agent'],
    ['/uuid', (j: any) => /^[0-9a-f-]{36}$/.test(j.uuid)],
  ])('%s', async (path, check) => {
    const response = await call(server, path, { headers: { 'x-custom': '1', 'user-agent': 'test-agent' } });
    expect(check(response.json)).toBe(true);
  });

  it('caps the body, naming the cap', async () => {
    const response = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(200 * 1024) });
    expect(response.status).toBe(413);
    expect(response.json.detail).toContain('102400 bytes');
  });
});

describe('the raw request', () => {
  it('keeps header order, case and duplicates as they arrived', async () => {
    const answer = await rawSend('GET /raw?x=1 HTTP/1.1\r\nHost: here\r\nX-Zed: 1\r\nx-alpha: 2\r\nX-Dup: a\r\nX-Dup: b\r\nConnection: close\r\n\r\n');
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(body).toBe('GET /raw?x=1 HTTP/1.1\r\nHost: here\r\nX-Zed: 1\r\nx-alpha: 2\r\nX-Dup: a\r\nX-Dup: b\r\nConnection: close\r\n\r\n');
  });

  it('shows a chunked upload de-chunked and a binary body as base64', async () => {
    const answer = await rawSend('POST /raw HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n3\r\n\u0000\u0001\u0002\r\n0\r\n\r\n');
    expect(answer).toContain('[3 bytes of binary data, base64: AAEC]');
    const echo = await call(server, '/anything', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 255]) });
    expect(echo.json.data).toBe('data:application/octet-stream;base64,AP8=');
  });
});

describe('/status/:codes', () => {
  it.each([200, 201, 204, 301, 400, 404, 418, 451, 500, 503])('answers %i', async (code) => {
    const response = await call(server, `/status/${code}`, { method: 'POST' });
    expect(response.status).toBe(code);
  });

  it('adds the headers a status needs, and explains 1xx instead of hanging', async () => {
    expect((await call(server, '/status/401')).headers['www-authenticate']).toBeDefined();
    expect((await call(server, '/status/302')).headers.location).toBe('/redirect/1');
    // The two "come back later" codes say when (RFC 9110 §10.2.3).
    expect((await call(server, '/status/429')).headers['retry-after']).toBe('5');
    expect((await call(server, '/status/503')).headers['retry-after']).toBe('5');
    expect((await call(server, '/status/500')).headers['retry-after']).toBeUndefined();
    const informational = await call(server, '/status/103');
    expect(informational.status).toBe(200);
    expect(informational.json.note).toMatch(/informational/);
  });

  it.each(Object.entries(STATUS_SPECIAL_CASES).map(([code, extras]) => [code === '3xx' ? '307' : code, extras] as const))('/status/%s sends what its row of the table says', async (code, extras) => {
    const response = await call(server, `/status/${code}`);
    expect(response.status).toBe(Number(code));
    for (const [name, value] of Object.entries(extras.headers ?? {})) expect(response.headers[name]).toBe(value);
    if (extras.body === 'none') expect(response.text).toBe('');
    else if (extras.body) expect([response.headers['content-type'], response.text]).toEqual([extras.body.type, extras.body.text]);
    if (code === '304') expect(response.headers.location).toBeUndefined();
  });

  it.each(['abc', '99', '600', '200:-1'])('refuses %j with a problem', async (spec) => {
    const response = await call(server, `/status/${spec}`);
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(/status code between 100 and 599/);
  });

  it('picks from a weighted list', () => {
    expect(pickStatus('200:0.9,500:0.1', 0.5)).toBe(200);
    expect(pickStatus('200:0.9,500:0.1', 0.95)).toBe(500);
    expect(pickStatus('404')).toBe(404);
  });
});

describe('/endpoints', () => {
  it('lists each endpoint with its metadata, once', async () => {
    const response = await call(server, '/endpoints');
    const paths = response.json.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/anything', '/get', '/headers', '/status/:codes', '/raw']));
    expect(new Set(paths).size).toBe(paths.length);
    for (const endpoint of response.json) expect(endpoint.samples.length).toBeGreaterThan(0);
  });

  it('does not shadow the app', async () => {
    expect((await call(server, '/api/books')).status).toBe(200);
    expect((await call(server, '/openapi.json')).status).toBe(200);
  });
});

describe('pure helpers', () => {
  it('title-cases, sorts and joins headers like httpbin', () => {
    expect(titleCase('x-custom-HEADER')).toBe('X-Custom-Header');
    expect(headersObject(['user-agent', 'a', 'Accept', '*/*', 'x-dup', '1', 'X-Dup', '2'])).toEqual({ Accept: '*/*', 'User-Agent': 'a', 'X-Dup': '1,2' });
  });
  it('keeps a repeated header in arrival order, in sorted place, and a header named __proto__ as a field', () => {
    const echoed = headersObject(['x-b', '3', 'X-A', '1', '__proto__', 'p', 'x-b', '1', 'Host', 'h', 'x-a', '2', 'x-b', '2']);
    expect(JSON.stringify(echoed)).toBe('{"Host":"h","X-A":"1,2","X-B":"3,1,2","__proto__":"p"}');
    expect(Object.getPrototypeOf(echoed)).toBe(Object.prototype);
    expect(headersObject([])).toEqual({});
  });
  it('reconstructs a request', () => {
    expect(reconstructRaw({ method: 'GET', url: '/x', httpVersion: '1.1', rawHeaders: ['Host', 'h'], body: Buffer.from('hi') })).toBe('GET /x HTTP/1.1\r\nHost: h\r\n\r\nhi');
  });
  it.each([
    ['a body cut short', 'multipart/form-data; boundary=B', '--B\r\nno headers end', []],
    ['no boundary', 'multipart/form-data', '--B\r\n', undefined],
    ['a part before the cut', 'multipart/form-data; boundary=B', '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B\r\nContent-Disp', [{ name: 'a', data: Buffer.from('1') }]],
  ])('survives malformed multipart: %s', async (_case, type, body, parts) => {
    expect(await readMultipart(Buffer.from(body), type)).toEqual(parts);
  });
});

describe('raw in every echo', () => {
  it.each(['/anything', '/get', '/headers', '/ip', '/user-agent', '/cookies', '/cache/1', '/etag/x', '/delay/0'])('%s carries raw', async (path) => {
    const response = await call(server, path, { headers: { 'x-marker': 'here' } });
    expect(response.json.raw).toMatch(new RegExp(`^GET ${path.replace(/[/.]/g, '\\$&')} HTTP/1\\.1\\r\\n[\\s\\S]*x-marker: here\\r\\n`));
  });
});
