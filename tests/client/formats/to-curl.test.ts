import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOutgoing, type OutgoingRequest } from '../../../client/src/lib/draft';
import { bodyBytes, bytesToBase64 } from '../../../client/src/features/composer/formats/bytes';
import { parseCurl } from '../../../client/src/features/composer/formats/parse-curl';
import { readCurlCommand } from '../../../client/src/features/composer/formats/read-curl';
import { toCurl } from '../../../client/src/features/composer/formats/to-curl';
import { requestArbitrary } from './arbitraries';
import { CURL_COMMANDS } from './curl-commands';

const ORIGIN = 'http://localhost:3000';
const BOUNDARY = '----HttpSandboxTest';

/** What a request sends, with the URL made absolute: the thing a round trip must keep. */
function sent(request: OutgoingRequest) {
  return {
    method: request.method,
    url: request.url.startsWith('/') ? `${ORIGIN}${request.url}` : request.url,
    headers: request.headers,
    body: request.body ? Buffer.from(bodyBytes(request.body)).toString('hex') : null,
  };
}

const ROUND_TRIPS = [
  ...CURL_COMMANDS.map((command) => command.replaceAll('{URL}', ORIGIN).replaceAll('{HOSTPORT}', 'localhost:3000')),
  `curl /api/books?page=2`,
  `curl -X PURGE http://localhost:3000/cache`,
  `curl -X get http://localhost:3000/lowercase-method`,
  `curl 'http://localhost:3000/search?tags[]=a&tags[]=b' -g`,
  `curl --path-as-is 'http://localhost:3000/a/../b/./c'`,
  `curl -F 'greeting=hello "world"' -F 'emoji=✓' http://localhost:3000/post`,
  `curl -X POST http://localhost:3000/api/session -H 'Content-Type: application/json' -d '{"username":"ada","password":"it'\\''s"}'`,
  `curl ^"http://localhost:3000/x?a=1^" ^\n  -H ^"accept: */*^" ^\n  --data-raw ^"^{^\\^"a^\\^":1^}^"`,
  `$ curl -L http://localhost:3000/redirect/2`,
  `http://localhost:3000/get -H 'X-Only-Options: yes'`,
  `curl -H $'X-Tab: a\\tb' http://localhost:3000/headers`,
  `curl http://localhost:3000/post -H 'Content-Type: application/octet-stream' --data-binary $'\\x01\\x02\\x7f'`,
];

