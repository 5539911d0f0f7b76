// The course endpoints over real sockets: a real rate limit, an app behind a TLS-terminating proxy, a
// CORS policy, and a reverse proxy with a shared cache in front of this same server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COURSE_LIMITS } from '../../../server/echo/limits';
import { sharedLifetime } from '../../../server/echo/caching';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const as = (learner: string, extra: Record<string, string> = {}) => ({ headers: { cookie: `sandbox=${learner}`, ...extra } });

describe('/limited', () => {
  it(`allows ${COURSE_LIMITS.rateLimitRequests} requests per window, then 429 with Retry-After and RateLimit fields`, async () => {
    for (let i = 1; i <= COURSE_LIMITS.rateLimitRequests; i += 1) {
      const ok = await call(server, '/limited', as('limit-a'));
      expect(ok.status).toBe(200);
      expect(ok.headers.ratelimit).toMatch(new RegExp(`r=${COURSE_LIMITS.rateLimitRequests - i};t=\\d`));
    }
    const refused = await call(server, '/limited', as('limit-a'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(COURSE_LIMITS.rateLimitWindowSeconds);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.json.detail).toMatch(/Retry-After/);
  });

  it('counts each learner on their own', async () => {
    for (let i = 0; i <= COURSE_LIMITS.rateLimitRequests; i += 1) await call(server, '/limited', as('limit-b'));
    expect((await call(server, '/limited', as('limit-c'))).status).toBe(200);
  });

  it('lets the learner in again after waiting Retry-After seconds', async () => {
    for (let i = 0; i < COURSE_LIMITS.rateLimitRequests; i += 1) await call(server, '/limited', as('limit-d'));
    const refused = await call(server, '/limited', as('limit-d'));
    expect(refused.status).toBe(429);
    // The clock moves instead of the test sleeping: only Date is faked, so sockets and timers run as ever.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      vi.setSystemTime(Date.now() + Number(refused.headers['retry-after']) * 1000);
      expect((await call(server, '/limited', as('limit-d'))).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('/https-only', () => {
  it('redirects a plain http request to https with 308, and sends no HSTS over http', async () => {
    const response = await call(server, '/https-only?a=1');
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe(`https://${new URL(server.origin).host}/https-only?a=1`);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it.each([
    ['X-Forwarded-Proto', 'https'],
    ['Forwarded', 'for=192.0.2.1;proto=https'],
  ])('trusts %s: %s from the proxy, answering with HSTS and a Secure cookie', async (name, value) => {
    const response = await call(server, '/https-only', { headers: { [name]: value } });
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(response.headers['set-cookie']).toMatch(/; Secure/);
  });
});

describe('/cors', () => {
  it('answers a preflight from an allowed origin with the allowed methods, headers and max-age', async () => {
    const response = await call(server, '/cors', { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'PATCH' } });
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': 'http://app.example', 'access-control-allow-methods': 'GET, POST, PATCH, DELETE', 'access-control-max-age': '600', vary: 'Origin' });
  });

  it('answers another origin without Access-Control-Allow-Origin — but answers it', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const response = await call(server, '/cors', { method, headers: { origin: 'http://evil.example', 'access-control-request-method': 'PATCH' } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-methods']).toBeUndefined();
    }
    const simple = await call(server, '/cors', { headers: { origin: 'http://evil.example' } });
    expect(simple.status).toBe(200);
    expect(simple.json.allowed).toBe(false);
  });
});

describe('/proxy', () => {
  it('forwards to the server behind it with Via, Forwarded and X-Forwarded-For, and adds Via to the answer', async () => {
    const response = await call(server, '/proxy/get?x=1', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(200);
    expect(response.headers.via).toBe('1.1 sandbox-proxy');
    expect(response.json.args).toEqual({ x: '1' });
    expect(response.json.headers.Via).toBe('1.1 sandbox-proxy');
    expect(response.json.headers['X-Forwarded-For']).toBe('203.0.113.9, 127.0.0.1');
    expect(response.json.headers.Forwarded).toMatch(/^for=127\.0\.0\.1;proto=http;host=/);
  });

  it('answers 502 when the server behind it hangs up, and 504 when it is too slow', async () => {
    const bad = await call(server, '/proxy/error/close');
    expect(bad.status).toBe(502);
    expect(bad.json.title).toBe('Bad Gateway');
    const slow = await call(server, `/proxy/delay/${COURSE_LIMITS.gatewayTimeoutMs / 1000 + 1}`);
    expect(slow.status).toBe(504);
    expect(slow.headers.via).toBe('1.1 sandbox-proxy');
  }, 10_000);

  it('keeps a public answer in its shared cache: MISS, then HIT with Age', async () => {
    const first = await call(server, '/proxy/cache/60', as('proxy-a'));
    const second = await call(server, '/proxy/cache/60', as('proxy-a'));
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(first.headers.age).toBeUndefined();
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
    // Another learner's copy is their own.
    expect((await call(server, '/proxy/cache/60', as('proxy-b'))).headers['x-cache']).toBe('MISS');
  });

  it('never stores private or no-store answers, and never loops', async () => {
    for (let i = 0; i < 2; i += 1) expect((await call(server, '/proxy/api/books/1', as('proxy-c'))).headers['x-cache']).toBe('MISS');
    expect((await call(server, '/proxy/proxy/get')).status).toBe(400);
  });

  it.each<[string, string, number, string | undefined, boolean, boolean, number | undefined]>([
    ['max-age', 'GET', 200, 'public, max-age=60', false, false, 60],
    ['s-maxage before max-age', 'GET', 200, 'max-age=0, s-maxage=30', false, false, 30],
    ['private', 'GET', 200, 'private, max-age=60', false, false, undefined],
    ['no-store', 'GET', 200, 'no-store', false, false, undefined],
    ['no-cache', 'GET', 200, 'no-cache, max-age=60', false, false, undefined],
    ['no explicit freshness', 'GET', 200, undefined, false, false, undefined],
    ['with Authorization, not public', 'GET', 200, 'max-age=60', true, false, undefined],
    ['with Authorization and public', 'GET', 200, 'public, max-age=60', true, false, 60],
    ['a POST', 'POST', 200, 'public, max-age=60', false, false, undefined],
    ['a 404', 'GET', 404, 'public, max-age=60', false, false, undefined],
    ['with Set-Cookie', 'GET', 200, 'public, max-age=60', false, true, undefined],
  ])('shared lifetime: %s', (_name, method, status, cacheControl, auth, cookie, lifetime) => {
    expect(sharedLifetime(method, status, cacheControl, auth, cookie)).toBe(lifetime);
  });
});
