// Server-Sent Events written by hand on the raw response (the HTML Living Standard, "Server-sent
// events", §9.2): the wire format, one open stream, and the registry that caps, heartbeats and closes
// every stream (app.close() must not wait for a browser that never hangs up).
//
// Memory under slow readers: an event is written to every stream as the same bytes (a Buffer the hub
// serialised once), so a stream's socket buffer holds references, not copies. The registry counts the
// bytes all streams' buffers really hold — each shared Buffer once, however many streams still hold it —
// against one budget for the server (the STREAM_BUFFER_BUDGET_BYTES setting), and each stream against its
// own cap (STREAM_MAX_BUFFERED_BYTES). A reader that falls behind is cut off, the one furthest behind first,
// instead of growing memory; its EventSource reconnects with Last-Event-ID and reads what it missed from the
// replay buffer (or a fresh `state`). tests/server/classroom/slow-readers.test.ts performs the attack.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { HttpProblem } from '../http/problem';
import { CAPACITY_RETRY_AFTER_S, SHUTDOWN_RETRY_JITTER_MS, SHUTDOWN_RETRY_MS, STREAM_CLOSE_GRACE_MS, STREAM_RETRY_MS } from './limits';

export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** One field value on one line: a CR or LF inside would start a new field. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\0]/g, ' ');
}

