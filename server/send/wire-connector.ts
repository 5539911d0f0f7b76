// The one place a learner's request touches the network. It resolves the host itself, checks every
// address, dials the checked address (so DNS cannot change between check and connect), and records
// every byte written to and read from the socket: that recording is the wire view.
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { buildConnector } from 'undici';
import { checkResolvedAddress, refuse, type Target } from './target-policy';

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;
export type Dial = (options: { host: string; port: number; tls: boolean; servername?: string }) => Socket;

export const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });
export const defaultDial: Dial = ({ host, port, tls, servername }) =>
  tls ? tlsConnect({ host, port, servername, ALPNProtocols: ['http/1.1'] }) : netConnect({ host, port });

export interface WireRecording {
  written: Buffer[];
  read: Buffer[];
  startedAt: number;
  dnsStart?: number;
  dnsEnd?: number;
  connected?: number;
  lastWrite?: number;
  firstByte?: number;
  remoteAddress?: string;
}

function record(socket: Socket, recording: WireRecording): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
    if (chunk !== undefined && chunk !== null) {
      recording.written.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(chunk as string | Uint8Array as string, encoding));
      recording.lastWrite = performance.now();
    }
    return write(chunk, ...rest);
  }) as Socket['write'];
  // Incoming bytes arrive through push(), whichever way the HTTP client reads them.
  const push = socket.push.bind(socket);
  socket.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) {
      recording.read.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk), encoding));
      recording.firstByte ??= performance.now();
    }
    return push(chunk, encoding);
  };
}

export interface ConnectorDeps {
  lookup: Lookup;
  dial: Dial;
}

/** An undici `connect` function for one exchange with one target. */
export function wireConnector(
  target: Target,
  own: { host: string; port: number },
  deps: ConnectorDeps,
  recording: WireRecording,
): buildConnector.connector {
  // undici's own options (hostname, port…) are ignored on purpose: the target was decided and checked above.
  return (_options, callback) => {
    const url = target.url;
    const tls = url.protocol === 'https:';
    const port = Number(url.port || (tls ? 443 : 80));
    const resolve = async (): Promise<string> => {
      if (target.kind === 'own') return own.host;
      recording.dnsStart = performance.now();
      const bare = url.hostname.replace(/^\[|\]$/g, '');
      const addresses = /^[\d.]+$/.test(bare) || bare.includes(':') ? [{ address: bare, family: 0 }] : await deps.lookup(bare);
      recording.dnsEnd = performance.now();
      if (addresses.length === 0) throw refuse(`${url.hostname} did not resolve to any address.`, { reason: 'no-address' });
      // Every address must pass: a name that answers with one good and one bad address is refused.
      for (const { address } of addresses) checkResolvedAddress(url.hostname, address);
      return addresses[0]!.address;
    };
    resolve().then(
      (address) => {
        let socket: Socket;
        try {
          socket = deps.dial({ host: address, port: target.kind === 'own' ? own.port : port, tls: tls && target.kind !== 'own', servername: tls ? url.hostname : undefined });
        } catch (error) {
          callback(error as Error, null);
          return;
        }
        recording.remoteAddress = address;
        record(socket, recording);
        let settled = false;
        const onConnect = () => {
          if (settled) return;
          settled = true;
          recording.connected = performance.now();
          socket.off('error', onError);
          callback(null, socket as never);
        };
        const onError = (error: Error) => {
          if (settled) return;
          settled = true;
          callback(error, null);
        };
        socket.once(tls && target.kind !== 'own' ? 'secureConnect' : 'connect', onConnect);
        socket.once('error', onError);
      },
      (error: Error) => callback(error, null),
    );
  };
}
