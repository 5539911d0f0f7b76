// "Copy as" is checked by running what it produces: bash + curl, HTTPie, Python requests and Node's fetch send
// to a capture server on 127.0.0.1, which must receive the composed request — same method, target,
// headers in order and body bytes — plus only the headers each client adds on its own.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../../../client/src/lib/draft';
import { bodyBytes, bytesToBase64 } from '../../../client/src/features/composer/formats/bytes';
import { toCurl } from '../../../client/src/features/composer/formats/to-curl';
import { toFetch } from '../../../client/src/features/composer/formats/to-fetch';
import { toPython } from '../../../client/src/features/composer/formats/to-python';
import { requestArbitrary } from './arbitraries';
import { startCaptureServer, type CapturedRequest, type CaptureServer } from './capture-server';
import { toHttpie } from '../../../client/src/features/composer/formats/to-httpie';
import { CLIENT_DEFAULTS, composedPart, describeWithTool, HAS_CURL, HAS_HTTPIE, HAS_PYTHON_REQUESTS, run } from './real-tools';

const REQUESTS: [string, OutgoingRequest][] = [
  ['GET with a query', { method: 'GET', url: '/api/books?page=2&q=le%20guin', headers: [['Accept', 'application/json']], body: null }],
  [
    'JSON POST with auth',
    {
      method: 'POST',
      url: '/api/books',
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', 'Basic YWRhOmxvdmVsYWNl'],
      ],
      body: { encoding: 'text', data: `{"title":"Kindred","note":"it's \\"good\\" – ✓"}` },
    },
  ],
  ['form', { method: 'POST', url: '/anything', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: { encoding: 'text', data: 'name=Ada+Lovelace&x=%26%3D' } }],
  ['binary with NUL bytes', { method: 'PUT', url: '/put', headers: [['Content-Type', 'application/octet-stream']], body: { encoding: 'base64', data: bytesToBase64(Uint8Array.of(0, 1, 0x25, 0x5c, 0x27, 0xff, 0xc3, 0xa9, 10, 13)) } }],
  ['a body without Content-Type', { method: 'PATCH', url: '/patch', headers: [], body: { encoding: 'text', data: 'just text\n' } }],
  ['repeated and empty headers', { method: 'DELETE', url: '/delete', headers: [['X-Dup', 'one'], ['X-Empty', ''], ['x-dup', 'two']], body: null }],
  ['a custom method', { method: 'PURGE', url: '/cache', headers: [], body: null }],
  ['control characters', { method: 'POST', url: '/post', headers: [['Content-Type', 'text/plain'], ['X-Tab', 'a\tb']], body: { encoding: 'text', data: 'a\tb\r\n\x1b[1m$HOME `x` %d \\n' } }],
];

/** The request as the capture server saw it, in the composed request's terms. */
function received(captured: CapturedRequest, composed: OutgoingRequest, defaults: readonly string[]) {
  return { method: captured.method, target: captured.target, headers: composedPart(captured.headers, composed.headers, defaults), body: captured.body.toString('hex') };
}

function expected(request: OutgoingRequest) {
  return { method: request.method, target: request.url, headers: request.headers, body: Buffer.from(request.body ? bodyBytes(request.body) : []).toString('hex') };
}

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

async function capture(send: () => Promise<unknown>): Promise<CapturedRequest> {
  server.requests.length = 0;
  await send();
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
}

describeWithTool('curl', HAS_CURL, 'copy as curl, run in bash', () => {
  it.each(REQUESTS)('%s', async (_name, request) => {
    for (const multiline of [false, true]) {
      const command = toCurl(request, { origin: server.origin, multiline });
      const captured = await capture(() => run('bash', ['-c', `${command} > /dev/null`]));
      expect(received(captured, request, CLIENT_DEFAULTS.curl)).toEqual(expected(request));
    }
  });

  it('with omitCurlDefaults, curl sends nothing but the request and its framing', async () => {
    const request = REQUESTS[0]![1];
    const captured = await capture(() => run('bash', ['-c', `${toCurl(request, { origin: server.origin, omitCurlDefaults: true })} > /dev/null`]));
    expect(captured.headers.map(([n]) => n)).toEqual(['Host', 'Accept']);
  });

  it('random requests (fast-check sample) arrive byte for byte', async () => {
    const samples = fc.sample(requestArbitrary, { numRuns: 40, seed: 4242 });
    for (const sample of samples) {
      // The capture server answers every path; send each sample there.
      const request = { ...sample, url: sample.url.replace(/^https?:\/\/[^/]*/, '') };
      if (!request.url.startsWith('/')) request.url = `/${request.url}`;
      const command = toCurl(request, { origin: server.origin });
      const captured = await capture(() => run('bash', ['-c', `${command} > /dev/null`]));
      const target = request.url.replace(/#.*$/, '');
      expect({ ...received(captured, request, CLIENT_DEFAULTS.curl), target: captured.target }, command).toEqual({ ...expected(request), target });
    }
  });
});

describeWithTool('python3 with requests', HAS_PYTHON_REQUESTS, 'copy as Python requests, run by python3', () => {
  // requests keeps one value per name: repeated headers arrive joined, as the script's comment says.
  it.each(REQUESTS.filter(([name]) => name !== 'repeated and empty headers'))('%s', async (_name, request) => {
    const captured = await capture(() => run('python3', ['-c', toPython(request, { origin: server.origin })]));
    expect(received(captured, request, CLIENT_DEFAULTS.python)).toEqual(expected(request));
  });

  it('joins repeated headers into one line', async () => {
    const request = REQUESTS.find(([name]) => name === 'repeated and empty headers')![1];
    const captured = await capture(() => run('python3', ['-c', toPython(request, { origin: server.origin })]));
    expect(composedPart(captured.headers, request.headers, CLIENT_DEFAULTS.python)).toEqual([
      ['X-Dup', 'one, two'],
      ['X-Empty', ''],
    ]);
  });
});

describeWithTool('HTTPie', HAS_HTTPIE, 'copy as HTTPie, run in bash', () => {
  it.each(REQUESTS)('%s', async (_name, request) => {
    const captured = await capture(() => run('bash', ['-c', `${toHttpie(request, { origin: server.origin })} > /dev/null`]));
    // HTTPie sends repeated headers next to each other (the copy says so in a comment).
    const grouped = (headers: [string, string][]) => headers.map((h, i) => ({ h, first: headers.findIndex(([n]) => n.toLowerCase() === h[0].toLowerCase()), i })).sort((a, b) => a.first - b.first || a.i - b.i).map(({ h }) => h);
    const want = expected(request);
    expect(received(captured, request, CLIENT_DEFAULTS.httpie)).toEqual({ ...want, headers: grouped(want.headers) });
  }, 30_000);
});

describe("copy as fetch, run by Node's fetch", () => {
  it.each(REQUESTS.filter(([name]) => name !== 'repeated and empty headers'))('%s', async (_name, request) => {
    const code = toFetch(request, { origin: server.origin });
    const captured = await capture(() => run(process.execPath, ['--input-type=module', '--no-warnings', '-e', code]));
    // Node's fetch writes some names in lower case; compare names without case.
    const got = received(captured, request, CLIENT_DEFAULTS.node);
    expect({ ...got, headers: got.headers.map(([n, v]) => [n.toLowerCase(), v]) }).toEqual({ ...expected(request), headers: request.headers.map(([n, v]) => [n.toLowerCase(), v]) });
  });
});
