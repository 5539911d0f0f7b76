import { describe, expect, it } from 'vitest';
import { buildOutgoing, type Draft } from '../../../client/src/features/composer/draft';
import { CurlImportError, looksLikeCurl, parseCurl } from '../../../client/src/features/composer/code/parse-curl';
import { shellWords } from '../../../client/src/features/composer/code/shell-words';
import { toCurl, toFetch, toHttpie, toPython } from '../../../client/src/features/composer/code/to-code';

const ORIGIN = 'http://localhost:3000';

function essence(draft: Draft) {
  const out = buildOutgoing(draft, 'BOUNDARY');
  return { method: out.method, url: new URL(out.url, ORIGIN).toString(), headers: out.headers, body: out.body };
}

describe('shellWords', () => {
  it.each([
    [`curl 'a b' "c \\"d\\"" e\\ f`, ['curl', 'a b', 'c "d"', 'e f']],
    [`curl -H $'X: a\\nb' x`, ['curl', '-H', 'X: a\nb', 'x']],
    ['curl \\\n  -X POST \\\n  url', ['curl', '-X', 'POST', 'url']],
    ['curl ^\n -X PUT ^\n url', ['curl', '-X', 'PUT', 'url']],
    [`curl 'it'\\''s'`, ['curl', "it's"]],
  ])('splits %j', (input, words) => {
    expect(shellWords(input)).toEqual(words);
  });
});

describe('parseCurl', () => {
  it('reads method, URL, headers in order, body and basic auth', () => {
    const { draft, followRedirects } = parseCurl(
      `curl -L -u ada:lovelace -X PUT 'http://localhost:3000/api/books/1' -H 'Content-Type: application/json' -H 'X-A: 1' -d '{"title":"x"}'`,
    );
    expect(draft.method).toBe('PUT');
    expect(draft.url).toBe('http://localhost:3000/api/books/1');
    expect(draft.headers.map((h) => [h.name, h.value])).toEqual([
      ['Content-Type', 'application/json'],
      ['X-A', '1'],
    ]);
    expect(draft.bodyType).toBe('json');
    expect(draft.body).toBe('{"title":"x"}');
    expect(draft.auth).toEqual({ kind: 'basic', username: 'ada', password: 'lovelace' });
    expect(followRedirects).toBe(true);
  });

  it.each([
    ['-d implies POST with a form body', `curl localhost:3000/anything -d a=1 -d b=2`, 'POST', 'a=1&b=2', 'application/x-www-form-urlencoded'],
    ['--json sets JSON headers', `curl --json '{"a":1}' http://localhost:3000/post`, 'POST', '{"a":1}', 'application/json'],
    ['-G moves data into the query', `curl -G http://localhost:3000/get -d q=1`, 'GET', '', undefined],
    ['-I is HEAD', `curl -I http://localhost:3000/`, 'HEAD', '', undefined],
    ['a leading prompt is fine', `$ curl http://localhost:3000/get`, 'GET', '', undefined],
  ])('%s', (_name, command, method, body, contentType) => {
    const { draft } = parseCurl(command);
    expect(draft.method).toBe(method);
    expect(draft.body).toBe(body);
    expect(draft.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value).toBe(contentType);
  });

  it('warns about what it cannot import instead of failing', () => {
    const { warnings } = parseCurl('curl --frobnicate -o out.txt -d @file.json http://localhost:3000/post');
    expect(warnings.join(' ')).toMatch(/--frobnicate/);
    expect(warnings.join(' ')).toMatch(/reads a file/);
  });

  it.each([
    ['no URL', 'curl -X GET', /no URL/],
    ['an open quote', `curl 'http://x`, /never closed/],
    ['a missing option value', 'curl http://x -H', /needs a value/],
  ])('explains %s', (_name, command, message) => {
    expect(() => parseCurl(command)).toThrow(CurlImportError);
    expect(() => parseCurl(command)).toThrow(message);
  });

  it('recognises a pasted curl command', () => {
    expect(looksLikeCurl('curl http://x')).toBe(true);
    expect(looksLikeCurl('  $ curl -i x')).toBe(true);
    expect(looksLikeCurl('/api/curly')).toBe(false);
  });
});

