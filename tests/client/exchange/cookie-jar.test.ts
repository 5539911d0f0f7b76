import { describe, expect, it } from 'vitest';
import { cookieHeaderFor, parseSetCookie, storeCookies } from '../../../client/src/lib/cookie-jar';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const site = new URL('http://localhost:3000/api/session');

describe('cookie jar', () => {
  it('reads name, value, path, Max-Age and HttpOnly', () => {
    expect(parseSetCookie('sid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax', site.origin, '/api/session', NOW)).toEqual({
      name: 'sid',
      value: 'abc',
      origin: 'http://localhost:3000',
      path: '/',
      expiresAt: NOW + 60_000,
      httpOnly: true,
    });
  });

  it('uses the request directory as the default path (RFC 6265 §5.1.4)', () => {
    expect(parseSetCookie('a=1', site.origin, '/api/session', NOW)?.path).toBe('/api');
    expect(parseSetCookie('a=1', site.origin, '/x', NOW)?.path).toBe('/');
  });

  it('sends cookies back to the same origin and path only', () => {
    const jar = storeCookies([], ['sid=abc; Path=/', 'deep=1; Path=/api/books'], site, NOW);
    expect(cookieHeaderFor(jar, new URL('http://localhost:3000/api/books/1'), NOW)).toBe('deep=1; sid=abc');
    expect(cookieHeaderFor(jar, new URL('http://localhost:3000/api/booksx'), NOW)).toBe('sid=abc');
    expect(cookieHeaderFor(jar, new URL('http://127.0.0.1:3000/'), NOW)).toBeUndefined();
  });

  it('replaces a cookie of the same name and forgets it when Max-Age=0', () => {
    let jar = storeCookies([], ['sid=one; Path=/'], site, NOW);
    jar = storeCookies(jar, ['sid=two; Path=/'], site, NOW);
    expect(cookieHeaderFor(jar, site, NOW)).toBe('sid=two');
    jar = storeCookies(jar, ['sid=; Path=/; Max-Age=0'], site, NOW);
    expect(cookieHeaderFor(jar, site, NOW)).toBeUndefined();
  });
});
