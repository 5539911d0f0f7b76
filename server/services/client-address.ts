// Who a request really comes from, and the scheme and host it was addressed to: something a client cannot
// mint. Rate limits, connection caps, /ip, room and inbox captures, Secure cookies and the CSRF origin check
// all ask here.
//
// - The socket says it all unless the operator names the proxies in front (TRUST_PROXY). Then, and only
//   for a request whose immediate peer is one of them, the proxy's report counts: `Forwarded` (RFC 7239
//   §4), or else `X-Forwarded-For`, `-Proto` and `-Host`. The chain is read from the right (the hop nearest
//   to us) and stops at the first address that is not a trusted proxy: that is the client. Anything to its
//   left was written by the client itself and is ignored, so a learner who sends `X-Forwarded-For: 1.2.3.4`
//   is still counted as themselves (RFC 7239 §8.1).
// - Requests the send endpoint makes for a learner reach this server from its own loopback address. The send
//   endpoint records each socket it opens to this server (its local port) together with the address of the
//   learner it sends for; a request arriving on such a socket counts as that learner's, and its forwarding
//   headers are the learner's own words, so they are never read. Nothing on the wire says so, so nothing on
//   the wire can fake it.
// - An IPv6 client usually holds a whole /64, so IPv6 addresses count per /64; IPv4-mapped IPv6 counts as
//   the IPv4 address.
import { BlockList, isIP, isIPv4, isIPv6, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

/** Most proxies TRUST_PROXY may count in front of the server: more is a misconfiguration, not a network. */
export const MAX_TRUSTED_HOPS = 16;

/** Names TRUST_PROXY accepts for common ranges, besides addresses and CIDR ranges. */
const NAMED_RANGES: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

/**
 * Which peers are proxies whose forwarding headers count: none, the N nearest hops whatever their address,
 * or the hops whose address is in a list.
 */
export interface ProxyTrust {
  /** Whether the hop `depth` steps from this server (0: the socket's peer) at `address` is a trusted proxy. */
  trusts(address: string, depth: number): boolean;
  /** Whether any proxy is trusted at all (when not, the socket alone is read). */
  readonly enabled: boolean;
}

const NO_PROXY: ProxyTrust = { trusts: () => false, enabled: false };

/** An IPv4-mapped IPv6 address as its IPv4 form, so one rule covers both spellings. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * Reads TRUST_PROXY's entries: one whole number (that many proxies in front, whatever their addresses), or
 * addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. Throws an Error saying what is
 * wrong with an entry.
 */
export function parseProxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return NO_PROXY;
  if (entries.length === 1 && /^\d+$/.test(entries[0]!)) {
    const hops = Number(entries[0]);
    if (hops < 1 || hops > MAX_TRUSTED_HOPS) throw new Error(`a hop count must be from 1 to ${MAX_TRUSTED_HOPS}, not ${hops}`);
    return { trusts: (_address, depth) => depth < hops, enabled: true };
  }
  const list = new BlockList();
  for (const entry of entries) {
    const named = NAMED_RANGES[entry.toLowerCase()];
    if (named) {
      for (const [network, prefix, type] of named) list.addSubnet(network, prefix, type);
      continue;
    }
    const [address, prefixText, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(String(prefix)) || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`${JSON.stringify(entry)} is not an address, a CIDR range, a hop count or one of ${Object.keys(NAMED_RANGES).join(', ')}`);
    }
    list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    trusts: (address) => {
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    },
    enabled: true,
  };
}

/** One hop a proxy reports: who connected to it, and (when it says) the scheme and host that hop used. */
export interface ForwardedHop {
  /** An IP address, or undefined when the proxy hid or did not know it ("unknown", "_obfuscated"). */
  for?: string;
  proto?: string;
  host?: string;
}

/** A quoted-string's content, or the token itself (RFC 7230 §3.2.6 via RFC 7239 §4). */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}

/** The address in a `for=` node (RFC 7239 §6): `192.0.2.43`, `192.0.2.43:80`, `[2001:db8::1]:4711`. */
function nodeAddress(node: string): string | undefined {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(node);
  if (bracketed) return isIPv6(bracketed[1]!) ? bracketed[1] : undefined;
  const withPort = /^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/.exec(node);
  if (withPort) return isIPv4(withPort[1]!) ? withPort[1] : undefined;
  // X-Forwarded-For sometimes carries a bare IPv6 address.
  return isIPv6(node) ? node : undefined;
}

