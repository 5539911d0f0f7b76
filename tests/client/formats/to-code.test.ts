import { describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../../../client/src/lib/draft';
import { FORBIDDEN_BROWSER_HEADERS, isForbiddenBrowserHeader } from '../../../server/protocol/browser-forbidden-headers';
import { toFetch } from '../../../client/src/features/composer/formats/to-fetch';
import { toHttpie } from '../../../client/src/features/composer/formats/to-httpie';
import { pythonString, toPython } from '../../../client/src/features/composer/formats/to-python';

const GET_WITH_QUERY: OutgoingRequest = { method: 'GET', url: '/api/books?page=2&q=le%20guin', headers: [['Accept', 'application/json']], body: null };
const JSON_WITH_AUTH: OutgoingRequest = {
  method: 'POST',
  url: '/api/books',
  headers: [
    ['Content-Type', 'application/json'],
    ['Authorization', 'Basic YWRhOmxvdmVsYWNl'],
  ],
  body: { encoding: 'text', data: '{"title":"Kindred"}' },
};
const FORM: OutgoingRequest = {
  method: 'POST',
  url: 'http://localhost:3000/anything',
  headers: [
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['Cookie', 'a=1'],
    ['Cookie', 'b=2'],
  ],
  body: { encoding: 'text', data: "name=Ada+Lovelace&note=it's" },
};
const BINARY: OutgoingRequest = { method: 'PUT', url: '/put', headers: [['Host', 'example.test'], ['Transfer-Encoding', 'chunked']], body: { encoding: 'base64', data: 'AAH/JQ==' } };

const FETCH_ENDING = [
  "  redirect: 'manual', // show a redirect instead of following it (a browser reports it as status 0)",
  '});',
  'console.log(response.status, response.statusText);',
  'for (const [name, value] of response.headers) console.log(`${name}: ${value}`);',
  'console.log(await response.text());',
];

describe('copy as JavaScript fetch', () => {
  it.each<[string, OutgoingRequest, string[]]>([
    ['GET with a query', GET_WITH_QUERY, ['const response = await fetch("http://localhost:3000/api/books?page=2&q=le%20guin", {', '  method: "GET",', '  headers: [', '    ["Accept", "application/json"],', '  ],', ...FETCH_ENDING]],
    [
      'JSON POST with auth',
      JSON_WITH_AUTH,
      [
        'const response = await fetch("http://localhost:3000/api/books", {',
        '  method: "POST",',
        '  headers: [',
        '    ["Content-Type", "application/json"],',
        '    ["Authorization", "Basic YWRhOmxvdmVsYWNl"],',
        '  ],',
        '  body: "{\\"title\\":\\"Kindred\\"}",',
        ...FETCH_ENDING,
      ],
    ],
    [
      'form, with cookies a browser would not send',
      FORM,
      [
        "// A browser's fetch() silently leaves out Cookie: it is a forbidden request header, which only the browser sets. Node.js sends most of them.",
        '// fetch() joins repeated headers into one line (Cookie: a, b).',
        'const response = await fetch("http://localhost:3000/anything", {',
        '  method: "POST",',
        '  headers: [',
        '    ["Content-Type", "application/x-www-form-urlencoded"],',
        '    ["Cookie", "a=1"],',
        '    ["Cookie", "b=2"],',
        '  ],',
        `  body: "name=Ada+Lovelace&note=it's",`,
        ...FETCH_ENDING,
      ],
    ],
    [
      'binary, with headers fetch cannot send',
      BINARY,
      [
        "// A browser's fetch() silently leaves out Host, Transfer-Encoding: they are forbidden request headers, which only the browser sets. Node.js sends most of them.",
        '// Node.js replaces Host with its own value.',
        'const response = await fetch("http://localhost:3000/put", {',
        '  method: "PUT",',
        '  headers: [',
        '    ["Host", "example.test"],',
        '    // ["Transfer-Encoding", "chunked"], fetch() cannot send this header (browsers drop it, Node.js throws)',
        '  ],',
        '  body: Uint8Array.from(atob("AAH/JQ=="), (c) => c.charCodeAt(0)),',
        ...FETCH_ENDING,
      ],
    ],
  ])('%s', (_name, request, lines) => {
    expect(toFetch(request)).toBe(lines.join('\n'));
  });

  it.each<[string, OutgoingRequest, string]>([
    ['a body on GET is left out', { method: 'GET', url: '/', headers: [], body: { encoding: 'text', data: 'x' } }, '// fetch() refuses a body on GET (it throws a TypeError), so the body is left out; curl can send it.'],
    ['lower-case standard methods are upper-cased', { method: 'delete', url: '/', headers: [], body: null }, '// fetch() sends "DELETE", not "delete": it upper-cases the standard method names.'],
    ['TRACE is refused', { method: 'TRACE', url: '/', headers: [], body: null }, '// fetch() refuses the TRACE method (it throws a TypeError); curl can send it.'],
  ])('%s', (_name, request, comment) => {
    expect(toFetch(request).split('\n')).toContain(comment);
  });

  it('sends a text body without Content-Type as bytes, so fetch adds no text/plain', () => {
    expect(toFetch({ method: 'POST', url: '/', headers: [], body: { encoding: 'text', data: 'hi' } })).toContain('  body: new TextEncoder().encode("hi"),');
  });

  it('follows redirects when asked', () => {
    expect(toFetch(GET_WITH_QUERY, { followRedirects: true })).not.toContain('redirect:');
  });
});

describe('copy as HTTPie', () => {
  it.each<[string, OutgoingRequest, string]>([
    ['GET with a query', GET_WITH_QUERY, `http --print=hb --ignore-stdin GET 'http://localhost:3000/api/books?page=2&q=le%20guin' Accept:application/json`],
    ['JSON POST with auth', JSON_WITH_AUTH, `http --print=hb --ignore-stdin --raw '{"title":"Kindred"}' POST http://localhost:3000/api/books Content-Type:application/json 'Authorization:Basic YWRhOmxvdmVsYWNl'`],
    ['form', FORM, `http --print=hb --ignore-stdin --raw 'name=Ada+Lovelace&note=it'\\''s' POST http://localhost:3000/anything Content-Type:application/x-www-form-urlencoded Cookie:a=1 Cookie:b=2`],
    ['binary', BINARY, `printf '\\000\\001\\377%%' | http --print=hb PUT http://localhost:3000/put Host:example.test Transfer-Encoding:chunked Content-Type:`],
    [
      'escapes, an empty value, following redirects',
      { method: 'GET', url: '/', headers: [['X-A', '=x\\y'], ['X-B', '@home'], ['X-E', '']], body: null },
      `http --print=hb --follow --ignore-stdin GET http://localhost:3000/ 'X-A:\\=x\\y' 'X-B:\\@home' 'X-E;'`,
    ],
  ])('%s', (_name, request, command) => {
    const followRedirects = command.includes('--follow');
    expect(toHttpie(request, { followRedirects })).toBe(command);
  });
});

const PYTHON_ENDING = ['print(response.status_code, response.reason)', 'for name, value in response.headers.items():', '    print(f"{name}: {value}")', 'print(response.text)'];

describe('copy as Python requests', () => {
  it.each<[string, OutgoingRequest, string[]]>([
    [
      'GET with a query',
      GET_WITH_QUERY,
      ['import requests', '', 'headers = {', '    "Accept": "application/json",', '}', '', 'response = requests.request(', '    "GET",', '    "http://localhost:3000/api/books?page=2&q=le%20guin",', '    headers=headers,', '    allow_redirects=False,', ')', ...PYTHON_ENDING],
    ],
    [
      'JSON POST with auth',
      JSON_WITH_AUTH,
      [
        'import requests',
        '',
        'headers = {',
        '    "Content-Type": "application/json",',
        '    "Authorization": "Basic YWRhOmxvdmVsYWNl",',
        '}',
        'body = "{\\"title\\":\\"Kindred\\"}".encode("utf-8")',
        '',
        'response = requests.request(',
        '    "POST",',
        '    "http://localhost:3000/api/books",',
        '    headers=headers,',
        '    data=body,',
        '    allow_redirects=False,',
        ')',
        ...PYTHON_ENDING,
      ],
    ],
    [
      'form, with repeated cookies joined as RFC 6265 writes them',
      FORM,
      [
        'import requests',
        '',
        '# A dict holds one value per name, so the repeated Cookie headers are joined into one line.',
        'headers = {',
        '    "Content-Type": "application/x-www-form-urlencoded",',
        '    "Cookie": "a=1; b=2",',
        '}',
        `body = "name=Ada+Lovelace&note=it's".encode("utf-8")`,
        '',
        'response = requests.request(',
        '    "POST",',
        '    "http://localhost:3000/anything",',
        '    headers=headers,',
        '    data=body,',
        '    allow_redirects=False,',
        ')',
        ...PYTHON_ENDING,
      ],
    ],
    [
      'binary',
      { ...BINARY, headers: [] },
      ['import requests', '', 'body = b"\\x00\\x01\\xff%"', '', 'response = requests.request(', '    "PUT",', '    "http://localhost:3000/put",', '    data=body,', '    allow_redirects=False,', ')', ...PYTHON_ENDING],
    ],
  ])('%s', (_name, request, lines) => {
    expect(toPython(request)).toBe(lines.join('\n'));
  });

  it.each([
    ['quotes and backslashes', 'say "hi" \\ now', '"say \\"hi\\" \\\\ now"'],
    ['control characters', 'a\tb\r\n\x1b', '"a\\tb\\r\\n\\x1b"'],
    ['text beyond ASCII stays readable', 'été ✓', '"été ✓"'],
    ['a lone surrogate becomes U+FFFD, as the sandbox sends it', 'a\ud800', '"a\\ufffd"'],
  ])('string literals: %s', (_name, text, literal) => {
    expect(pythonString(text)).toBe(literal);
  });
});

describe('headers a browser refuses to send from fetch()', () => {
  it.each([
    ['Host', undefined, true],
    ['cookie', undefined, true],
    ['Content-Length', undefined, true],
    ['Origin', undefined, true],
    ['Sec-Fetch-Mode', undefined, true],
    ['Proxy-Authorization', undefined, true],
    ['X-HTTP-Method-Override', 'TRACE', true],
    ['X-HTTP-Method-Override', 'PATCH', false],
    ['Authorization', undefined, false],
    ['User-Agent', undefined, false],
    ['Content-Type', undefined, false],
  ])('%s: %s → %s', (name, value, forbidden) => {
    expect(isForbiddenBrowserHeader(name, value)).toBe(forbidden);
  });

  it('lists the names of the Fetch standard in lower case', () => {
    expect(FORBIDDEN_BROWSER_HEADERS).toContain('access-control-request-headers');
    expect(FORBIDDEN_BROWSER_HEADERS.every((name) => name === name.toLowerCase())).toBe(true);
  });
});
