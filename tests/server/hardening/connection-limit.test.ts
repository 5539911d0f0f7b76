// The per-address connection ceiling (MAX_CONNECTIONS_PER_CLIENT), over real sockets on 127.0.0.1: the
// connections within it are served; the next ones are answered 503 with Retry-After and a problem body,
// then closed; a client that keeps opening sockets past that allowance has them closed at once.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, readConfig, ConfigError } from '../../../server/config';
import { CONNECTION_LIMIT_RETRY_AFTER_S, OVER_LIMIT_ANSWERED } from '../../../server/http/connection-limit';
import { startServer, type TestServer } from '../../helpers/server';

interface Conn {
  socket: Socket;
  /** Everything received until the socket closed. */
  closed: Promise<string>;
}

function open(server: TestServer): Promise<Conn> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    const closed = new Promise<string>((done) => socket.once('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Sends one request on an open connection and resolves with the response head and body once it arrived. */
function ask(conn: Conn, path = '/api/books/1'): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const head = received.indexOf('\r\n\r\n');
      if (head === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(received.slice(0, head))?.[1] ?? 0);
      if (received.length - head - 4 >= length) {
        conn.socket.off('data', onData);
        resolve(received);
      }
    };
    conn.socket.on('data', onData);
    conn.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

describe('connections per client address', () => {
  let server: TestServer | undefined;
  const conns: Conn[] = [];
  afterEach(async () => {
    for (const conn of conns.splice(0)) conn.socket.destroy();
    await server?.close();
  });

  it('serves connections up to the ceiling and answers the next with 503, Retry-After and a problem body, then closes it', async () => {
    server = await startServer({ maxConnectionsPerClient: 3 });
    for (let i = 0; i < 3; i += 1) conns.push(await open(server));
    for (const conn of conns) expect(await ask(conn)).toMatch(/^HTTP\/1\.1 200 /);

    const over = await open(server);
    conns.push(over);
    const answer = await ask(over);
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(new RegExp(`\r\nretry-after: ${CONNECTION_LIMIT_RETRY_AFTER_S}\r\n`, 'i'));
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    const problem = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(problem).toMatchObject({ type: '/problems/capacity-reached', status: 503, limit: 3 });
    expect(problem.detail).toMatch(/3 connections open.*MAX_CONNECTIONS_PER_CLIENT/);
    await over.closed;

    // A connection within the ceiling frees a place when it closes.
    const first = conns.shift()!;
    first.socket.destroy();
    await first.closed;
    const again = await open(server);
    conns.push(again);
    expect(await ask(again)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it(`closes sockets at once past the ceiling and the ${OVER_LIMIT_ANSWERED} it answers with 503`, async () => {
    server = await startServer({ maxConnectionsPerClient: 2 });
    for (let i = 0; i < 2 + OVER_LIMIT_ANSWERED; i += 1) conns.push(await open(server));
    const cut = await open(server);
    // Closed before any request: nothing was written to it.
    expect(await cut.closed).toBe('');
    // The ones within the ceiling are still served.
    expect(await ask(conns[0]!)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('holds a 300-student lecture hall behind one address by default, each with an event stream and a request connection', () => {
    expect(DEFAULT_CONFIG.maxConnectionsPerClient).toBeGreaterThanOrEqual(300 * 2);
    // …and at least the most students one room takes, with a stream and a page load each.
    expect(DEFAULT_CONFIG.maxConnectionsPerClient).toBeGreaterThanOrEqual(DEFAULT_CONFIG.roomStudentMax * 5);
  });

  it.each([
    ['MAX_CONNECTIONS_PER_CLIENT', '0'],
    ['SEND_CONCURRENCY', '0'],
    ['SEND_CLIENT_CONCURRENCY', 'many'],
    ['SEND_QUEUE_MAX', '-1'],
    ['SEND_QUEUE_PER_CLIENT', '0'],
    ['SEND_QUEUE_PER_CLIENT', '1.5'],
    ['SEND_QUEUE_WAIT_MS', '10'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^${name}=`));
  });
});
