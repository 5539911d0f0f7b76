// The pure protocol helpers behind the toy API, without a server.
import { describe, expect, it } from 'vitest';
import { evaluatePreconditions, parseEntityTags, strongMatch, weakMatch } from '../../../server/http/conditional';
import { linkHeader, paginate, parseSort, sortItems } from '../../../server/http/collection-query';
import { negotiate, parseAccept } from '../../../server/http/negotiate';
import { escapeHtml, serialize } from '../../../server/http/representations';
import { allowList, ResourceRegistry } from '../../../server/http/resource-registry';
import { toFieldErrors } from '../../../server/http/validation-errors';
import { isCookieName, parseCookies, serializeCookie } from '../../../server/services/cookies';
import { HttpProblem } from '../../../server/http/problem';

const OFFERS = ['application/json', 'application/xml', 'text/html'];

describe('negotiate', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['text/html', 'text/html'],
    ['application/*', 'application/json'],
    ['text/html;q=0.4, application/xml;q=0.9', 'application/xml'],
    ['*/*;q=0.1, text/html', 'text/html'],
    ['application/json;q=0, */*', 'application/xml'],
    ['image/png', null],
    ['garbage', 'application/json'],
  ])('Accept %j → %s', (accept, chosen) => {
    expect(negotiate(accept, OFFERS)).toBe(chosen);
  });

  it('reads q-values and clamps them', () => {
    expect(parseAccept('a/b;q=0.5, c/d;q=7, e/f;q=x')).toEqual([
      { type: 'a', subtype: 'b', q: 0.5 },
      { type: 'c', subtype: 'd', q: 1 },
      { type: 'e', subtype: 'f', q: 0 },
    ]);
  });
});

describe('conditional requests (RFC 9110 §13.2.2)', () => {
  const current = { etag: '"v2"', lastModified: new Date('2026-01-05T09:00:00Z') };
  it.each([
    ['GET', { 'if-none-match': '"v2"' }, 'not-modified'],
    ['GET', { 'if-none-match': 'W/"v2"' }, 'not-modified'],
    ['GET', { 'if-none-match': '"v1", "v2"' }, 'not-modified'],
    ['GET', { 'if-none-match': '"v1"' }, 'proceed'],
    ['GET', { 'if-none-match': '"v1"', 'if-modified-since': 'Tue, 06 Jan 2026 00:00:00 GMT' }, 'proceed'],
    ['GET', { 'if-modified-since': 'Mon, 05 Jan 2026 09:00:00 GMT' }, 'not-modified'],
    ['GET', { 'if-modified-since': 'not a date' }, 'proceed'],
    ['PUT', { 'if-match': '"v2"' }, 'proceed'],
    ['PUT', { 'if-match': '"v1"' }, 'failed'],
    ['PUT', { 'if-match': 'W/"v2"' }, 'failed'],
    ['PUT', { 'if-match': '*' }, 'proceed'],
    ['PUT', { 'if-none-match': '*' }, 'failed'],
    ['DELETE', { 'if-unmodified-since': 'Sun, 04 Jan 2026 00:00:00 GMT' }, 'failed'],
    ['POST', { 'if-modified-since': 'Tue, 06 Jan 2026 00:00:00 GMT' }, 'proceed'],
  ] as const)('%s with %j → %s', (method, headers, result) => {
    expect(evaluatePreconditions(method, headers, current).result).toBe(result);
  });

  it('compares entity tags strongly and weakly', () => {
    expect(parseEntityTags('"a", W/"b" ,*')).toEqual(['"a"', 'W/"b"', '*']);
    expect(strongMatch('"a"', '"a"')).toBe(true);
    expect(strongMatch('W/"a"', '"a"')).toBe(false);
    expect(weakMatch('W/"a"', '"a"')).toBe(true);
  });
});