/** Splits on `separator` outside quoted strings. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && quoted) {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * The hops of a `Forwarded` field, left (the first proxy's report) to right (the nearest proxy's), or
 * undefined when the field does not parse: then nothing in it can be trusted.
 */
export function parseForwarded(value: string): ForwardedHop[] | undefined {
  const hops: ForwardedHop[] = [];
  for (const element of splitOutsideQuotes(value, ',')) {
    const hop: ForwardedHop = {};
    for (const pair of splitOutsideQuotes(element, ';')) {
      if (pair.trim() === '') continue;
      const equals = pair.indexOf('=');
      if (equals <= 0) return undefined;
      const name = pair.slice(0, equals).trim().toLowerCase();
      const raw = unquote(pair.slice(equals + 1).trim());
      if (name === 'for') hop.for = nodeAddress(raw);
      else if (name === 'proto') hop.proto = raw.toLowerCase();
      else if (name === 'host') hop.host = raw;
    }
    hops.push(hop);
  }
  return hops;
}

/** The hops of X-Forwarded-For with X-Forwarded-Proto and -Host lined up from the right when they list as many. */
function parseXForwarded(forList: string, protoList: string | undefined, hostList: string | undefined): ForwardedHop[] {
  const addresses = forList.split(',').map((entry) => entry.trim());
  const protos = protoList?.split(',').map((entry) => entry.trim().toLowerCase()) ?? [];
  const hosts = hostList?.split(',').map((entry) => entry.trim()) ?? [];
  return addresses.map((entry, i) => ({
    for: nodeAddress(entry),
    // One value for the whole chain is the usual case (a proxy that sets rather than appends): it belongs to
    // the nearest proxy, which is trusted, and so describes the client's request as that proxy received it.
    proto: protos.length === addresses.length ? protos[i] : protos.at(-1),
    host: hosts.length === addresses.length ? hosts[i] : hosts.at(-1),
  }));
}

/** A Host value fit to build URLs and compare origins with: a name or address and an optional port. */
const HOST_VALUE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

/** Where a request came from and where it was sent, as this server can vouch for it. */
export interface ClientView {
  /** The client's IP address. */
  address: string;
  /** The scheme the client used: https when it reached a trusted proxy (or this server) over TLS. */
  proto: 'http' | 'https';
  /** The Host the client addressed (host[:port]); may be empty when the request had none. */
  host: string;
  /** Whether a trusted proxy's report was used. */
  forwarded: boolean;
}

/** Resolves a request's client from its socket, its headers and the trusted proxies (pure: unit-tested). */
export function resolveClient(
  peer: { address: string; encrypted: boolean; host: string },
  headers: Record<string, string | string[] | undefined>,
  trust: ProxyTrust,
): ClientView {
  const direct: ClientView = { address: plainAddress(peer.address), proto: peer.encrypted ? 'https' : 'http', host: peer.host, forwarded: false };
  if (!trust.enabled || !trust.trusts(peer.address, 0)) return direct;
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const forwardedField = header('forwarded');
  const xff = header('x-forwarded-for');
  const hops = forwardedField !== undefined
    ? parseForwarded(forwardedField)
    : xff !== undefined
      ? parseXForwarded(xff, header('x-forwarded-proto'), header('x-forwarded-host'))
      : undefined;
  if (!hops || hops.length === 0) return direct;
  // Walk from the nearest hop outwards while the hop that wrote the entry is trusted.
  let client = -1;
  for (let i = hops.length - 1, depth = 1; i >= 0; i--, depth++) {
    const address = hops[i]!.for;
    // A hidden or unreadable address ends the chain: the proxy that reported it stands for the client.
    if (address === undefined) break;
    client = i;
    if (!trust.trusts(address, depth)) break;
  }
  if (client < 0) return direct;
  // The client's own hop carries the scheme and host it used; failing that, the nearest report of them.
  let proto: string | undefined;
  let host: string | undefined;
  for (let i = client; i < hops.length && (proto === undefined || host === undefined); i++) {
    if (proto === undefined && (hops[i]!.proto === 'http' || hops[i]!.proto === 'https')) proto = hops[i]!.proto;
    if (host === undefined && hops[i]!.host !== undefined && HOST_VALUE.test(hops[i]!.host!)) host = hops[i]!.host;
  }
  return {
    address: plainAddress(hops[client]!.for!),
    proto: (proto ?? direct.proto) as ClientView['proto'],
    host: host ?? direct.host,
    forwarded: true,
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The proxies whose forwarding headers count (TRUST_PROXY). */
    proxyTrust: ProxyTrust;
  }
}

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

