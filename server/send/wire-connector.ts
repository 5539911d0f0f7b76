// The one place a learner's request touches the network. It resolves the host itself, checks every
// address, dials the checked address (so DNS cannot change between check and connect), and records
// every byte written to and read from the socket: that recording is the wire view.
//
// Why record the socket rather than listen on undici's diagnostics channels: `undici:client:sendHeaders`
// gives the request line and header block, but undici writes `content-length` (or chunked framing) and
// the body afterwards, and the channels are process-wide, so concurrent sends would have to be told
// apart. The socket sees exactly what undici wrote, in order, for this exchange only. The tests check the
// recording against what the diagnostics channel reports.
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { buildConnector } from 'undici';
import { checkResolvedAddress, ipLiteral, refuse, type Target } from './target-policy';

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;
/** `pin`: the SHA-256 fingerprint the peer's certificate must have (this server's own, see OwnServer). */
export type Dial = (options: { host: string; port: number; tls: boolean; servername?: string; pin?: string }) => Socket;

/** This server's listening address; with TLS_CERT, the fingerprint of the certificate it serves. */
export interface OwnServer {
  host: string;
  port: number;
  tls?: { fingerprint256: string };
}

export const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });
export const defaultDial: Dial = ({ host, port, tls, servername, pin }) =>
  tls
    ? // Our own server is dialled by the address it listens on, which its certificate does not name: the
      // certificate is pinned instead (checked on secureConnect by wireConnector), which is stricter than a CA.
      tlsConnect({ host, port, servername, ALPNProtocols: ['http/1.1'], ...(pin ? { rejectUnauthorized: false } : {}) })
    : netConnect({ host, port });

/** One direction of a connection: the first bytes kept for the transcript, and how many went by in all. */
export interface RecordedStream {
  chunks: Buffer[];
  kept: number;
  total: number;
}

export interface WireRecording {
  written: RecordedStream;
  read: RecordedStream;
  /** Bytes kept per direction; the rest is counted, not kept. */
  keepBytes: number;
  startedAt: number;
  dnsStart?: number;
  dnsEnd?: number;
  connected?: number;
  lastWrite?: number;
  firstByte?: number;
  remoteAddress?: string;
}

export function newRecording(keepBytes: number): WireRecording {
  return { written: { chunks: [], kept: 0, total: 0 }, read: { chunks: [], kept: 0, total: 0 }, keepBytes, startedAt: performance.now() };
}

function keep(stream: RecordedStream, chunk: Buffer, limit: number): void {
  stream.total += chunk.length;
  if (stream.kept >= limit) return;
  const part = Buffer.from(chunk.subarray(0, limit - stream.kept));
  stream.chunks.push(part);
  stream.kept += part.length;
}

function record(socket: Socket, recording: WireRecording): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
    if (chunk !== undefined && chunk !== null) {
      keep(recording.written, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array), recording.keepBytes);
      recording.lastWrite = performance.now();
    }
    return write(chunk, ...rest);
  }) as Socket['write'];
  // Incoming bytes arrive through push(), whichever way the HTTP client reads them.
  const push = socket.push.bind(socket);
  socket.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) {
      keep(recording.read, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array), recording.keepBytes);
      recording.firstByte ??= performance.now();
    }
    return push(chunk, encoding);
  };
}

export interface ConnectorDeps {
  lookup: Lookup;
  dial: Dial;
}

/** Where the connection goes: our own listening socket, or an allowlisted origin's checked address. */
async function resolveTarget(target: Target, own: OwnServer, deps: ConnectorDeps, recording: WireRecording) {
  const url = target.url;
  const tls = url.protocol === 'https:';
  // Our own origin is dialled at the address we listen on, whatever name or Host the learner used. When this
  // process serves HTTPS (TLS_CERT), an https:// URL goes over TLS and an http:// one as plain HTTP to the TLS
  // port, which fails as it would for curl; behind a TLS proxy we listen with plain HTTP, so both go plain.
  if (target.kind === 'own') return own.tls && tls ? { host: own.host, port: own.port, tls: true, pin: own.tls.fingerprint256 } : { host: own.host, port: own.port, tls: false };
  const port = Number(url.port || (tls ? 443 : 80));
  const literal = ipLiteral(url.hostname);
  let addresses: { address: string }[];
  if (literal) {
    addresses = [{ address: literal }];
  } else {
    recording.dnsStart = performance.now();
    addresses = await deps.lookup(url.hostname.replace(/\.$/, ''));
    recording.dnsEnd = performance.now();
  }
  if (addresses.length === 0) throw refuse(`${url.hostname} did not resolve to any address, so there is nothing to connect to.`, { reason: 'no-address' });
  // Every address must pass: a name that answers with one good and one bad address is refused.
  for (const { address } of addresses) checkResolvedAddress(url.hostname, address, literal ? 'address' : 'name');
  return { host: addresses[0]!.address, port, tls, servername: tls && !literal ? url.hostname : undefined };
}

/**
 * How an exchange is stopped early (its time ran out). A plain object rather than an AbortSignal: one is
 * made for every exchange, and an AbortController with its EventTarget listener took about 1% of the
 * server's time in a profile of one-at-a-time sends. The connector sets `onCancel` while its socket connects.
 */
export interface HopCancel {
  /** Why the exchange was stopped; undefined while it runs. */
  reason: Error | undefined;
  onCancel: (() => void) | undefined;
}

export function newHopCancel(): HopCancel {
  return { reason: undefined, onCancel: undefined };
}

/** Stops the exchange: a socket still connecting is destroyed, and the connection attempt fails with `reason`. */
export function cancelHop(cancel: HopCancel, reason: Error): void {
  if (cancel.reason) return;
  cancel.reason = reason;
  const onCancel = cancel.onCancel;
  cancel.onCancel = undefined;
  onCancel?.();
}

/**
 * An undici `connect` function for one exchange with one target. undici's own connect options (hostname,
 * port…) are ignored on purpose: the target was decided and is checked here. Cancelling the hop (`cancel`)
 * destroys a socket that is still connecting.
 */
export function wireConnector(
  target: Target,
  own: OwnServer,
  deps: ConnectorDeps,
  recording: WireRecording,
  cancel: HopCancel,
): buildConnector.connector {
  return (_options, callback) => {
    let settled = false;
    const settle = (error: Error | null, socket: Socket | null) => {
      if (settled) return;
      settled = true;
      if (error) callback(error, null);
      else callback(null, socket!);
    };
    resolveTarget(target, own, deps, recording).then(
      (destination) => {
        if (cancel.reason) return settle(cancel.reason, null);
        let socket: Socket;
        try {
          socket = deps.dial(destination);
        } catch (error) {
          return settle(error as Error, null);
        }
        recording.remoteAddress = destination.host;
        record(socket, recording);
        cancel.onCancel = () => {
          socket.destroy();
          settle(cancel.reason!, null);
        };
        socket.once(destination.tls ? 'secureConnect' : 'connect', () => {
          cancel.onCancel = undefined;
          recording.connected = performance.now();
          socket.off('error', onError);
          const pin = 'pin' in destination ? destination.pin : undefined;
          if (pin !== undefined && (socket as TLSSocket).getPeerX509Certificate?.()?.fingerprint256 !== pin) {
            socket.destroy();
            return settle(new Error('the server at this address does not present this sandbox\'s certificate'), null);
          }
          settle(null, socket);
        });
        const onError = (error: Error) => {
          cancel.onCancel = undefined;
          settle(error, null);
        };
        socket.once('error', onError);
      },
      (error: Error) => settle(error, null),
    );
  };
}
