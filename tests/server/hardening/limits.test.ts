import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorAnswer } from '../../../server/http/client-errors';
import { call, startServer, type TestServer } from '../../helpers/server';

/** Writes raw bytes to the server and resolves with everything it answered before closing. */
function rawExchange(server: TestServer, bytes: string, { end = true } = {}): Promise<string> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(bytes);
      if (end) socket.end();
    });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function statusOf(raw: string): number {
  return Number(raw.split(' ')[1]);
}

function problemOf(raw: string): { status: number; detail: string; type: string } {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

describe('limits on what a client may send', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxHeaderBytes: 2_048, maxUrlLength: 300, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, loginRatePerMinute: 3 });
  });
  afterAll(() => server.close());

  it('answers 431 with a problem naming the limit when the headers are too large', async () => {
    const raw = await rawExchange(server, `GET /api/books HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(4_000)}\r\n\r\n`);
    expect(statusOf(raw)).toBe(431);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(problemOf(raw).detail).toContain('2048 bytes');
  });

  it('answers 414 when the URL is longer than the limit', async () => {
    const response = await call(server, `/api/books?q=${'x'.repeat(400)}`);
    expect(response.status).toBe(414);
    expect(response.json.detail).toMatch(/at most 300/);
  });

  it('answers 501 to a method token the HTTP parser does not know, and stays up', async () => {
    const raw = await rawExchange(server, 'FOO /api/books HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(raw)).toBe(501);
    expect(problemOf(raw).detail).toMatch(/method/);
    expect((await call(server, '/api/books')).status).toBe(200);
  });

  it('answers 400 to a header line that is not "Name: value"', async () => {
    const raw = await rawExchange(server, 'GET /api/books HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n');
    expect(statusOf(raw)).toBe(400);
    expect(problemOf(raw).type).toBe('/problems/malformed-request');
  });

  it('answers 408 to a client that never finishes its headers', async () => {
    const raw = await rawExchange(server, 'GET /api/books HTTP/1.1\r\nHost: x\r\n', { end: false });
    expect(statusOf(raw)).toBe(408);
  });

  it('limits log-in attempts per client with 429 and Retry-After', async () => {
    const attempt = () =>
      call(server, '/api/session', { method: 'POST', json: { username: 'ada', password: 'wrong' }, headers: { cookie: 'sandbox=ratelimit' } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await attempt();
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json.detail).toMatch(/3 a minute/);
    // Another learner is not affected.
    const other = await call(server, '/api/session', { method: 'POST', json: { username: 'ada', password: 'lovelace' }, headers: { cookie: 'sandbox=other' } });
    expect(other.status).toBe(201);
  });
});

describe('clientErrorAnswer', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_INVALID_METHOD', 501],
    ['HPE_INVALID_HEADER_TOKEN', 400],
    [undefined, 400],
  ])('answers %s with %i', (code, status) => {
    expect(clientErrorAnswer(code, { maxHeaderBytes: 16_384 }).status).toBe(status);
  });
});

describe('more limits', () => {
  it('answers 413 naming the body limit', async () => {
    const server = await startServer({ bodyLimit: 2_048 });
    const response = await call(server, '/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x'.repeat(5_000), password: 'y' }) });
    expect(response.status).toBe(413);
    expect(response.json.detail).toContain('2048 bytes');
    await server.close();
  });

  it('limits sends through the sandbox per client with 429 and Retry-After', async () => {
    const server = await startServer({ sendRatePerMinute: 2 });
    const send = () => call(server, '/app/send', { method: 'POST', headers: { cookie: 'sandbox=sender' }, json: { method: 'GET', url: '/api/books', headers: [] } });
    expect([(await send()).status, (await send()).status]).toEqual([200, 200]);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json.detail).toMatch(/2 a minute/);
    await server.close();
  });
});

describe('idle connections', () => {
  it('closes a kept-alive connection that stays idle past KEEP_ALIVE_TIMEOUT_MS', async () => {
    const server = await startServer({ keepAliveTimeoutMs: 200 });
    const { port } = new URL(server.origin);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /api/books/1 HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('data', () => undefined);
      socket.once('close', () => resolve(Date.now() - started));
    });
    expect(closedAfter).toBeLessThan(2_000); // the default (5 s) would fail this
    await server.close();
  });
});
