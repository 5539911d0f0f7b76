// Every trick for reaching an address the sandbox must not dial, refused before any connection, with the
// reason in the problem body. The injected dialler only ever opens loopback sockets and records any other
// request as a violation (checked after every test); the injected DNS answers with crafted addresses.
// No test here can reach a real host.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app';
import type { Transcript } from '../../../server/protocol/api-types';
import { call, type TestServer } from '../../helpers/server';
import { guardedNetwork, startRawServer, type RawServer } from './loopback';

const network = guardedNetwork();
/** A made-up public address; the guarded dialler answers it from the raw loopback server. */
const PUBLIC = '93.184.216.34';

let server: TestServer;
let port: number;
let raw: RawServer;

beforeAll(async () => {
  raw = await startRawServer((path, socket) => {
    if (path === '/to-private') {
      socket.end('HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/admin\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nfrom public');
  });
  network.standIns.set(PUBLIC, { port: raw.port });
  const answers: [string, string[]][] = [
    ['allowed.example', ['169.254.169.254']],
    ['intranet.example', ['10.1.2.3']],
    ['loop.example', ['127.0.0.1']],
    ['mapped.example', ['::ffff:127.0.0.1']],
    ['v6loop.example', ['::1']],
    ['zero.example', ['0.0.0.0']],
    ['ula.example', ['fd12:3456::1']],
    ['mixed.example', [PUBLIC, '192.168.1.1']],
    ['nat64.example', ['64:ff9b::a9fe:a9fe']],
    ['nat64-local.example', ['64:ff9b:1::7f00:1']],
    ['sixtofour.example', ['2002:7f00:1::1']],
    ['siit.example', ['::ffff:0:a00:1']],
    ['cgnat.example', ['100.100.100.200']],
    ['nothing.example', []],
    ['public.example', [PUBLIC]],
    ['localhost', ['127.0.0.1']],
  ];
  for (const [name, addresses] of answers) network.dns.set(name, addresses);

  const app = await buildApp({
    send: { lookup: network.lookup, dial: network.dial },
    allowOrigins: [
      ...answers.map(([name]) => `http://${name}`),
      'http://rebind.example',
      'http://169.254.169.254',
      raw.origin,
      `http://localhost:${raw.port}`,
    ],
  });
  // Test-only: redirects wherever the query says, as an attacker's page would.
  app.get('/test/redirect', async (request, reply) => reply.redirect((request.query as { to: string }).to, 302));
  app.get('/test/host', async (request) => ({ host: request.headers.host }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  server = { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
});
afterAll(async () => {
  await server.close();
  await raw.close();
});
afterEach(() => {
  expect(network.violations.splice(0)).toEqual([]);
});

const send = (url: string, extra: object = {}, headers: Record<string, string> = {}) =>
  call(server, '/app/send', { method: 'POST', headers, json: { method: 'GET', url, headers: [], ...extra } });

/** [trick, URL, the reason the problem body gives] */
const REFUSED: [string, string, string][] = [
  ['loopback, another port', 'http://127.0.0.1:22/', 'loopback'],
  ['localhost, another port', 'http://localhost:6379/', 'loopback'],
  ['localhost with a trailing dot', 'http://localhost.:6379/', 'loopback'],
  ['a *.localhost name', 'http://admin.localhost/', 'loopback'],
  ['another 127/8 address', 'http://127.1.2.3/', 'loopback'],
  ['decimal IPv4', 'http://2130706433/', 'loopback'],
  ['hex IPv4', 'http://0x7f000001/', 'loopback'],
  ['dotted hex IPv4', 'http://0x7f.0x0.0x0.0x1/', 'loopback'],
  ['dotted octal IPv4', 'http://0177.0.0.1/', 'loopback'],
  ['octal IPv4 in one number', 'http://017700000001/', 'loopback'],
  ['zero-padded IPv4', 'http://127.000.000.001/', 'loopback'],
  ['short IPv4 (127.1)', 'http://127.1/', 'loopback'],
  ['full-width digits', 'http://１２７.０.０.１/', 'loopback'],
  ['ideographic full stops', 'http://127。0。0。1/', 'loopback'],
  ['IPv6 loopback', 'http://[::1]:9/', 'loopback'],
  ['IPv6 loopback written out', 'http://[0:0:0:0:0:0:0:1]/', 'loopback'],
  ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/', 'loopback'],
  ['IPv4-mapped IPv6 in hex', 'http://[::ffff:7f00:1]/', 'loopback'],
  ['IPv4-compatible IPv6', 'http://[::127.0.0.1]/', 'loopback'],
  ['NAT64 IPv6', 'http://[64:ff9b::7f00:1]/', 'loopback'],
  ['0.0.0.0', 'http://0.0.0.0/', 'unspecified'],
  ['0 (the short 0.0.0.0)', 'http://0/', 'unspecified'],
  ['IPv6 unspecified', 'http://[::]/', 'unspecified'],
  ['private 10/8', 'http://10.0.0.1/', 'private'],
  ['private 172.16/12', 'http://172.16.5.4/', 'private'],
  ['private 192.168/16', 'http://192.168.0.1/', 'private'],
  ['decimal private', 'http://3232235521/', 'private'],
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
  ['hex cloud metadata', 'http://0xa9fea9fe/', 'link-local'],
  ['IPv4-mapped cloud metadata', 'http://[::ffff:169.254.169.254]/', 'link-local'],
  ['NAT64 cloud metadata', 'http://[64:ff9b::a9fe:a9fe]/', 'link-local'],
  ['IPv6 link-local', 'http://[fe80::1]/', 'link-local'],
  ['IPv6 unique-local', 'http://[fd00::1]/', 'unique-local'],
  ['IPv6 site-local', 'http://[fec0::1]/', 'private'],
  ['6to4 wrapping a private address', 'http://[2002:c0a8:101::1]/', 'private'],
  ['6to4 wrapping loopback', 'http://[2002:7f00:1::]/', 'loopback'],
  ['local-use NAT64 (/96 layout) wrapping loopback', 'http://[64:ff9b:1::7f00:1]/', 'loopback'],
  ['local-use NAT64 (/48 layout) wrapping cloud metadata', 'http://[64:ff9b:1:a9fe:a9:fe00::]/', 'link-local'],
  ['IPv4-translated wrapping a private address', 'http://[::ffff:0:a00:1]/', 'private'],
  ['Teredo carrying loopback', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'loopback'],
  ['carrier-grade NAT', 'http://100.64.0.1/', 'carrier-nat'],
  ['multicast', 'http://224.0.0.1/', 'multicast'],
  ['IPv6 multicast', 'http://[ff02::1]/', 'multicast'],
  ['broadcast', 'http://255.255.255.255/', 'reserved'],
  ['a public address not allowlisted', `http://${PUBLIC}/`, 'not-allowlisted'],
  ['a name not allowlisted', 'http://evil.example/', 'not-allowlisted'],
  ['an allowlisted name on another port', 'http://public.example:8080/', 'not-allowlisted'],
  ['credentials in the URL', `http://user:pass@127.0.0.1:1/`, 'credentials-in-url'],
  ['file: scheme', 'file:///etc/passwd', 'scheme'],
  ['gopher: scheme', 'gopher://127.0.0.1:25/', 'scheme'],
  // Allowlisted names whose DNS answer points inside: judged on the answer, right before connecting.
  ['allowlisted name, DNS says cloud metadata', 'http://allowed.example/', 'link-local'],
  ['allowlisted name, DNS says private', 'http://intranet.example/', 'private'],
  ['allowlisted name, DNS says loopback', 'http://loop.example/', 'loopback'],
  ['allowlisted name, DNS says IPv4-mapped loopback', 'http://mapped.example/', 'loopback'],
  ['allowlisted name, DNS says IPv6 loopback', 'http://v6loop.example/', 'loopback'],
  ['allowlisted name, DNS says 0.0.0.0', 'http://zero.example/', 'unspecified'],
  ['allowlisted name, DNS says unique-local', 'http://ula.example/', 'unique-local'],
  ['allowlisted name, one public and one private answer', 'http://mixed.example/', 'private'],
  ['allowlisted name, DNS says NAT64 metadata', 'http://nat64.example/', 'link-local'],
  ['allowlisted name, DNS says local-use NAT64 loopback', 'http://nat64-local.example/', 'loopback'],
  ['allowlisted name, DNS says 6to4 loopback', 'http://sixtofour.example/', 'loopback'],
  ['allowlisted name, DNS says IPv4-translated private', 'http://siit.example/', 'private'],
  ['allowlisted name, DNS says carrier NAT (a cloud metadata range)', 'http://cgnat.example/', 'carrier-nat'],
  ['allowlisted name, DNS has no answer', 'http://nothing.example/', 'no-address'],
  ['the metadata address, even allowlisted', 'http://169.254.169.254/', 'link-local'],
];

describe('POST /app/send refuses targets it must not reach, before connecting', () => {
  it.each(REFUSED)('%s: %s → 403 (%s)', async (_trick, url, reason) => {
    const before = network.dialled.length;
    const response = await send(url);
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json.type).toBe('/problems/target-refused');
    expect(response.json.reason).toBe(reason);
    expect(response.json.detail.length).toBeGreaterThan(40);
    expect(network.dialled.slice(before)).toEqual([]);
  });

  it('refuses a name that is not allowlisted without asking DNS about it', async () => {
    await send('http://not-asked.example/');
    expect(network.questions).not.toContain('not-asked.example');
  });

  it('refuses with 400, not 403, a URL that is not a URL, saying how to write one', async () => {
    const response = await send('http://[fe80::1%25eth0]/');
    expect(response.status).toBe(400);
    expect(response.json.detail).toMatch(/is not a URL/);
  });
});

/** [where the redirect points, what the refusal mentions] */
const REDIRECTS: [string, RegExp][] = [
  ['http://169.254.169.254/latest/meta-data/', /link-local/],
  ['http://127.0.0.1:22/', /loopback/],
  ['http://2130706433:22/', /loopback/],
  ['http://[::ffff:a9fe:a9fe]/', /link-local/],
  ['http://10.0.0.1/', /private/],
  ['http://allowed.example/', /resolves to 169\.254\.169\.254/],
  ['http://intranet.example/', /resolves to 10\.1\.2\.3/],
  ['http://evil.example/', /only sends requests to itself/],
  ['file:///etc/passwd', /Only http: and https:/],
];

describe('redirects are checked hop by hop', () => {
  it.each(REDIRECTS)('a redirect to %s is not followed, and the transcript says why', async (to, why) => {
    const before = network.dialled.length;
    const response = await send(`/test/redirect?to=${encodeURIComponent(to)}`, { options: { followRedirects: true } });
    expect(response.status).toBe(200);
    const transcript = response.json as Transcript;
    expect(transcript.exchanges).toHaveLength(1);
    expect(transcript.exchanges[0]!.response!.status).toBe(302);
    expect(transcript.exchanges[0]!.error!.code).toBe('REDIRECT_REFUSED');
    expect(transcript.exchanges[0]!.error!.message).toMatch(why);
    // Only our own loopback socket was dialled, for the first hop.
    expect(network.dialled.slice(before)).toEqual([`127.0.0.1:${port}`]);
  });

  it('an allowlisted public host that redirects into the private network is not followed', async () => {
    const response = await send('http://public.example/to-private', { options: { followRedirects: true } });
    const transcript = response.json as Transcript;
    expect(transcript.exchanges.map((e) => e.response?.status)).toEqual([302]);
    expect(transcript.exchanges[0]!.error).toMatchObject({ code: 'REDIRECT_REFUSED', message: expect.stringMatching(/10\.0\.0\.1.*private/) });
  });
});

describe('DNS is asked once per hop, and the checked answer is the address dialled', () => {
  it('a name whose answer changes after the check (DNS rebinding) cannot win', async () => {
    let asked = 0;
    // First answer public, every later one loopback: a client that looked up twice (check, then connect) would dial 127.0.0.1.
    network.dns.set('rebind.example', () => (asked++ === 0 ? [PUBLIC] : ['127.0.0.1']));
    const before = { dialled: network.dialled.length, questions: network.questions.length };
    const first = await send('http://rebind.example/');
    expect(first.status).toBe(200);
    expect((first.json as Transcript).exchanges[0]!.response!.body!.data).toBe('from public');
    expect(network.questions.slice(before.questions)).toEqual(['rebind.example']);
    expect(network.dialled.slice(before.dialled)).toEqual([`${PUBLIC}:80`]);

    const second = await send('http://rebind.example/');
    expect(second.status).toBe(403);
    expect(second.json.reason).toBe('loopback');
    expect(network.dialled.slice(before.dialled)).toEqual([`${PUBLIC}:80`]);
  });

  it('reports the DNS time of an allowlisted name', async () => {
    const transcript = (await send('http://public.example/')).json as Transcript;
    expect(transcript.exchanges[0]!.timings.dnsMs).toBeGreaterThanOrEqual(0);
  });
});

describe('what is allowed', () => {
  it.each([
    ['a path on this sandbox', () => '/api/books/1'],
    ['this sandbox by localhost', () => `http://localhost:${port}/api/books/1`],
    ['this sandbox by decimal address', () => `http://2130706433:${port}/api/books/1`],
  ])('%s is sent to our own listening socket only', async (_what, url) => {
    const before = network.dialled.length;
    const response = await send(url());
    expect(response.status).toBe(200);
    expect((response.json as Transcript).exchanges[0]!.response!.status).toBe(200);
    expect(network.dialled.slice(before)).toEqual([`127.0.0.1:${port}`]);
  });

  it('a learner may write any Host header; the connection still goes to our own socket', async () => {
    const before = network.dialled.length;
    const response = await send('/test/host', { headers: [['Host', '169.254.169.254']] });
    const exchange = (response.json as Transcript).exchanges[0]!;
    expect(JSON.parse(exchange.response!.body!.data)).toEqual({ host: '169.254.169.254' });
    expect(exchange.request.raw).toMatch(/^GET \/test\/host HTTP\/1\.1\r\nhost: 169\.254\.169\.254\r\n/);
    expect(network.dialled.slice(before)).toEqual([`127.0.0.1:${port}`]);
  });

  it('a forged Host on the call to /app/send only changes what counts as "this sandbox", never where it dials', async () => {
    const before = network.dialled.length;
    const response = await send('http://169.254.169.254/', {}, { host: '169.254.169.254' });
    expect(response.status).toBe(200);
    expect(network.dialled.slice(before)).toEqual([`127.0.0.1:${port}`]);
  });

  it('a Host on the call to /app/send that is not a host name falls back to the loopback name', async () => {
    const response = await send('/api/books/1', {}, { host: 'not a host' });
    expect((response.json as Transcript).exchanges[0]!.request.url).toBe(`http://127.0.0.1:${port}/api/books/1`);
  });

  it.each([
    ['an origin the operator listed by its loopback address', () => `${raw.origin}/x`, () => `127.0.0.1:${raw.port}`],
    ['an origin the operator listed as localhost', () => `http://localhost:${raw.port}/x`, () => `127.0.0.1:${raw.port}`],
    ['an allowlisted name with a public address', () => 'http://public.example/x', () => `${PUBLIC}:80`],
  ])('%s is sent', async (_what, url, dialled) => {
    const before = network.dialled.length;
    const response = await send(url());
    expect(response.status).toBe(200);
    expect((response.json as Transcript).exchanges[0]!.response!.body!.data).toBe('from public');
    expect(network.dialled.slice(before)).toEqual([dialled()]);
  });
});
