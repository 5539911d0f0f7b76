// Network stand-ins for the send endpoint's tests, so no test can reach a real host even when the code
// under test is broken:
// - a dialler that only ever opens sockets to 127.0.0.0/8 or ::1, and records (and fails the test on)
//   any other request; "stand-ins" let a made-up public address answer from a loopback port instead;
// - a DNS lookup that answers from a table, counting the questions;
// - a raw TCP server on 127.0.0.1 that answers with exactly the bytes a test scripts.
import { connect, createServer, Socket, type Server } from 'node:net';
import type { Dial, Lookup } from '../../../server/send/wire-connector';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/;

/** What a stand-in address does when dialled: answer from a loopback port, or never connect. */
export type StandIn = { port: number } | 'never-connects';

export interface GuardedNetwork {
  dial: Dial;
  lookup: Lookup;
  /** "host:port" of every dial asked for, in order. */
  dialled: string[];
  /** Addresses the code asked to dial that are neither loopback nor a stand-in: must stay empty. */
  violations: string[];
  /** Questions asked of DNS, in order. */
  questions: string[];
  /** Made-up addresses and what they do (they are never dialled for real). */
  standIns: Map<string, StandIn>;
  /** DNS answers by name; a function answers differently each time (for rebinding tests). */
  dns: Map<string, string[] | (() => string[])>;
}

export function guardedNetwork(): GuardedNetwork {
  const network: GuardedNetwork = {
    dialled: [],
    violations: [],
    questions: [],
    standIns: new Map(),
    dns: new Map(),
    dial: ({ host, port }) => {
      network.dialled.push(`${host}:${port}`);
      const standIn = network.standIns.get(host);
      if (standIn === 'never-connects') return new Socket();
      if (standIn) return connect({ host: '127.0.0.1', port: standIn.port });
      if (!LOOPBACK.test(host)) {
        network.violations.push(`${host}:${port}`);
        throw new Error(`TEST FAILURE: the send endpoint tried to dial ${host}:${port}`);
      }
      return connect({ host, port });
    },
    lookup: async (hostname) => {
      network.questions.push(hostname);
      const entry = network.dns.get(hostname);
      const addresses = typeof entry === 'function' ? entry() : (entry ?? []);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
  return network;
}

export interface RawServer {
  port: number;
  origin: string;
  /** Request heads received, in order. */
  heads: string[];
  close: () => Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that reads each request head and lets `answer` write whatever bytes it
 * likes (or nothing, or a reset). Keyed by request path in the tests.
 */
export async function startRawServer(answer: (path: string, socket: Socket, head: string) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      if (buffered.includes('\r\n\r\n')) return;
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.slice(0, end + 4);
      heads.push(head);
      answer(head.split(' ')[1] ?? '/', socket, head);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (listened on, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
