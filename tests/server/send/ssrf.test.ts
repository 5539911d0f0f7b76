// Every trick for reaching an address the sandbox must not dial, refused before any connection.
// The injected dialler fails the test if asked for anything outside 127.0.0.0/8 or ::1, and the
// injected DNS answers with crafted addresses: no test here can reach a real host.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dial, Lookup } from '../../../server/send/wire-connector';
import { classifyAddress } from '../../../server/send/address-policy';
import { buildApp } from '../../../server/app';
import { call, type TestServer } from '../../helpers/server';

const dialled: string[] = [];
const loopbackOnlyDial: Dial = ({ host, port }) => {
  dialled.push(`${host}:${port}`);
  if (!/^127\./.test(host) && host !== '::1') throw new Error(`TEST FAILURE: tried to dial ${host}`);
  return connect({ host, port }) as Socket;
};

/** Crafted DNS: names map to the addresses an attacker would choose. */
const DNS: Record<string, string[]> = {
  'evil.example': ['127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'private.example': ['10.1.2.3'],
  'mixed.example': ['93.184.216.34', '192.168.1.1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'allowed.example': ['169.254.169.254'],
};
const craftedLookup: Lookup = async (hostname) => (DNS[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

let server: TestServer;
beforeAll(async () => {
  const app = await buildApp({ send: { lookup: craftedLookup, dial: loopbackOnlyDial }, allowOrigins: ['http://allowed.example'] });
  // Test-only routes that redirect where an attacker would like the sandbox to go.
  app.get('/test/to-metadata', async (_request, reply) => reply.redirect('http://169.254.169.254/latest/meta-data/', 302));
  app.get('/test/to-rebinding', async (_request, reply) => reply.redirect('http://allowed.example/', 307));
  await app.listen({ host: '127.0.0.1', port: 0 });
  server = { app, origin: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: () => app.close() };
});
afterAll(() => server.close());

const send = (url: string, extra: object = {}) =>
  call(server, '/app/send', { method: 'POST', json: { method: 'GET', url, headers: [], ...extra } });

// [trick, URL, reason expected in the problem]
const REFUSED: [string, string, string][] = [
  ['loopback other port', 'http://127.0.0.1:22/', 'loopback'],
  ['localhost other port', 'http://localhost:6379/', 'not-allowlisted'],
  ['loopback other 127/8 address', 'http://127.1.2.3/', 'loopback'],
  ['decimal loopback', 'http://2130706433/', 'loopback'],
  ['hex loopback', 'http://0x7f000001/', 'loopback'],
  ['dotted hex loopback', 'http://0x7f.0.0.1/', 'loopback'],
  ['octal loopback', 'http://0177.0.0.1/', 'loopback'],
  ['short loopback', 'http://127.1/', 'loopback'],
  ['IPv6 loopback', 'http://[::1]:9/', 'loopback'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/', 'loopback'],
  ['IPv4-mapped IPv6 hex form', 'http://[::ffff:7f00:1]/', 'loopback'],
  ['unspecified 0.0.0.0', 'http://0.0.0.0/', 'unspecified'],
  ['unspecified 0', 'http://0/', 'unspecified'],
  ['IPv6 unspecified', 'http://[::]/', 'unspecified'],
  ['private 10/8', 'http://10.0.0.1/', 'private'],
  ['private 172.16/12', 'http://172.16.5.4/', 'private'],
  ['private 192.168/16', 'http://192.168.0.1/', 'private'],
  ['decimal private', 'http://3232235521/', 'private'],
  ['link-local metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
  ['hex metadata', 'http://0xa9fea9fe/', 'link-local'],
  ['IPv6-mapped metadata', 'http://[::ffff:169.254.169.254]/', 'link-local'],
  ['IPv6 link-local', 'http://[fe80::1]/', 'link-local'],
  ['IPv6 unique-local', 'http://[fd00::1]/', 'unique-local'],
  ['NAT64 loopback', 'http://[64:ff9b::7f00:1]/', 'loopback'],
  ['6to4 private', 'http://[2002:c0a8:0101::1]/', 'private'],
  ['carrier-grade NAT', 'http://100.64.0.1/', 'carrier-nat'],
  ['multicast', 'http://224.0.0.1/', 'multicast'],
  ['broadcast', 'http://255.255.255.255/', 'reserved'],
  ['DNS name resolving to loopback', 'http://evil.example/', 'not-allowlisted'],
  ['DNS name resolving to metadata', 'http://metadata.example/', 'not-allowlisted'],
  ['public IP, not allowlisted', 'http://93.184.216.34/', 'not-allowlisted'],
  ['credentials in the URL', 'http://user:pass@localhost/', 'credentials-in-url'],
  ['file scheme', 'file:///etc/passwd', 'scheme'],
  ['gopher scheme', 'gopher://127.0.0.1:25/', 'scheme'],
  ['allowlisted name whose DNS now says metadata (rebinding)', 'http://allowed.example/', 'link-local'],
];

describe('the send endpoint refuses targets it must not reach', () => {
  it.each(REFUSED)('%s: %s', async (_trick, url, reason) => {
    const before = dialled.length;
    const response = await send(url);
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.type).toBe('/problems/target-refused');
    expect(response.json.reason).toBe(reason);
    expect(response.json.detail.length).toBeGreaterThan(40);
    expect(dialled.length).toBe(before);
  });

  it.each([
    ['a link-local address', '/test/to-metadata', /link-local/],
    ['a name whose DNS says link-local', '/test/to-rebinding', /resolves to 169\.254\.169\.254/],
  ])('does not follow a redirect to %s, and says so in the transcript', async (_what, path, message) => {
    const before = dialled.length;
    const response = await send(path, { options: { followRedirects: true } });
    expect(response.status).toBe(200);
    expect(response.json.exchanges).toHaveLength(1);
    expect(response.json.exchanges[0].error.code).toBe('REDIRECT_REFUSED');
    expect(response.json.exchanges[0].error.message).toMatch(message);
    // Only our own loopback socket was dialled (for the first hop).
    expect(dialled.slice(before)).toEqual([`127.0.0.1:${new URL(server.origin).port}`]);
  });

  it('sends to itself by path, dialling only its own loopback socket', async () => {
    const before = dialled.length;
    const response = await send('/api/books/1');
    expect(response.status).toBe(200);
    expect(response.json.exchanges[0].response.status).toBe(200);
    expect(dialled.slice(before)).toEqual([`127.0.0.1:${new URL(server.origin).port}`]);
  });
});

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['2001:db8::1', 'documentation'],
    ['2606:4700::1111', 'public'],
    ['fe80::abcd%eth0', 'link-local'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});
