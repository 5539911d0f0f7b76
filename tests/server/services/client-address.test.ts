// Behind a reverse proxy (TRUST_PROXY): the client's address, scheme and host come from Forwarded or
// X-Forwarded-* only when the socket's peer is a proxy the operator named. The proxy is another loopback
// address (127.0.0.2), a stranger 127.0.0.3; both send the same forged headers, and only the proxy's count.
import { afterEach, describe, expect, it } from 'vitest';
import { parseForwarded, parseProxyTrust, resolveClient } from '../../../server/services/client-address';
import { ConfigError, readConfig } from '../../../server/config';
import { otherAddresses, call, startServer, type RequestOptions, type TestServer } from '../../helpers/server';
import { SseStream } from '../classroom/sse-client';

const PROXY = '127.0.0.2';
const STRANGER = '127.0.0.3';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
/** Requests from another loopback address, as another network would send them. */
const from = otherAddresses();

const HTTPS_CLIENT = { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'course.example.org' };

describe('resolveClient (the rules, without a server)', () => {
  const peer = (address: string) => ({ address, encrypted: false, host: 'backend:3000' });
  const trusted = parseProxyTrust(['10.0.0.0/8']);

  it.each([
    ['no proxy trusted', parseProxyTrust([]), '10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, '10.0.0.1'],
    ['an untrusted peer', trusted, '192.0.2.1', { 'x-forwarded-for': '1.2.3.4' }, '192.0.2.1'],
    ['a trusted peer', trusted, '10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, '1.2.3.4'],
    ['a forged entry left of the real client', trusted, '10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' }, '1.2.3.4'],
    ['two trusted proxies in a row', trusted, '10.0.0.1', { 'x-forwarded-for': '1.2.3.4, 10.0.0.9' }, '1.2.3.4'],
    ['a hop count of 1', parseProxyTrust(['1']), '192.0.2.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4' }, '1.2.3.4'],
    ['a hop count of 2', parseProxyTrust(['2']), '192.0.2.1', { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 5.5.5.5' }, '1.2.3.4'],
    ['Forwarded before X-Forwarded-For', trusted, '10.0.0.1', { forwarded: 'for=1.2.3.4', 'x-forwarded-for': '6.6.6.6' }, '1.2.3.4'],
    ['Forwarded with an IPv6 node and port', trusted, '10.0.0.1', { forwarded: 'for="[2001:db8::17]:4711"' }, '2001:db8::17'],
    ['an obfuscated node (the proxy stands for the client)', trusted, '10.0.0.1', { forwarded: 'for=_hidden' }, '10.0.0.1'],
    ['a Forwarded field that does not parse', trusted, '10.0.0.1', { forwarded: 'for' }, '10.0.0.1'],
    ['an IPv4-mapped trusted peer', trusted, '::ffff:10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, '1.2.3.4'],
  ])('%s → the client is %s', (_what, trust, address, headers, expected) => {
    expect(resolveClient(peer(address), headers, trust).address).toBe(expected);
  });

  it.each([
    ['X-Forwarded-Proto and -Host', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'course.example.org' }, 'https', 'course.example.org'],
    ['Forwarded proto and host', { forwarded: 'for=1.2.3.4;proto=https;host="course.example.org:8443"' }, 'https', 'course.example.org:8443'],
    ['the client hop’s own proto, not an inner hop’s', { forwarded: 'for=1.2.3.4;proto=https, for=10.0.0.9;proto=http' }, 'https', 'backend:3000'],
    ['a proto that is not http(s) and a host with a path', { forwarded: 'for=1.2.3.4;proto=gopher;host="evil/x"' }, 'http', 'backend:3000'],
  ])('%s → %s://%s', (_what, headers, proto, host) => {
    const view = resolveClient(peer('10.0.0.1'), headers, trusted);
    expect([view.proto, view.host]).toEqual([proto, host]);
  });

  it('reads Forwarded lists with quoted commas and semicolons (RFC 7239 §4)', () => {
    expect(parseForwarded('for="[2001:db8::1]";host="a,b;c", for=192.0.2.60;proto=http;by=203.0.113.43')).toEqual([
      { for: '2001:db8::1', host: 'a,b;c' },
      { for: '192.0.2.60', proto: 'http' },
    ]);
  });

  it.each([['0'], ['17'], ['10.0.0.0/33'], ['example.org'], ['1.2.3.4/8/9']])('refuses TRUST_PROXY=%s at start, naming it', (value) => {
    expect(() => readConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => readConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });
});

describe('behind a trusted proxy (TRUST_PROXY=127.0.0.2)', () => {
  it('GET /ip shows the client the proxy names, and the stranger’s own address however it forges the headers', async () => {
    server = await startServer({ trustProxy: [PROXY] });
    expect((await call(server, '/ip', from(PROXY, HTTPS_CLIENT))).json.origin).toBe('198.51.100.7');
    expect((await call(server, '/ip', from(PROXY, { forwarded: 'for=198.51.100.8;proto=https' }))).json.origin).toBe('198.51.100.8');
    expect((await call(server, '/ip', from(STRANGER, HTTPS_CLIENT))).json.origin).toBe(STRANGER);
    expect((await call(server, '/ip', from(STRANGER, { forwarded: 'for=198.51.100.8' }))).json.origin).toBe(STRANGER);
  });

  it('marks cookies Secure for a client on https at the proxy, and only then', async () => {
    server = await startServer({ trustProxy: [PROXY] });
    const login = (options: RequestOptions) => call(server!, '/api/session', { method: 'POST', json: { username: 'ada', password: 'lovelace' }, ...options });
    const viaProxy = await login(from(PROXY, HTTPS_CLIENT));
    expect(viaProxy.status).toBe(201);
    expect(String(viaProxy.headers['set-cookie'])).toMatch(/sid=[^;]+;.*; Secure/);
    const forged = await login(from(STRANGER, HTTPS_CLIENT));
    expect(forged.status).toBe(201);
    expect(String(forged.headers['set-cookie'])).not.toMatch(/Secure/);
    const sandbox = await call(server, '/api/sandbox', { method: 'POST', ...from(PROXY, HTTPS_CLIENT) });
    expect(String(sandbox.headers['set-cookie'])).toMatch(/^sandbox=[^;]+;.*; Secure(;|$)/);
  });

  it('accepts a cookie-authenticated change whose Origin is the public https origin, and refuses other origins', async () => {
    server = await startServer({ trustProxy: [PROXY] });
    const login = await call(server, '/api/session', { method: 'POST', json: { username: 'ada', password: 'lovelace' }, ...from(PROXY, HTTPS_CLIENT) });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const patch = (origin: string, who = PROXY) =>
      call(server!, '/api/books/1', { method: 'PATCH', json: { title: 'Renamed' }, ...from(who, { ...HTTPS_CLIENT, cookie, origin }) });
    expect((await patch('https://course.example.org')).status).toBe(200);
    const httpOrigin = await patch('http://course.example.org');
    expect(httpOrigin.status).toBe(403);
    expect(httpOrigin.json.detail).toMatch(/TRUST_PROXY/);
    expect((await patch('https://evil.example')).status).toBe(403);
    // The stranger's forged X-Forwarded-Host does not make its Origin this site.
    expect((await patch('https://course.example.org', STRANGER)).status).toBe(403);
  });

  it('counts rate limits per client behind the proxy, and a stranger’s forged addresses as one', async () => {
    server = await startServer({ trustProxy: [PROXY], loginFailuresPerMinute: 2 });
    const guess = (who: string, xff: string, i: number) =>
      call(server!, '/api/tokens', { method: 'POST', json: { username: 'ada', password: 'wrong' }, ...from(who, { 'x-forwarded-for': xff, cookie: `sandbox=g${i}`, 'x-sandbox': 'demo' }) });
    const proxied = [];
    for (let i = 0; i < 3; i += 1) proxied.push((await guess(PROXY, '198.51.100.7', i)).status);
    expect(proxied).toEqual([401, 401, 429]);
    expect((await guess(PROXY, '198.51.100.8', 9)).status).toBe(401);
    const forged = [];
    for (let i = 0; i < 3; i += 1) forged.push((await guess(STRANGER, `203.0.113.${i}`, 10 + i)).status);
    expect(forged).toEqual([401, 401, 429]);
  });

  it('does not cap the proxy’s own connections, but caps each client’s open requests (event streams count)', async () => {
    // The test's event-stream client dials from 127.0.0.1: that is the proxy here.
    server = await startServer({ trustProxy: ['127.0.0.1'], maxConnectionsPerClient: 2 });
    const inbox = (await call(server, '/app/inboxes', { method: 'POST' })).json;
    const stream = () => SseStream.open(server!.origin, `/app/inboxes/${inbox.id}/events`, { key: inbox.key, headers: { 'x-forwarded-for': '198.51.100.7' } });
    const held = [await stream(), await stream()];
    for (const s of held) await s.waitForComments(1);
    const ip = (client: string) => call(server!, '/ip', { headers: { 'x-forwarded-for': client } });
    const third = await ip('198.51.100.7');
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBeDefined();
    expect(third.json.detail).toMatch(/requests in progress/);
    // Another client behind the same proxy is served.
    expect((await ip('198.51.100.8')).status).toBe(200);
    // Once one of its streams has closed on the server, the client may open a request again.
    held[0]!.close();
    while (server.app.classroom.streams.size > 1) await new Promise((resolve) => setImmediate(resolve));
    expect((await ip('198.51.100.7')).status).toBe(200);
    held[1]!.close();
  });

  it('captures an inbox request under the client’s address, not the proxy’s', async () => {
    server = await startServer({ trustProxy: [PROXY] });
    const inbox = (await call(server, '/app/inboxes', { method: 'POST' })).json;
    await call(server, `/inbox/${inbox.id}`, from(PROXY, HTTPS_CLIENT));
    await call(server, `/inbox/${inbox.id}`, from(STRANGER, HTTPS_CLIENT));
    const captured = (await call(server, `/app/inboxes/${inbox.id}/requests`, { headers: { authorization: `Bearer ${inbox.key}` } })).json;
    expect(captured.requests.map((c: { remoteAddress: string }) => c.remoteAddress).sort()).toEqual(['127.0.0.3', '198.51.100.7']);
  });
});
