import { describe, expect, it } from 'vitest';
import type { Exchange, WireHeader } from '../../../server/protocol/api-types';
import { diagnose } from '../../../client/src/lib/diagnose';

function exchange(method: string, status: number, reason: string, headers: WireHeader[], body = '', requestHeaders: WireHeader[] = []): Exchange {
  return {
    request: { method, url: 'http://localhost:3000/api/books', raw: '', headers: requestHeaders, body: null },
    response: {
      httpVersion: '1.1',
      status,
      reason,
      headers,
      trailers: [],
      body: body ? { encoding: 'text', data: body, wireSize: body.length, decodedSize: body.length, truncated: false } : null,
      raw: '',
    },
    timings: { completeMs: 3 },
  };
}

const problem = (slug: string, status: number, extra: object = {}) =>
  JSON.stringify({ type: `/problems/${slug}`, title: slug, status, detail: `detail of ${slug}`, ...extra });
const PROBLEM_TYPE: WireHeader = ['content-type', 'application/problem+json; charset=utf-8'];

describe('diagnose', () => {
  it('points a 415 at the Content-Type row and offers the accepted type', () => {
    const d = diagnose(exchange('POST', 415, 'Unsupported Media Type', [PROBLEM_TYPE], problem('unsupported-media-type', 415, { accepted: ['application/json'] })));
    expect(d.summary).toBe('detail of unsupported-media-type');
    expect(d.composer.headers).toEqual(['content-type']);
    expect(d.fixes).toEqual([{ label: 'Set Content-Type: application/json', fix: { kind: 'set-header', name: 'Content-Type', value: 'application/json' } }]);
  });

  it('points a 422 at each bad JSON field', () => {
    const body = problem('validation-failed', 422, { errors: [{ field: 'year', location: 'body', message: 'x' }, { field: 'title', location: 'body', message: 'y' }] });
    expect(diagnose(exchange('POST', 422, 'Unprocessable Content', [PROBLEM_TYPE], body)).composer.bodyFields).toEqual(['year', 'title']);
  });

  it('points a 405 at the method and the Allow header, offering the allowed methods', () => {
    const d = diagnose(exchange('PUT', 405, 'Method Not Allowed', [PROBLEM_TYPE, ['allow', 'GET, HEAD, POST, OPTIONS']], problem('method-not-allowed', 405)));
    expect(d.composer.method).toBe(true);
    expect(d.responseHeaders).toContain('allow');
    expect(d.fixes.map((f) => f.label)).toEqual(['Switch to GET', 'Switch to POST']);
  });

  it('offers the demo login on a 401', () => {
    const d = diagnose(exchange('POST', 401, 'Unauthorized', [PROBLEM_TYPE, ['www-authenticate', 'Bearer realm="x"']], problem('authentication-required', 401)));
    expect(d.fixes[0]?.fix).toEqual({ kind: 'login' });
    expect(d.responseHeaders).toContain('www-authenticate');
  });

  it.each([
    ['POST', 201, [['Location', '/api/books/13']] as WireHeader[], 'location', /Location/],
    ['DELETE', 204, [] as WireHeader[], undefined, /DELETE again changes nothing more/],
    ['GET', 304, [['ETag', '"x"']] as WireHeader[], 'etag', /still current/],
    ['GET', 308, [['Location', '/api/categories']] as WireHeader[], 'location', /redirect/],
  ])('explains a %s that got %i', (method, status, headers, header, summary) => {
    const d = diagnose(exchange(method, status, '', headers));
    expect(d.summary).toMatch(summary);
    if (header) expect(d.responseHeaders).toContain(header);
  });

  const at = (url: string, e: Exchange): Exchange => ({ ...e, request: { ...e.request, url: `http://localhost:3000${url}` } });

  it.each([
    ['/api/books/13', /gets 404, because the item is gone/],
    ['/api/session', /answers 204 again/],
  ])('after DELETE %s, says what the same DELETE again gets', (url, summary) => {
    expect(diagnose(at(url, exchange('DELETE', 204, '', []))).summary).toMatch(summary);
  });

  it('suggests If-None-Match after a read, but If-Match (and 412) after a write', () => {
    const etag: WireHeader[] = [['ETag', '"v2"']];
    expect(diagnose(exchange('GET', 200, 'OK', etag)).summary).toMatch(/If-None-Match: "v2".*304/);
    for (const method of ['PUT', 'PATCH']) {
      const summary = diagnose(exchange(method, 200, 'OK', etag)).summary;
      expect(summary).toMatch(/If-Match: "v2".*412/);
      expect(summary).not.toMatch(/If-None-Match|304/);
    }
  });

  it.each(['/api/books/', '/api/books/1/'])('explains the 308 of %s as the canonical URL without the slash', (url) => {
    const location = url.replace(/\/$/, '');
    const d = diagnose(at(url, exchange('GET', 308, 'Permanent Redirect', [['Location', location]])));
    expect(d.summary).toMatch(new RegExp(`ends in a slash.*${location.replaceAll('/', '\\/')} without it.*308 keeps the method`));
    expect(d.fixes).toEqual([{ label: 'Follow redirects', fix: { kind: 'follow-redirects' } }]);
  });

  it('explains an exchange that got no response', () => {
    const e: Exchange = { ...exchange('GET', 200, '', []), response: null, error: { code: 'ECONNRESET', message: 'The server closed the connection.' } };
    expect(diagnose(e).summary).toBe('No response: The server closed the connection.');
  });

  it('points a timeout at the Timeout box: the limit is the client’s own', () => {
    const message = 'The server took the request but sent no response within 1000 ms, so the sandbox stopped waiting (timeout).';
    const e: Exchange = { ...exchange('GET', 200, '', []), response: null, error: { code: 'UND_ERR_HEADERS_TIMEOUT', message } };
    expect(diagnose(e).summary).toBe(`No response: ${message} That limit is your client's own choice — the Timeout box next to Follow redirects. If the server is only slow, raise it and send again.`);
  });
});

describe('diagnose a refusal that says when to come back', () => {
  it('points at Retry-After on a 429 problem, and keeps its detail', () => {
    const body = JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Wait 3 seconds (Retry-After).' });
    const d = diagnose(exchange('GET', 429, 'Too Many Requests', [['content-type', 'application/problem+json'], ['retry-after', '3']], body));
    expect(d.summary).toBe('Wait 3 seconds (Retry-After).');
    expect(d.responseHeaders).toEqual(['retry-after']);
  });
});
