// Server-Sent Events written by hand on the raw response (the HTML Living Standard, "Server-sent
// events", §9.2): the wire format, one open stream, and the registry that caps, heartbeats and closes
// every stream (app.close() must not wait for a browser that never hangs up).
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { HttpProblem } from '../http/problem';
import { CAPACITY_RETRY_AFTER_S, STREAM_CLOSE_GRACE_MS, STREAM_MAX_BUFFERED_BYTES, STREAM_RETRY_MS } from './limits';

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

export class EventStream {
  readonly tag: string;
  readonly #res: ServerResponse;
  readonly #maxBuffered: number;
  readonly #onClose: (() => void)[] = [];
  #closed = false;
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(res: ServerResponse, tag: string, maxBuffered = STREAM_MAX_BUFFERED_BYTES) {
    this.#res = res;
    this.tag = tag;
    this.#maxBuffered = maxBuffered;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    // 'close' on the response fires when we end it and when the client goes away (the socket closes).
    res.once('close', () => this.#finish());
    res.on('error', () => this.#finish());
    // The client may have left before the stream opened: then 'close' has already fired.
    if (res.destroyed || !res.socket || res.socket.destroyed) this.#finish();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the status line and headers at once, so the browser's EventSource fires `open` now. */
  open(retryMs = STREAM_RETRY_MS): void {
    this.#res.writeHead(200, EVENT_STREAM_HEADERS);
    this.#write(`retry: ${retryMs}\n${formatSseComment('connected')}`);
  }

  send(message: SseMessage): boolean {
    return this.#write(formatSseMessage(message));
  }

  comment(text: string): boolean {
    return this.#write(formatSseComment(text));
  }

  /** Runs `listener` once when the stream ends, from either side (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.push(listener);
  }

  /** Ends the stream; the browser's EventSource will reconnect unless the page closes it. */
  close(): void {
    if (this.#closed) return;
    if (!this.#res.writableEnded) this.#res.end();
    this.#finish();
  }

  #write(chunk: string): boolean {
    if (this.#closed || this.#res.writableEnded || this.#res.destroyed) return false;
    this.#res.write(chunk);
    // A client that cannot keep up is cut off rather than buffered without end. It reconnects with
    // Last-Event-ID and reads what it missed from the replay buffer.
    if (this.#res.writableLength > this.#maxBuffered) {
      this.#res.destroy();
      this.#finish();
      return false;
    }
    return true;
  }

  #finish(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
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
}

/** Every open event stream: caps them, sends the heartbeat, and ends them all on shutdown. */
export class StreamRegistry {
  readonly #streams = new Set<EventStream>();
  readonly #perTag = new Map<string, number>();
  readonly #options: StreamRegistryOptions;
  #heartbeat: NodeJS.Timeout | undefined;
  #shuttingDown = false;

  constructor(options: StreamRegistryOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#streams.size;
  }

  count(tag: string): number {
    return this.#perTag.get(tag) ?? 0;
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
    const stream = new EventStream(reply.raw, tag);
    this.#streams.add(stream);
    this.#perTag.set(tag, this.count(tag) + 1);
    stream.onClose(() => {
      this.#streams.delete(stream);
      const left = this.count(tag) - 1;
      if (left <= 0) this.#perTag.delete(tag);
      else this.#perTag.set(tag, left);
    });
    stream.open(this.#options.retryMs);
    this.#startHeartbeat();
    return stream;
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

  /** Ends every stream and waits (briefly) until their last bytes have left. */
  async closeAll(graceMs = STREAM_CLOSE_GRACE_MS): Promise<void> {
    this.#shuttingDown = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    const streams = [...this.#streams];
    for (const stream of streams) stream.close();
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
