import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from '../../../vite.config';
import { call, startServer, type TestServer } from '../../helpers/server';

/** A built client as Vite leaves it: index.html, a hashed script big enough to compress, and the copies. */
function builtClient(): { dir: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), 'client-'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>t</title><div id="root"></div>${'<!-- padding -->'.repeat(100)}`);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  const script = Array.from({ length: 400 }, (_, i) => `export const value${i} = ${JSON.stringify(`line ${i}`)};`).join('\n');
  writeFileSync(join(dir, 'assets', 'big-def456.js'), script);
  writeFileSync(join(dir, 'logo.png'), Buffer.alloc(4_000, 7));
  const plugin = precompress() as unknown as { configResolved(config: object): void; closeBundle(): void };
  plugin.configResolved({ root: dir, build: { outDir: dir, ssr: false } });
  plugin.closeBundle();
  return { dir, script };
}

describe('the app pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ clientDir: builtClient().dir });
  });
  afterAll(() => server.close());

  it('serves index.html at / and gives a first-time visitor a private sandbox cookie', async () => {
    const response = await call(server, '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(String(response.headers['set-cookie'])).toMatch(/^sandbox=[a-z2-9]{12}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
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

  it('revalidates index.html: no-cache, and 304 when its ETag still matches', async () => {
    const first = await call(server, '/', { headers: { cookie: 'sandbox=maya' } });
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers.etag);
    expect(etag).not.toBe('undefined');
    const again = await call(server, '/', { headers: { cookie: 'sandbox=maya', 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('does not put page security headers on API responses', async () => {
    const response = await call(server, '/api/books');
    expect(response.headers['content-security-policy']).toBeUndefined();
  });
});

describe('compressed assets', () => {
  let server: TestServer;
  let client: { dir: string; script: string };
  beforeAll(async () => {
    client = builtClient();
    server = await startServer({ clientDir: client.dir });
  });
  afterAll(() => server.close());

  /** The raw bytes on the wire (undici's request does not decode Content-Encoding). */
  async function fetchRaw(path: string, acceptEncoding?: string) {
    const response = await request(`${server.origin}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });
    return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
  }

  it('the build writes a .br and a .gz copy of each text file worth compressing, and none of images or tiny files', () => {
    const assets = join(client.dir, 'assets');
    expect(brotliDecompressSync(readFileSync(join(assets, 'big-def456.js.br'))).toString()).toBe(client.script);
    expect(gunzipSync(readFileSync(join(assets, 'big-def456.js.gz'))).toString()).toBe(client.script);
    expect(existsSync(join(client.dir, 'index.html.br'))).toBe(true);
    expect(existsSync(join(assets, 'app-abc123.js.br'))).toBe(false);
    expect(existsSync(join(client.dir, 'logo.png.br'))).toBe(false);
  });

  it.each([
    ['br, gzip', 'br', brotliDecompressSync],
    ['gzip, deflate', 'gzip', gunzipSync],
    ['gzip;q=1, br;q=0.5', 'gzip', gunzipSync],
  ] as const)('Accept-Encoding: %s gets the %s copy, immutable for a year, with Vary', async (accept, encoding, decode) => {
    const response = await fetchRaw('/assets/big-def456.js', accept);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding);
    expect(response.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.body.length).toBeLessThan(client.script.length / 3);
    expect(decode(response.body).toString()).toBe(client.script);
  });

  it('a client that accepts no compression gets the file as it is', async () => {
    for (const accept of [undefined, 'identity']) {
      const response = await fetchRaw('/assets/big-def456.js', accept);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.body.toString()).toBe(client.script);
      expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
    }
  });

  it('the page itself comes compressed too, still revalidated', async () => {
    const response = await fetchRaw('/lessons', 'br');
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(response.body).toString()).toMatch(/^<!doctype html>/);
  });

  it('files without a compressed copy are sent as they are', async () => {
    const response = await fetchRaw('/logo.png', 'br, gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body.length).toBe(4_000);
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
