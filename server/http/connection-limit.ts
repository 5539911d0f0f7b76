// A ceiling on open connections from one client address, so one misbehaving script cannot take every
// socket, sized so that a lecture hall behind one NAT address still fits (MAX_CONNECTIONS_PER_CLIENT).
//
// An event stream holds its connection for the whole lesson, so streams are also counted per room member
// (STREAMS_PER_MEMBER): a student's key opens a handful of tabs' worth, not a room's worth.
//
// Past the ceiling a connection is not cut silently: its first request is answered 503 Service
// Unavailable (RFC 9110 §15.6.4) with Retry-After (§10.2.3), a problem body that says what to do, and
// `Connection: close` (RFC 9112 §9.6), so a browser shows why and a polite client backs off. Only a client
// that goes on opening sockets past that small allowance has them closed as soon as they open: answering
// each one would itself cost a socket.
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { addressKey, clientOf } from '../services/client-address';
import { HttpProblem } from './problem';

/** Sockets past the ceiling that are kept just long enough to answer 503; more are closed at once. */
export const OVER_LIMIT_ANSWERED = 64;
/** How long a socket past the ceiling may take to send its request before it is closed, in ms. */
export const OVER_LIMIT_REQUEST_MS = 5_000;
/** Retry-After on the 503: by then idle keep-alive connections (KEEP_ALIVE_TIMEOUT_MS, 5 s) have closed. */
export const CONNECTION_LIMIT_RETRY_AFTER_S = 5;

/** Counts open connections per remote address and marks those past the ceiling. */
export class ConnectionCounter {
  readonly #open = new Map<string, number>();
  readonly #overLimit = new WeakSet<Socket>();

  constructor(
    readonly max: number,
    readonly answered = OVER_LIMIT_ANSWERED,
  ) {}

  /** Open connections from this address now. */
  count(address: string): number {
    return this.#open.get(address) ?? 0;
  }

  /** Whether requests on this socket are to be answered 503 (it opened past the ceiling). */
  isOverLimit(socket: Socket): boolean {
    return this.#overLimit.has(socket);
  }

  /** Counts a new socket: 'ok', 'over' (answer its request with 503) or 'close' (destroy it now). */
  admit(socket: Socket): 'ok' | 'over' | 'close' {
    const address = socket.remoteAddress ?? 'unknown';
    const count = this.count(address) + 1;
    if (count > this.max + this.answered) return 'close';
    this.#open.set(address, count);
    socket.once('close', () => {
      const left = this.count(address) - 1;
      if (left <= 0) this.#open.delete(address);
      else this.#open.set(address, left);
    });
    if (count <= this.max) return 'ok';
    this.#overLimit.add(socket);
    return 'over';
  }
}

export function connectionLimitProblem(max: number): HttpProblem {
  return new HttpProblem(
    'capacity-reached',
    `Your network address already has ${max} connections open to this sandbox, the most it serves one address (a classroom behind one router shares it). Close tabs you no longer need, or wait ${CONNECTION_LIMIT_RETRY_AFTER_S} s (the Retry-After header says so too) and try again; an operator can raise MAX_CONNECTIONS_PER_CLIENT.`,
    { headers: { 'retry-after': String(CONNECTION_LIMIT_RETRY_AFTER_S), connection: 'close' }, extra: { limit: max } },
  );
}

/** The same ceiling for a client behind a trusted proxy; the proxy's connection stays open for others. */
export function proxiedLimitProblem(max: number): HttpProblem {
  return new HttpProblem(
    'capacity-reached',
    `Your network address already has ${max} requests in progress on this sandbox (live event streams count for as long as they are open), the most it serves one address (a classroom behind one router shares it). Close tabs you no longer need, or wait ${CONNECTION_LIMIT_RETRY_AFTER_S} s (the Retry-After header says so too) and try again; an operator can raise MAX_CONNECTIONS_PER_CLIENT.`,
    { headers: { 'retry-after': String(CONNECTION_LIMIT_RETRY_AFTER_S) }, extra: { limit: max } },
  );
}

/**
 * Applies the ceiling to the app's server; register before any other hook, so refused requests do no work.
 *
 * Behind a trusted proxy (TRUST_PROXY) the sockets are the proxy's, shared by every client: they are not
 * counted. There the ceiling counts each real client's requests in progress instead (an event stream is
 * one for as long as it is open), which is what a socket of its own would have held.
 */
export function limitConnectionsPerClient(app: FastifyInstance, max: number): ConnectionCounter {
  const counter = new ConnectionCounter(max);
  const fromProxy = (socket: Socket) => app.proxyTrust.enabled && app.proxyTrust.trusts(socket.remoteAddress ?? '', 0);
  // Over TLS the request's socket is the TLS one: count that, once the handshake is done.
  const event = app.server instanceof TlsServer ? 'secureConnection' : 'connection';
  app.server.on(event, (socket: Socket) => {
    if (fromProxy(socket)) return;
    const verdict = counter.admit(socket);
    if (verdict === 'close') {
      socket.destroy();
    } else if (verdict === 'over') {
      // A socket that never sends its request must not hold a place in the allowance for long.
      socket.setTimeout(OVER_LIMIT_REQUEST_MS, () => socket.destroy());
      // One line when an address crosses the ceiling, not one per refused request.
      if (counter.count(socket.remoteAddress ?? 'unknown') === max + 1) {
        app.log.info({ remoteAddress: socket.remoteAddress, limit: max }, 'one address reached MAX_CONNECTIONS_PER_CLIENT; its new connections get 503');
      }
    }
  });
  const inProgress = new Map<string, number>();
  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket;
    if (counter.isOverLimit(socket)) {
      done(connectionLimitProblem(max));
      return;
    }
    if (!fromProxy(socket)) {
      done();
      return;
    }
    const client = clientOf(request);
    if (!client.forwarded) {
      done();
      return;
    }
    const key = addressKey(client.address);
    const count = (inProgress.get(key) ?? 0) + 1;
    if (count > max) {
      done(proxiedLimitProblem(max));
      return;
    }
    inProgress.set(key, count);
    reply.raw.once('close', () => {
      const left = (inProgress.get(key) ?? 1) - 1;
      if (left <= 0) inProgress.delete(key);
      else inProgress.set(key, left);
    });
    done();
  });
  return counter;
}

/** Event streams one room member (one key) may hold open. A browser keeps at most 6 connections to one
 *  server over HTTP/1.1, so no person with tabs open needs more; a reload's new stream fits beside the old
 *  one the server has not seen close yet. */
export const STREAMS_PER_MEMBER = 6;

/** Throws 503 with Retry-After when this member already holds STREAMS_PER_MEMBER event streams. */
export function checkStreamsPerMember(open: number, who: string): void {
  if (open < STREAMS_PER_MEMBER) return;
  throw new HttpProblem(
    'capacity-reached',
    `${who} already has ${open} live event streams open, the most one key may hold. Close the other tabs or windows that show this room, then reload this one (or wait ${CONNECTION_LIMIT_RETRY_AFTER_S} s: the Retry-After header says so too).`,
    { headers: { 'retry-after': String(CONNECTION_LIMIT_RETRY_AFTER_S) }, extra: { limit: STREAMS_PER_MEMBER } },
  );
}
