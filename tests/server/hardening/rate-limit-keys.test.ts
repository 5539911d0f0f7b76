// Rate limits are keyed by what a client cannot mint: its address (the learner's own for requests the send
// endpoint makes, the proxy-reported one only behind a trusted proxy), with log-in failures counted per
// account per address. Each test performs the bypass the outside review used — a new sandbox cookie per
// request — and checks it no longer buys more attempts, while a second loopback address (127.0.0.2, as
// another classroom) keeps its own budget.
import { afterEach, describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import { addressKey } from '../../../server/services/client-address';
import { otherAddresses, call, startServer, type RequestOptions, type TestServer } from '../../helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
/** Requests from another loopback address, as another network would send them. */
const from = otherAddresses();

describe('rate limits keyed by the address, not the sandbox cookie', () => {
  it('guessing one password with a new sandbox cookie per attempt stops after the failure budget', async () => {
    server = await startServer();
    expect((await call(server, '/api/users', { method: 'POST', headers: { 'x-sandbox': 'victim' }, json: { username: 'vic', password: 'swordfish' } })).status).toBe(201);
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(server!, '/api/tokens', { method: 'POST', headers: { cookie: `sandbox=rotate-${i}`, 'x-sandbox': 'victim' }, json: { username: 'vic', password: `guess-${i}` } }),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = guesses.find((g) => g.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json.detail).toContain('failed log-ins to one account');
    // Even the right password waits now, from this address…
    expect((await call(server, '/api/tokens', { method: 'POST', headers: { cookie: 'sandbox=fresh', 'x-sandbox': 'victim' }, json: { username: 'vic', password: 'swordfish' } })).status).toBe(429);
    // …while the owner, on another network, logs in.
    expect((await call(server, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': 'victim' }, json: { username: 'vic', password: 'swordfish' }, ...from('127.0.0.2') })).status).toBe(201);
  });

  it('a right password costs no failure: a class logging in to the same demo account, five at a time, is not refused', async () => {
    server = await startServer();
    const statuses: number[] = [];
    for (let wave = 0; wave < 6; wave += 1) {
      const logins = await Promise.all(
        Array.from({ length: 5 }, () => call(server!, '/api/tokens', { method: 'POST', json: { username: 'ada', password: 'lovelace' } })),
      );
      statuses.push(...logins.map((l) => l.status));
    }
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 201));
  });

  it('sends with a new cookie each time stop at the address budget; another address is unaffected', async () => {
    server = await startServer({ sendRatePerMinute: 5, sendRatePerAddressPerMinute: 20 });
    const send = (i: number, extra: RequestOptions = {}) =>
      call(server!, '/app/send', { method: 'POST', headers: { cookie: `sandbox=mint-${i}` }, json: { method: 'GET', url: '/uuid', headers: [] }, ...extra });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await send(i)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual(Array.from({ length: 10 }, () => 429));
    const refused = await send(99);
    expect(refused.json.detail).toContain('one network address');
    expect((await send(100, from('127.0.0.2'))).status).toBe(200);
  });

  it('counts the requests the send endpoint makes as the learner’s address, not the server’s own', async () => {
    server = await startServer({ loginRatePerMinute: 100, loginRatePerAddressPerMinute: 4 });
    const loginThroughSend = (i: number, extra: RequestOptions = {}) =>
      call(server!, '/app/send', {
        method: 'POST',
        headers: { cookie: `sandbox=relay-${i}` },
        json: { method: 'POST', url: '/api/tokens', headers: [['Content-Type', 'application/json'], ['X-Sandbox', `relay-${i}`]], body: { encoding: 'text', data: '{"username":"ada","password":"lovelace"}' } },
        ...extra,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const sent = await loginThroughSend(i, from('127.0.0.2'));
      expect(sent.status).toBe(200);
      statuses.push((sent.json as Transcript).exchanges[0]!.response!.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    // The server's own loopback address was not the one spent: a learner elsewhere still logs in through it.
    const other = await loginThroughSend(7, from('127.0.0.3'));
    expect((other.json as Transcript).exchanges[0]!.response!.status).toBe(201);
  });

  it('rooms made with a new cookie each time stop at ROOM_CREATE_PER_ADDRESS_PER_MINUTE', async () => {
    server = await startServer();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      statuses.push((await call(server, '/app/rooms', { method: 'POST', headers: { cookie: `sandbox=rooms-${i}` }, json: { title: `Room ${i}` } })).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    expect((await call(server, '/app/rooms', { method: 'POST', json: { title: 'Other school' }, ...from('127.0.0.2') })).status).toBe(201);
  });

  it('ignores X-Forwarded-For unless the operator trusts the proxy, and then counts the address it names', async () => {
    server = await startServer({ loginFailuresPerMinute: 3 });
    const guess = (xff: string, i: number) =>
      call(server!, '/api/tokens', { method: 'POST', headers: { 'x-forwarded-for': xff, cookie: `sandbox=x${i}`, 'x-sandbox': 'demo' }, json: { username: 'ada', password: 'wrong' } });
    const spoofed: number[] = [];
    for (let i = 0; i < 5; i += 1) spoofed.push((await guess(`10.0.0.${i}`, i)).status);
    expect(spoofed).toEqual([401, 401, 401, 429, 429]);
    await server.close();

    server = await startServer({ loginFailuresPerMinute: 3, trustProxy: ['127.0.0.1'] });
    const proxied: number[] = [];
    for (let i = 0; i < 4; i += 1) proxied.push((await guess('198.51.100.7', i)).status);
    expect(proxied).toEqual([401, 401, 401, 429]);
    // Another client behind the same trusted proxy has its own count.
    expect((await guess('198.51.100.8', 9)).status).toBe(401);
  });

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});