const ROUND_TRIPS = [
  `curl http://localhost:3000/api/books`,
  `curl -i 'http://localhost:3000/api/books?page=2&per_page=5' -H 'Accept: application/xml'`,
  `curl -X POST http://localhost:3000/api/books -H 'Content-Type: application/json' -d '{"title":"Kindred","author":"Octavia E. Butler","year":1979}'`,
  `curl -X DELETE http://localhost:3000/api/books/3 -H 'Authorization: Bearer t_abc'`,
  `curl -X PATCH http://localhost:3000/api/books/1 -H 'Content-Type: application/merge-patch+json' --data-raw '{"status":"read"}'`,
  `curl http://localhost:3000/headers -H 'X-Dup: one' -H 'X-Dup: two' -H 'x-dup: three'`,
  `curl -X PURGE http://localhost:3000/cache`,
  `curl http://localhost:3000/anything -d "it's a 'quote' and \\"double\\""`,
  `curl http://localhost:3000/anything --data-raw $'line one\\nline two\\ttab'`,
  `curl -u ada:lovelace http://localhost:3000/basic-auth/ada/lovelace`,
  `curl -b 'sid=abc; theme=dark' http://localhost:3000/cookies`,
  `curl -A 'Mozilla/5.0 (X11)' -e http://localhost:3000/ http://localhost:3000/user-agent`,
  `curl -X PUT http://localhost:3000/put -H 'Content-Type:' -d 'no content type'`,
  `curl --head http://localhost:3000/api/books/1`,
  `curl -X GET http://localhost:3000/anything -d 'a body on GET'`,
  `curl http://localhost:3000/anything -H 'Content-Type: text/plain; charset=utf-8' -d 'ünïcödé ✓'`,
  `curl 'http://localhost:3000/get?q=a%20b&x=%26'`,
  `curl -X OPTIONS http://localhost:3000/api/books -H 'Origin: http://example.org'`,
  `curl http://localhost:3000/post --json '{"nested":{"a":[1,2]}}'`,
  `curl -X POST http://localhost:3000/api/session -H 'Content-Type: application/json' -d '{"username":"ada","password":"lovelace"}'`,
];

describe('round trip: curl → draft → curl', () => {
  it.each(ROUND_TRIPS)('%s', (command) => {
    const first = parseCurl(command).draft;
    const regenerated = toCurl(buildOutgoing(first, 'BOUNDARY'), { origin: ORIGIN });
    const second = parseCurl(regenerated).draft;
    expect(essence(second)).toEqual(essence(first));
  });
});

describe('copy as', () => {
  const request = {
    method: 'POST',
    url: '/api/books?x=1',
    headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer t_1']] as [string, string][],
    body: { encoding: 'text' as const, data: '{"title":"it\'s"}' },
  };

  it('curl quotes safely and makes the URL absolute', () => {
    expect(toCurl(request, { origin: ORIGIN })).toBe(
      `curl -i -H 'Content-Type: application/json' -H 'Authorization: Bearer t_1' --data-raw '{"title":"it'\\''s"}' 'http://localhost:3000/api/books?x=1'`,
    );
  });

  it('curl sends a binary body byte for byte through base64', () => {
    const command = toCurl({ method: 'PUT', url: '/put', headers: [], body: { encoding: 'base64', data: 'AAH/' } }, { origin: ORIGIN });
    expect(command).toBe(`printf %s AAH/ | base64 -d | curl -i -X PUT -H Content-Type: --data-binary @- http://localhost:3000/put`);
  });

  it('fetch keeps header order and duplicates', () => {
    const code = toFetch({ ...request, headers: [...request.headers, ['X-Dup', '1'], ['X-Dup', '2']] }, ORIGIN);
    expect(code).toContain('method: "POST"');
    expect(code).toContain('["X-Dup", "1"],\n    ["X-Dup", "2"]');
    expect(code).toContain(`body: "{\\"title\\":\\"it's\\"}"`);
  });

  it('fetch notes the headers a browser refuses', () => {
    expect(toFetch({ method: 'GET', url: '/', headers: [['Host', 'x'], ['Cookie', 'a=1']], body: null }, ORIGIN)).toMatch(/^\/\/ In a browser, fetch\(\) silently refuses to set Host, Cookie/);
  });

  it('HTTPie and Python requests', () => {
    expect(toHttpie(request, ORIGIN)).toBe(
      `http --print=HhBb --raw '{"title":"it'\\''s"}' POST 'http://localhost:3000/api/books?x=1' Content-Type:application/json 'Authorization:Bearer t_1'`,
    );
    const python = toPython(request, ORIGIN);
    expect(python).toContain('"Authorization": "Bearer t_1",');
    expect(python).toContain('response = requests.request("POST", "http://localhost:3000/api/books?x=1", headers=headers, data=data, allow_redirects=False)');
  });
});