/** The bytes of one event: `event:`, `id:`, a `data:` line per line of data, then a blank line. */
export function formatSseMessage(message: SseMessage): string {
  let out = '';
  if (message.event !== undefined) out += `event: ${oneLine(message.event)}\n`;
  if (message.id !== undefined) out += `id: ${oneLine(message.id)}\n`;
  for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** An event whose data is JSON already serialised as UTF-8 bytes: the head lines, then the bytes as one
 *  `data:` line (JSON.stringify never writes a raw CR or LF), then the blank line. The bytes are not copied. */
export function sseEventPieces(id: string, type: string, json: readonly Buffer[]): Buffer[] {
  return [Buffer.from(`event: ${oneLine(type)}\nid: ${oneLine(id)}\ndata: `), ...json, EVENT_END];
}
const EVENT_END = Buffer.from('\n\n');

/** A comment line: ignored by EventSource, but it keeps proxies and NAT tables from closing an idle stream. */
export function formatSseComment(text: string): string {
  return `: ${oneLine(text)}\n\n`;
}

/** The response headers of an event stream. `Connection: close` because the connection is spent once the
 *  stream ends; no-transform and X-Accel-Buffering keep proxies from compressing or holding back events. */
export const EVENT_STREAM_HEADERS: Record<string, string> = {
  'content-type': EVENT_STREAM_CONTENT_TYPE,
  'cache-control': 'no-cache, no-transform',
  connection: 'close',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

/** The bytes that all open streams' socket buffers hold, each Buffer counted once however many streams
 *  hold it (an event written to 500 streams is in memory once). */
export class HeldBytes {
  readonly #refs = new Map<Buffer, number>();
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  hold(chunk: Buffer): void {
    const refs = this.#refs.get(chunk) ?? 0;
    if (refs === 0) this.#bytes += chunk.length;
    this.#refs.set(chunk, refs + 1);
  }

  release(chunk: Buffer): void {
    const refs = (this.#refs.get(chunk) ?? 1) - 1;
    if (refs > 0) {
      this.#refs.set(chunk, refs);
      return;
    }
    this.#refs.delete(chunk);
    this.#bytes -= chunk.length;
  }
}

export interface EventStreamLimits {
  /** Bytes this stream may have waiting in its socket buffer before it is cut off. */
  maxBuffered: number;
  /** Where the bytes it holds are counted (the registry's budget). */
  held?: HeldBytes;
  /** Called after each write with the stream's buffered bytes (the registry checks its budget). */
  onWrite?: (stream: EventStream) => void;
  /** Called when the reader is cut off, with why and the bytes that were waiting for it. */
  onCut?: (why: CutReason, buffered: number) => void;
}

export class EventStream {
  readonly tag: string;
  readonly #res: ServerResponse;
  readonly #limits: EventStreamLimits;
  readonly #held: HeldBytes;
  readonly #onClose: (() => void)[] = [];
  /** Chunks written and maybe still in the socket buffer, oldest first, with the byte count at their end. */
  readonly #queue: { chunk: Buffer; end: number }[] = [];
  #written = 0;
  #closed = false;
  /** Why the server ended the stream, when it did so because the reader fell behind. */
  cutOff: CutReason | undefined;
  /** The client's port (its socket's remote port), kept for logs and tests after the socket is gone. */
  readonly remotePort: number | undefined;
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(res: ServerResponse, tag: string, limits: EventStreamLimits) {
    this.#res = res;
    this.remotePort = res.socket?.remotePort;
    this.tag = tag;
    this.#limits = limits;
    this.#held = limits.held ?? new HeldBytes();
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    // 'close' on the response fires when we end it and when the client goes away (the socket closes).
    res.once('close', () => this.#finish());
    res.on('error', () => this.#finish());
    res.on('drain', () => this.#settle());
    // The client may have left before the stream opened: then 'close' has already fired.
    if (res.destroyed || !res.socket || res.socket.destroyed) this.#finish();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting in this stream's buffers (not yet taken by the kernel). */
  get buffered(): number {
    return this.#closed ? 0 : this.#res.writableLength;
  }

  /** Sends the status line and headers at once, so the browser's EventSource fires `open` now. */
  open(retryMs = STREAM_RETRY_MS): void {
    this.#res.writeHead(200, EVENT_STREAM_HEADERS);
    this.#write([Buffer.from(`retry: ${retryMs}\n${formatSseComment('connected')}`)]);
  }

  send(message: SseMessage): boolean {
    return this.#write([Buffer.from(formatSseMessage(message))]);
  }

  /** Sends an event whose data is serialised JSON (pieces written in order, shared, never copied). */
  sendJson(id: string, type: string, json: readonly Buffer[]): boolean {
    return this.#write(sseEventPieces(id, type, json));
  }

  comment(text: string): boolean {
    return this.#write([Buffer.from(formatSseComment(text))]);
  }

  /** Runs `listener` once when the stream ends, from either side (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.push(listener);
  }

  /** Ends the stream; the browser's EventSource will reconnect unless the page closes it, after `retryMs`
   *  when given (the SSE `retry:` field, sent as the stream's last line). */
  close(retryMs?: number): void {
    if (this.#closed) return;
    if (!this.#res.writableEnded) this.#res.end(retryMs === undefined ? undefined : `retry: ${retryMs}\n\n`);
    this.#finish();
  }

  /** Cuts off a reader that fell behind: the connection goes at once, with everything buffered for it. Its
   *  EventSource reconnects with Last-Event-ID and catches up from the replay buffer. */
  cut(why: CutReason): void {
    if (this.#closed) return;
    this.cutOff = why;
    const buffered = this.buffered;
    this.destroy();
    this.#limits.onCut?.(why, buffered);
  }

  #write(pieces: Buffer[]): boolean {
    if (this.#closed || this.#res.writableEnded || this.#res.destroyed) return false;
    const res = this.#res;
    if (pieces.length > 1) res.cork();
    for (const chunk of pieces) {
      if (chunk.length === 0) continue;
      res.write(chunk);
      // Chunked transfer coding adds the size line and a CRLF around every chunk.
      this.#written += chunk.length + chunk.length.toString(16).length + 4;
      this.#queue.push({ chunk, end: this.#written });
      this.#held.hold(chunk);
    }
    if (pieces.length > 1) res.uncork();
    this.#settle();
    if (this.#closed) return false;
    // A client that cannot keep up is cut off rather than buffered without end.
    if (res.writableLength > this.#limits.maxBuffered) {
      this.cut('stream-cap');
      return false;
    }
    this.#limits.onWrite?.(this);
    return !this.#closed;
  }

  /** Forgets the chunks the kernel has taken (the bytes written minus those still buffered). A write that
   *  left at once raises no 'drain', so the registry settles every stream before it judges its budget. */
  settle(): void {
    if (!this.#closed) this.#settle();
  }

  #settle(): void {
    const sent = this.#written - this.#res.writableLength;
    while (this.#queue.length > 0 && this.#queue[0]!.end <= sent) this.#held.release(this.#queue.shift()!.chunk);
  }

  #finish(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const { chunk } of this.#queue.splice(0)) this.#held.release(chunk);
    for (const listener of this.#onClose.splice(0)) listener();
    this.#resolveDone();
  }

  /** Resolves once the response has left (or the socket is gone), for a graceful shutdown. */
  settled(): Promise<void> {
    const res = this.#res;
    if (res.destroyed || res.writableFinished) return Promise.resolve();
    return new Promise((resolve) => {
      res.once('finish', () => resolve());
      res.once('close', () => resolve());
    });
  }

  /** Cuts the connection without a goodbye (shutdown grace period over). */
  destroy(): void {
    this.#res.destroy();
    this.#finish();
  }
}

export interface StreamRegistryOptions {
  /** Most streams on the server. */
  max: number;
  heartbeatMs: number;
  retryMs?: number;
  /** Bytes all streams' buffers may hold together (STREAM_BUFFER_BUDGET_BYTES). */
  bufferBudget: number;
  /** Bytes one stream may have buffered (STREAM_MAX_BUFFERED_BYTES). */
  maxBufferedPerStream: number;
}

/** Why a reader was cut off: its own stream's cap, or the server's budget for all streams. */
export type CutReason = 'stream-cap' | 'server-budget';

/** A reader the server cut off: which stream, why, and how many bytes were waiting for it. */
export interface StreamCut {
  tag: string;
  remotePort: number | undefined;
  why: CutReason;
  buffered: number;
}

/** Every open event stream: caps them, sends the heartbeat, and ends them all on shutdown. */
export class StreamRegistry {
  readonly #streams = new Set<EventStream>();
  readonly #perTag = new Map<string, number>();
  readonly #options: StreamRegistryOptions;
  readonly #held = new HeldBytes();
  readonly #budget: number;
  readonly #cutListeners = new Set<(cut: StreamCut) => void>();
  #cutOff = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #shuttingDown = false;

  constructor(options: StreamRegistryOptions) {
    this.#options = options;
    this.#budget = options.bufferBudget;
  }

  /** Calls `listener` for each reader cut off from now on; returns the function that stops it. */
  onCut(listener: (cut: StreamCut) => void): () => void {
    this.#cutListeners.add(listener);
    return () => this.#cutListeners.delete(listener);
  }

  get size(): number {
    return this.#streams.size;
  }

  count(tag: string): number {
    return this.#perTag.get(tag) ?? 0;
  }

  /** Bytes the streams' buffers hold now, each shared event counted once. */
  get heldBytes(): number {
    return this.#held.bytes;
  }

  get bufferBudget(): number {
    return this.#budget;
  }

  /** Streams cut off so far because their reader fell behind. */
  get cutOffCount(): number {
    return this.#cutOff;
  }

  /**
   * Turns the reply into an event stream for `tag` (a hub channel), or throws 503 when the server or this
   * room/inbox has as many streams as it may. Throws before the reply is touched, so the error handler can
   * still answer with a problem.
   */
  open(reply: FastifyReply, tag: string, perTagMax: number, what: string): EventStream {
    if (this.#shuttingDown) {
      throw new HttpProblem('capacity-reached', 'The server is shutting down. Reconnect in a moment.', {
        headers: { 'retry-after': '5' },
      });
    }
    if (this.#streams.size >= this.#options.max || this.count(tag) >= perTagMax) {
      const limit = this.#streams.size >= this.#options.max ? `${this.#options.max} on this server` : `${perTagMax} for ${what}`;
      throw new HttpProblem(
        'capacity-reached',
        `Too many live event streams are open (at most ${limit}). Close other tabs that show ${what}, or wait ${CAPACITY_RETRY_AFTER_S} s and reconnect.`,
        { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) }, extra: { limit: perTagMax } },
      );
    }
    reply.hijack();
    const stream = new EventStream(reply.raw, tag, {
      maxBuffered: this.#options.maxBufferedPerStream,
      held: this.#held,
      onWrite: () => this.#keepBudget(),
      onCut: (why, buffered) => {
        const cut: StreamCut = { tag, remotePort: stream.remotePort, why, buffered };
        for (const listener of this.#cutListeners) listener(cut);
      },
    });
    this.#streams.add(stream);
    this.#perTag.set(tag, this.count(tag) + 1);
    stream.onClose(() => {
      if (stream.cutOff) this.#cutOff += 1;
      this.#streams.delete(stream);
      const left = this.count(tag) - 1;
      if (left <= 0) this.#perTag.delete(tag);
      else this.#perTag.set(tag, left);
    });
    stream.open(this.#options.retryMs);
    this.#startHeartbeat();
    return stream;
  }

  /** Over the budget: cut off the readers furthest behind (most bytes waiting) until it holds again. */
  #keepBudget(): void {
    if (this.#held.bytes <= this.#budget) return;
    for (const stream of this.#streams) stream.settle();
    if (this.#held.bytes <= this.#budget) return;
    const behind = [...this.#streams].filter((s) => s.buffered > 0).sort((a, b) => b.buffered - a.buffered);
    for (const stream of behind) {
      if (this.#held.bytes <= this.#budget) return;
      stream.cut('server-budget');
    }
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      if (this.#streams.size === 0) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = undefined;
        return;
      }
      for (const stream of this.#streams) stream.comment('heartbeat');
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Ends every stream of one room or inbox (it closed or expired). */
  closeTag(tag: string): void {
    for (const stream of [...this.#streams]) if (stream.tag === tag) stream.close();
  }

  /** Shutdown: tells every stream's browser to reconnect in SHUTDOWN_RETRY_MS plus up to
   *  SHUTDOWN_RETRY_JITTER_MS (elsewhere, behind a load balancer, with its Last-Event-ID), ends the streams, and
   *  waits (briefly) until their last bytes have left. */
  async closeAll(graceMs = STREAM_CLOSE_GRACE_MS): Promise<void> {
    this.#shuttingDown = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    const streams = [...this.#streams];
    for (const stream of streams) stream.close(SHUTDOWN_RETRY_MS + Math.floor(Math.random() * (SHUTDOWN_RETRY_JITTER_MS + 1)));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([Promise.all(streams.map((s) => s.settled())), grace]);
    clearTimeout(timer);
    for (const stream of streams) stream.destroy();
  }
}