/** Requests asked about more than once (rate limits, then a route) resolve once: the answer is kept on the
 *  request (app.ts declares the field on every request, so requests keep one shape; a field is cheaper than
 *  a WeakMap entry per request). */
export const CLIENT_VIEW = Symbol('client view');
type WithView = FastifyRequest & { [CLIENT_VIEW]?: ClientView | null };

/** Where the request came from and where it was sent (see the top of this file). */
export function clientOf(request: FastifyRequest): ClientView {
  const known = (request as WithView)[CLIENT_VIEW];
  if (known) return known;
  const socket = request.raw.socket as Socket | undefined;
  const peer = socket?.remoteAddress ?? 'unknown';
  const encrypted = (socket as TLSSocket | undefined)?.encrypted === true;
  const host = typeof request.headers.host === 'string' ? request.headers.host : '';
  let view: ClientView;
  const learner = LOOPBACK.test(peer) && relayed.size > 0 ? relayed.get(relayKey(socket?.remotePort, socket?.localPort)) : undefined;
  if (learner) view = { address: learner, proto: encrypted ? 'https' : 'http', host, forwarded: false };
  else view = resolveClient({ address: peer, encrypted, host }, request.headers, request.server.proxyTrust ?? NO_PROXY);
  (request as WithView)[CLIENT_VIEW] = view;
  return view;
}

/** The client's address as this server can vouch for it (see the top of this file). */
export function realAddress(request: FastifyRequest): string {
  return clientOf(request).address;
}

/** Whether the client reached us over https (directly, or at a trusted proxy): cookies then get Secure. */
export function isHttps(request: FastifyRequest): boolean {
  return clientOf(request).proto === 'https';
}

/** The origin the client addressed, e.g. https://course.example.org (RFC 6454 §4), or undefined without a Host. */
export function publicOrigin(request: FastifyRequest): string | undefined {
  const { proto, host } = clientOf(request);
  if (!host) return undefined;
  return parsedOrigin(`${proto}://${host}`)?.origin;
}

/** The parts of an origin this server reads, as WHATWG URL parsing gives them. */
export interface ParsedOrigin {
  origin: string;
  hostname: string;
  /** The port as written ('' for the scheme's default). */
  port: string;
}

/** Origins parsed before: nearly every request names the same few Host values, and `new URL` costs more than a lookup. */
const PARSED_ORIGINS = new Map<string, ParsedOrigin | null>();
const PARSED_ORIGINS_MAX = 256;

/** `scheme://host` parsed as a URL, or undefined when it does not parse (remembered, within a bound). */
export function parsedOrigin(text: string): ParsedOrigin | undefined {
  let parsed = PARSED_ORIGINS.get(text);
  if (parsed === undefined) {
    if (URL.canParse(text)) {
      const url = new URL(text);
      parsed = { origin: url.origin, hostname: url.hostname, port: url.port };
    } else {
      parsed = null;
    }
    // A made-up Host per request cannot grow it past the bound: it starts over.
    if (PARSED_ORIGINS.size >= PARSED_ORIGINS_MAX) PARSED_ORIGINS.clear();
    PARSED_ORIGINS.set(text, parsed);
  }
  return parsed ?? undefined;
}

/** The address as a rate-limit key: IPv4 as is, IPv6 by its /64 prefix. */
export function addressKey(address: string): string {
  const plain = plainAddress(address);
  if (isIPv4(plain) || !isIPv6(plain)) return plain;
  const [head, tail = ''] = plain.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const groups = plain.includes('::')
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
