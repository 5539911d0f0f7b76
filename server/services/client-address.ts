// Who a request really comes from, for rate limits and fair queueing: something a client cannot mint.
//
// - The socket's address, or — only when the operator names a trusted proxy (TRUST_PROXY) — the address that
//   proxy reports in X-Forwarded-For (Fastify's trustProxy resolves it into request.ip).
// - Requests the send endpoint makes for a learner reach this server from its own loopback address. The send
//   endpoint records each socket it opens to this server (its local port) together with the address of the
//   learner it sends for; a request arriving on such a socket counts as that learner's. Nothing on the wire
//   says so, so nothing on the wire can fake it.
// - An IPv6 client usually holds a whole /64, so IPv6 addresses count per /64; IPv4-mapped IPv6 counts as
//   the IPv4 address.
import { isIPv4, isIPv6, type Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** `${local port of the send endpoint's socket}|${this server's port}` → the learner's address. */
const relayed = new Map<string, string>();

function relayKey(clientPort: number | undefined, serverPort: number | undefined): string {
  return `${clientPort ?? 0}|${serverPort ?? 0}`;
}

/** Marks a socket the send endpoint opened to this server as carrying `address`'s requests. */
export function relaySocket(socket: Socket, serverPort: number, address: string): void {
  const register = () => {
    const key = relayKey(socket.localPort, serverPort);
    relayed.set(key, address);
    socket.once('close', () => {
      if (relayed.get(key) === address) relayed.delete(key);
    });
  };
  if (socket.localPort !== undefined && !socket.connecting) register();
  else socket.once('connect', register);
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The client's address as this server can vouch for it (see the top of this file). */
export function realAddress(request: FastifyRequest): string {
  const socket = request.raw.socket as Socket | undefined;
  const peer = socket?.remoteAddress;
  if (peer && LOOPBACK.test(peer) && relayed.size > 0) {
    const learner = relayed.get(relayKey(socket.remotePort, socket.localPort));
    if (learner) return learner;
  }
  return request.ip ?? peer ?? 'unknown';
}

/** The address as a rate-limit key: IPv4 as is, IPv6 by its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * The send endpoint's network access for one learner's send: every socket it opens to this server is
 * marked as carrying that learner's requests (see relaySocket).
 */
export function relayingDial<D extends (options: { host: string; port: number; tls: boolean; servername?: string }) => Socket>(
  dial: D,
  own: { host: string; port: number },
  address: string,
): D {
  return ((options) => {
    const socket = dial(options);
    if (options.host === own.host && options.port === own.port) relaySocket(socket, own.port, address);
    return socket;
  }) as D;
}
