import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';

describe('the app pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    server = await startServer({ clientDir: dir });
  });
  afterAll(() => server.close());

  it('serves index.html at / and gives a first-time visitor a private sandbox cookie', async () => {
    const response = await call(server, '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(String(response.headers['set-cookie'])).toMatch(/^sandbox=[a-z2-9]{12}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('keeps the sandbox cookie a visitor already has', async () => {
    const response = await call(server, '/', { headers: { cookie: 'sandbox=maya' } });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it.each(['/', '/lessons', '/lessons/caching/4', '/room/ABCD', '/assets/app-abc123.js'])(
    'sends a strict Content-Security-Policy and friends on %s',
    async (path) => {
      const response = await call(server, path);
      expect(response.status).toBe(200);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    },
  );

  it('caches hashed assets for a year', async () => {
    const response = await call(server, '/assets/app-abc123.js');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('does not put page security headers on API responses', async () => {
    const response = await call(server, '/api/books');
    expect(response.headers['content-security-policy']).toBeUndefined();
  });
});

describe('without a built client', () => {
  it('answers / with 503 and says how to build it', async () => {
    const server = await startServer();
    const response = await call(server, '/');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.detail).toMatch(/npm run build/);
    await server.close();
  });
});