describe('round trip: curl → draft → copy as curl → draft', () => {
  it('covers at least 20 commands', () => {
    expect(ROUND_TRIPS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(ROUND_TRIPS)('%s', (command) => {
    const first = parseCurl(command);
    const request = buildOutgoing(first.draft, BOUNDARY);
    const copied = toCurl(request, { origin: ORIGIN, followRedirects: first.followRedirects });
    const second = parseCurl(copied);
    expect(sent(buildOutgoing(second.draft, BOUNDARY))).toEqual(sent(request));
    expect(second.followRedirects).toBe(first.followRedirects);
    expect(second.warnings).toEqual([]);
  });

  it.each(ROUND_TRIPS)('multiline: %s', (command) => {
    const request = buildOutgoing(parseCurl(command).draft, BOUNDARY);
    const copied = toCurl(request, { origin: ORIGIN, multiline: true });
    expect(sent(buildOutgoing(parseCurl(copied).draft, BOUNDARY))).toEqual(sent(request));
  });
});

describe('copy as curl, read back (property)', () => {
  it('any request comes back with the same method, URL, headers in order and body bytes', () => {
    fc.assert(
      fc.property(requestArbitrary, fc.boolean(), (request, multiline) => {
        const read = readCurlCommand(toCurl(request, { origin: ORIGIN, multiline }));
        expect({ method: read.method, url: read.url, headers: read.headers, body: read.body ? Buffer.from(read.body).toString('hex') : null }).toEqual(sent(request));
        expect(read.warnings.filter((w) => !w.includes('{ } or [ ]'))).toEqual([]);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe('copy as curl', () => {
  const json: OutgoingRequest = {
    method: 'POST',
    url: '/api/books?x=1',
    headers: [
      ['Content-Type', 'application/json'],
      ['Authorization', 'Bearer t_1'],
    ],
    body: { encoding: 'text', data: `{"title":"it's"}` },
  };

  it.each<[string, OutgoingRequest, Parameters<typeof toCurl>[1], string]>([
    ['a GET needs no -X', { method: 'GET', url: '/api/books', headers: [], body: null }, {}, 'curl -i http://localhost:3000/api/books'],
    ['a path gets the origin', { method: 'GET', url: '/get?a=1&b=2', headers: [], body: null }, { origin: 'http://127.0.0.1:8080/' }, `curl -i 'http://127.0.0.1:8080/get?a=1&b=2'`],
    [
      'a POST with a body needs no -X, and single quotes are escaped',
      json,
      {},
      `curl -i 'http://localhost:3000/api/books?x=1' -H 'Content-Type: application/json' -H 'Authorization: Bearer t_1' --data-raw '{"title":"it'\\''s"}'`,
    ],
    ['HEAD uses --head', { method: 'HEAD', url: '/', headers: [], body: null }, {}, 'curl --head http://localhost:3000/'],
    ['DELETE', { method: 'DELETE', url: '/api/books/3', headers: [], body: null }, { followRedirects: true }, 'curl -i -X DELETE -L http://localhost:3000/api/books/3'],
    ['an empty header value is written Name;', { method: 'GET', url: '/', headers: [['X-Empty', '']], body: null }, {}, `curl -i http://localhost:3000/ -H 'X-Empty;'`],
    [
      'a body without Content-Type removes the one curl would add',
      { method: 'PUT', url: '/put', headers: [], body: { encoding: 'text', data: 'plain' } },
      {},
      `curl -i -X PUT http://localhost:3000/put -H Content-Type: --data-raw plain`,
    ],
    [
      'control characters use $\'…\'',
      { method: 'POST', url: '/post', headers: [['Content-Type', 'text/plain']], body: { encoding: 'text', data: 'a\tb\r\nc\'d\\' } },
      {},
      `curl -i http://localhost:3000/post -H 'Content-Type: text/plain' --data-raw $'a\\tb\\r\\nc\\'d\\\\'`,
    ],
    [
      'bytes that are not UTF-8 are \\x escapes',
      { method: 'POST', url: '/post', headers: [['Content-Type', 'application/octet-stream']], body: { encoding: 'base64', data: bytesToBase64(Uint8Array.of(0xff, 0x41, 0xc3, 0xa9)) } },
      {},
      `curl -i http://localhost:3000/post -H 'Content-Type: application/octet-stream' --data-raw $'\\xffAé'`,
    ],
    [
      'a body with NUL bytes goes through printf',
      { method: 'PUT', url: '/put', headers: [], body: { encoding: 'base64', data: 'AAH/JQ==' } },
      {},
      `printf '\\000\\001\\377%%' | curl -i -X PUT http://localhost:3000/put -H Content-Type: --data-binary @-`,
    ],
    ['brackets turn globbing off', { method: 'GET', url: '/get?a[]=1', headers: [], body: null }, {}, `curl -i --globoff 'http://localhost:3000/get?a[]=1'`],
    ['dot segments are kept', { method: 'GET', url: '/a/../b', headers: [], body: null }, {}, `curl -i --path-as-is http://localhost:3000/a/../b`],
    ['curl defaults can be removed', { method: 'GET', url: '/', headers: [['Accept', 'text/html']], body: null }, { omitCurlDefaults: true }, `curl -i http://localhost:3000/ -H 'Accept: text/html' -H User-Agent:`],
  ])('%s', (_name, request, options, expected) => {
    expect(toCurl(request, options)).toBe(expected);
  });

  it('multiline puts each option on its own line', () => {
    expect(toCurl(json, { multiline: true })).toBe(
      [
        `curl -i 'http://localhost:3000/api/books?x=1' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -H 'Authorization: Bearer t_1' \\`,
        `  --data-raw '{"title":"it'\\''s"}'`,
      ].join('\n'),
    );
  });

  it('a multipart body shows its parts', () => {
    const draft = parseCurl(`curl -F name=ada -F 'note=hi there' http://localhost:3000/post`).draft;
    expect(toCurl(buildOutgoing(draft, 'XYZ'))).toBe(
      `curl -i http://localhost:3000/post -H 'Content-Type: multipart/form-data; boundary=XYZ' --data-raw $'--XYZ\\r\\nContent-Disposition: form-data; name="name"\\r\\n\\r\\nada\\r\\n--XYZ\\r\\nContent-Disposition: form-data; name="note"\\r\\n\\r\\nhi there\\r\\n--XYZ--\\r\\n'`,
    );
  });
});

// Large bodies survive the trip byte for byte. How long that takes is for benchmarks, not unit tests.
describe('large bodies', () => {
  it('a 1 MB binary body is copied as curl and read back byte for byte', () => {
    const bytes = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) & 255);
    const command = toCurl({ method: 'PUT', url: '/put', headers: [], body: { encoding: 'base64', data: bytesToBase64(bytes) } });
    expect(readCurlCommand(command).body).toEqual(bytes);
  });

  it("a 700 kB JSON body full of $'…' escapes imports as it was", () => {
    const json = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ id: i, note: `it's\t"${i}"` })));
    const command = toCurl({ method: 'POST', url: '/post', headers: [['Content-Type', 'application/json']], body: { encoding: 'text', data: json } });
    expect(parseCurl(command).draft.body).toBe(json);
  });
});
