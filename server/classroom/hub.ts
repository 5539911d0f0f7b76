// The hub carries room and inbox events from the request that makes them (a broadcast, a captured
// request) to every open event stream, and keeps the recent ones so a client that reconnects with
// Last-Event-ID gets what it missed. It is an interface so that several server processes can share one
// hub: MemoryHub is the single-process implementation, RedisHub (server/store/redis/hub.ts, with
// REDIS_URL) the shared one — pub/sub for the live part, a stream per channel for replay. One contract
// suite (tests/server/store/hub-contract.test.ts) runs against both.
import { REPLAY_BYTES, REPLAY_BYTES_TOTAL, REPLAY_EVENTS } from './limits';

/** Who may see an event: everyone in the room, only the instructor, or one student. */
export type Audience = 'all' | 'instructor' | `student:${string}`;

export interface HubEvent {
  /** Position in the channel: decimal digits, increasing by one per event ("1", "2"…). */
  id: string;
  /** The SSE event name, e.g. "broadcast". */
  type: string;
  /** The data as UTF-8 JSON, serialised once at publish time. It is the only form the hub keeps (no parsed
   *  copy beside it), so the replay budget counts what is really held, and every stream writes these same
   *  bytes (an event reaches hundreds of streams without a copy per stream). */
  json: Buffer;
  audience: Audience;
  /** When it was published (ISO 8601). */
  at: string;
}

export interface PublishInput {
  type: string;
  data: unknown;
  audience?: Audience;
}

/** Receives each event as it is published, with the data as published (live only: the hub does not keep it). */
export type HubListener = (event: HubEvent, data: unknown) => void;

/** What a reconnecting client missed, or `gap` when the hub no longer holds all of it. */
export type Replay = { kind: 'events'; events: HubEvent[] } | { kind: 'gap' };

export interface Hub {
  /** Appends an event to a channel and hands it to every subscriber, in publish order. */
  publish(channel: string, input: PublishInput): Promise<HubEvent>;
  /** Calls `listener` with every event published from now on; returns the function that stops it.
   *  `onLost` is called when a shared hub stops handing this listener the channel's events: it lost some
   *  while it could not hear them, or the channel was dropped (by any process). The listener should end,
   *  e.g. end its event stream so the browser reconnects with Last-Event-ID. The in-memory hub loses no
   *  event and leaves ending streams on drop to its caller, so it never calls it. */
  subscribe(channel: string, listener: HubListener, onLost?: () => void): () => void;
  /** The events after `lastId`, oldest first. */
  replay(channel: string, lastId: string): Promise<Replay>;
  /** The id of the newest event ("0" before the first). */
  lastId(channel: string): Promise<string>;
  /** Forgets a channel and its subscribers (the room or inbox is gone). */
  drop(channel: string): Promise<void>;
}

/** Event ids are decimal counters; compares two of them (-1, 0, 1). */
export function compareEventIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A Last-Event-ID value the hub can use: 1 to 15 digits. Anything else counts as absent. */
export function parseEventId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return /^\d{1,15}$/.test(trimmed) ? String(Number(trimmed)) : undefined;
}

interface Kept {
  /** The event, until it leaves its channel's buffer (then FORGOTTEN, so the order list below does not keep
   *  its bytes alive while it waits to be compacted). */
  event: HubEvent;
  size: number;
  channel: Channel;
  /** Set once the event has left its channel's buffer (by any of the bounds, or a drop). */
  gone: boolean;
}

interface Channel {
  next: number;
  /** Replay buffer, oldest first, bounded by REPLAY_EVENTS and REPLAY_BYTES. */
  events: Kept[];
  bytes: number;
  listeners: Set<HubListener>;
}

/** What a kept entry points to once its event is gone. */
const FORGOTTEN: HubEvent = { id: '0', type: '', json: Buffer.alloc(0), audience: 'all', at: '' };

export interface MemoryHubOptions {
  now?: () => Date;
  /** Events kept per channel. */
  maxEvents?: number;
  /** Bytes kept per channel. */
  maxBytes?: number;
  /** Bytes kept by all channels together. */
  maxTotalBytes?: number;
  /** Id of the first event of every channel (default 1). The server starts it at the clock's milliseconds,
   *  so ids keep growing across a restart: a browser that reconnects with an id from before the restart is
   *  never handed this process's events as if they were the ones it missed. */
  firstId?: number;
}