describe('collection queries', () => {
  const items = [
    { id: 1, title: 'b', year: 2 },
    { id: 2, title: 'a', year: 2 },
    { id: 3, title: 'c', year: 1 },
  ];
  it('sorts by several keys and keeps id order on ties', () => {
    expect(sortItems(items, parseSort('-year,title', ['title', 'year'])).map((i) => i.id)).toEqual([2, 1, 3]);
    expect(sortItems(items, parseSort('year', ['year'])).map((i) => i.id)).toEqual([3, 1, 2]);
  });

  it('refuses an unknown sort field with a 400 problem naming it', () => {
    expect(() => parseSort('price', ['title'])).toThrow(HttpProblem);
    expect(() => parseSort('price', ['title'])).toThrow(/price/);
  });

  it('pages and links', () => {
    const page = paginate(items, 2, 1);
    expect(page).toMatchObject({ items: [items[1]], total: 3, lastPage: 3 });
    expect(linkHeader('/x', new URLSearchParams('q=a&page=2'), page)).toBe(
      '</x?q=a&page=1&per_page=1>; rel="first", </x?q=a&page=1&per_page=1>; rel="prev", </x?q=a&page=3&per_page=1>; rel="next", </x?q=a&page=3&per_page=1>; rel="last"',
    );
  });
});

describe('representations', () => {
  const book = { id: 1, title: 'A <b> & "c"', tags: ['x', 'y'], category: null };
  it('writes XML with escaped text and repeated elements for lists', () => {
    expect(serialize('xml', [book], { root: 'books', item: 'book' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<books>\n  <book>\n    <id>1</id>\n    <title>A &lt;b&gt; &amp; &quot;c&quot;</title>\n    <tags>\n      <item>x</item>\n      <item>y</item>\n    </tags>\n    <category/>\n  </book>\n</books>\n',
    );
  });
  it('writes YAML and an escaped HTML table', () => {
    expect(serialize('yaml', book, { root: 'book', item: 'book' })).toContain('title: A <b> & "c"');
    const html = serialize('html', [book], { root: 'books', item: 'book' });
    expect(html).toContain('<td>A &lt;b&gt; &amp; &quot;c&quot;</td>');
    expect(html).not.toContain('<b>');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});

describe('validation errors in plain words', () => {
  it('lists each field once with a message a student understands', () => {
    const errors = toFieldErrors(
      [
        { keyword: 'required', instancePath: '', params: { missingProperty: 'title' } },
        { keyword: 'type', instancePath: '/year', params: { type: 'integer' } },
        { keyword: 'minimum', instancePath: '/year', params: { limit: 1 } },
        { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'colour' } },
      ],
      'body',
      ['title', 'year'],
    );
    expect(errors).toEqual([
      { field: 'title', location: 'body', message: 'is required' },
      { field: 'year', location: 'body', message: 'must be a whole number' },
      { field: 'colour', location: 'body', message: 'is not allowed here; use only title, year' },
    ]);
  });
});

describe('resource registry', () => {
  it('adds HEAD with GET and always OPTIONS, in a stable order', () => {
    expect(allowList(['DELETE', 'GET'])).toEqual(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
  });
  it('matches paths with parameters, with or without a trailing slash', () => {
    const registry = new ResourceRegistry();
    registry.declare('/api/books/:id', ['GET']);
    expect(registry.allowed('/api/books/7')).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(registry.allowed('/api/books/7/')).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(registry.allowed('/api/books/7/x')).toBeUndefined();
  });
});

describe('cookies', () => {
  it('parses the Cookie header; the first of a name wins', () => {
    expect(parseCookies('a=1; b="two"; a=3; c=%20x; bad')).toEqual({ a: '1', b: 'two', c: ' x' });
  });
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('echoes a cookie named %s like any other', (name) => {
    expect(parseCookies(`${name}=1; b=2`)).toEqual({ [name]: '1', b: '2' });
    expect(Object.keys(parseCookies(`${name}=1`))).toEqual([name]);
  });
  it.each(['a b', 'a;b', 'a=b', '', 'é'])('refuses %j as a cookie name (RFC 6265 §4.1.1: a token)', (name) => {
    expect(isCookieName(name)).toBe(false);
    expect(() => serializeCookie(name, 'x')).toThrow(TypeError);
  });
  it('writes Set-Cookie with safe defaults', () => {
    expect(serializeCookie('sid', 'a b', { maxAgeSeconds: 60 })).toBe('sid=a%20b; Max-Age=60; Path=/; HttpOnly; SameSite=Lax');
  });
});