export class MemoryHub implements Hub {
  readonly #channels = new Map<string, Channel>();
  readonly #now: () => Date;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #maxTotalBytes: number;
  readonly #firstId: number;
  /** Every kept event of every channel in publish order, so the oldest anywhere can go first. */
  #all: Kept[] = [];
  #allStart = 0;
  /** Entries of #all (from #allStart on) whose event is gone: compacted away once they are the majority. */
  #goneInAll = 0;
  #totalBytes = 0;

  constructor(options: MemoryHubOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#maxEvents = options.maxEvents ?? REPLAY_EVENTS;
    this.#maxBytes = options.maxBytes ?? REPLAY_BYTES;
    this.#maxTotalBytes = options.maxTotalBytes ?? REPLAY_BYTES_TOTAL;
    this.#firstId = options.firstId ?? 1;
  }

  /** Bytes kept for replay by all channels. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  #forgetOldest(channel: Channel): void {
    const kept = channel.events.shift()!;
    kept.gone = true;
    kept.event = FORGOTTEN;
    this.#goneInAll += 1;
    channel.bytes -= kept.size;
    this.#totalBytes -= kept.size;
  }

  #trimTotal(): void {
    while (this.#totalBytes > this.#maxTotalBytes && this.#allStart < this.#all.length) {
      const kept = this.#all[this.#allStart]!;
      this.#allStart += 1;
      // Events leave a channel oldest first, so a kept event here is the first of its channel.
      if (kept.gone) this.#goneInAll -= 1;
      else {
        this.#forgetOldest(kept.channel);
        this.#goneInAll -= 1;
      }
    }
    const live = this.#all.length - this.#allStart;
    if (this.#goneInAll > 1_024 && this.#goneInAll * 2 > live) {
      this.#all = this.#all.slice(this.#allStart).filter((kept) => !kept.gone);
      this.#allStart = 0;
      this.#goneInAll = 0;
    }
  }

  /** Entries the global order list holds (for the test that it stays bounded). */
  get orderEntries(): number {
    return this.#all.length - this.#allStart;
  }

  #channel(name: string): Channel {
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { next: this.#firstId, events: [], bytes: 0, listeners: new Set() };
      this.#channels.set(name, channel);
    }
    return channel;
  }

  async publish(name: string, input: PublishInput): Promise<HubEvent> {
    const channel = this.#channel(name);
    const event: HubEvent = {
      id: String(channel.next),
      type: input.type,
      json: Buffer.from(JSON.stringify(input.data) ?? 'null'),
      audience: input.audience ?? 'all',
      at: this.#now().toISOString(),
    };
    channel.next += 1;
    const kept: Kept = { event, size: event.json.length, channel, gone: false };
    channel.events.push(kept);
    channel.bytes += kept.size;
    this.#totalBytes += kept.size;
    this.#all.push(kept);
    while (channel.events.length > this.#maxEvents || (channel.bytes > this.#maxBytes && channel.events.length > 1)) {
      this.#forgetOldest(channel);
    }
    this.#trimTotal();
    // A copy, so a listener that unsubscribes (or subscribes) while we deliver does not change this round.
    for (const listener of [...channel.listeners]) listener(event, input.data);
    return event;
  }

  subscribe(name: string, listener: HubListener): () => void {
    const channel = this.#channel(name);
    channel.listeners.add(listener);
    return () => {
      channel.listeners.delete(listener);
    };
  }

  async replay(name: string, lastId: string): Promise<Replay> {
    const channel = this.#channels.get(name);
    const newest = channel ? channel.next - 1 : this.#firstId - 1;
    const last = Number(lastId);
    // An id from the future comes from another server: the client must start over.
    if (last > newest) return { kind: 'gap' };
    if (last === newest) return { kind: 'events', events: [] };
    // Older than anything this process published: from before a restart.
    if (!channel) return { kind: 'gap' };
    const oldest = channel.events.length > 0 ? Number(channel.events[0]!.event.id) : channel.next;
    if (last < oldest - 1) return { kind: 'gap' };
    return { kind: 'events', events: channel.events.filter(({ event }) => Number(event.id) > last).map(({ event }) => event) };
  }

  async lastId(name: string): Promise<string> {
    const channel = this.#channels.get(name);
    return String(channel ? channel.next - 1 : this.#firstId - 1);
  }

  async drop(name: string): Promise<void> {
    const channel = this.#channels.get(name);
    if (!channel) return;
    while (channel.events.length > 0) this.#forgetOldest(channel);
    this.#channels.delete(name);
  }

  /** Subscribers on a channel (for tests and the benchmark). */
  listenerCount(name: string): number {
    return this.#channels.get(name)?.listeners.size ?? 0;
  }
}
