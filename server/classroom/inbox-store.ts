// Where inboxes are kept: in this process's memory (the default, journalled with DATA_DIR), or in Redis with
// REDIS_URL (server/store/redis/inboxes.ts), so that a request sent to an inbox is captured whichever process
// it reaches. The inbox service changes the `Inbox` it got from the store first; each store method then makes
// the change the kept one (in memory the Inbox is the kept object; in Redis each write is one Lua script).
import type { HttpProblem } from '../http/problem';
import { CAPTURE_BYTES_TOTAL, INBOX_HISTORY_BYTES } from './limits';
import { ExpiringRegistry } from './registry';
import type { Inbox } from './inbox-types';

export interface InboxStoreHooks {
  max: number;
  idleMs: number;
  now: () => Date;
  full: () => HttpProblem;
  shareUsed: (held: number) => HttpProblem;
  /** Event streams open on the inbox in this process (memory: it does not expire while one is). */
  openStreams: (id: string) => number;
  /** Ends an idle inbox (memory; Redis inboxes expire by TTL). */
  expire: (inbox: Inbox) => void;
  onAdded?: (inbox: Inbox) => void;
  onRemoved?: (inbox: Inbox) => void;
}

/** A capture's turn: its number, or why it is refused (the rate limit's tokens left, or the inbox gone). */
export type TakeOutcome = { kind: 'ok'; seq: number } | { kind: 'rate'; tokens: number } | { kind: 'gone' };
/** Keeping a capture: kept, or refused because all inboxes together hold CAPTURE_BYTES_TOTAL. */
export type KeepOutcome = 'kept' | 'full' | 'gone';

export interface InboxStore {
  readonly shared: boolean;
  count(): Promise<number>;
  /** A quick check before the inbox is made (memory). */
  admit(creator: string | undefined): Promise<void>;
  /** Adds the inbox, checking INBOX_MAX and the creator's share atomically; false when the id is taken. */
  add(inbox: Inbox): Promise<boolean>;
  get(id: string): Promise<Inbox | undefined>;
  peek(id: string): Promise<Inbox | undefined>;
  /** The inbox was used now (lastActivity already set). */
  touch(inbox: Inbox): Promise<void>;
  /** Takes one capture from the inbox's rate limit and numbers it (a number taken is not given back, even
   *  when the capture is then refused for space). */
  take(inbox: Inbox, perMinute: number, now: number): Promise<TakeOutcome>;
  /** Keeps a capture's JSON, the newest `history` (and INBOX_HISTORY_BYTES) of them. */
  keep(inbox: Inbox, json: Buffer, history: number, seq: number): Promise<KeepOutcome>;
  /** Keeps the configured response (already set on `inbox`). */
  saveResponse(inbox: Inbox): Promise<void>;
  clear(inbox: Inbox): Promise<void>;
  requests(inbox: Inbox): Promise<readonly Buffer[]>;
  remove(inbox: Inbox): Promise<boolean>;
  /** Memory: ends idle inboxes. Redis (TTL): takes expired ones off the index and the byte total, and names
   *  room inboxes whose room has gone (to be removed). */
  sweep(): void | Promise<string[]>;
}

/** Inboxes in this process's memory: at most INBOX_MAX, a quarter of them per address, unused ones deleted. */
export class MemoryInboxStore implements InboxStore {
  readonly shared = false;
  readonly registry: ExpiringRegistry<Inbox>;
  #totalBytes = 0;

  constructor(hooks: InboxStoreHooks) {
    this.registry = new ExpiringRegistry<Inbox>({
      max: hooks.max,
      idleMs: hooks.idleMs,
      now: hooks.now,
      keyOf: (inbox) => inbox.id,
      lastActivityOf: (inbox) => inbox.lastActivity,
      // Only stand-alone inboxes count against an address's share: a quarter of INBOX_MAX, a lecture hall's
      // worth at the default.
      ownerOf: (inbox) => inbox.creator,
      openStreams: (inbox) => hooks.openStreams(inbox.id),
      // A room's inboxes go with their room.
      expires: (inbox) => inbox.room === null,
      expire: hooks.expire,
      full: hooks.full,
      shareUsed: hooks.shareUsed,
      ...(hooks.onAdded ? { onAdded: hooks.onAdded } : {}),
      ...(hooks.onRemoved ? { onRemoved: hooks.onRemoved } : {}),
    });
  }

  /** Puts back an inbox as a snapshot or the journal kept it. */
  restore(inbox: Inbox): void {
    this.registry.restore(inbox);
    this.#totalBytes += inbox.bytes;
  }

  /** Takes an inbox off as the journal says (at start). */
  forget(id: string): void {
    const inbox = this.registry.forget(id);
    if (inbox) this.#totalBytes -= inbox.bytes;
  }

  emptyNow(inbox: Inbox): void {
    this.#totalBytes -= inbox.bytes;
    inbox.requests = [];
    inbox.bytes = 0;
  }

  async count(): Promise<number> {
    return this.registry.size;
  }

  async admit(creator: string | undefined): Promise<void> {
    this.registry.admit(creator);
  }

  async add(inbox: Inbox): Promise<boolean> {
    if (this.registry.has(inbox.id)) return false;
    this.registry.add(inbox);
    return true;
  }

  async get(id: string): Promise<Inbox | undefined> {
    return this.registry.get(id);
  }

  async peek(id: string): Promise<Inbox | undefined> {
    return this.registry.peek(id);
  }

  async touch(): Promise<void> {}

  async take(inbox: Inbox, perMinute: number, now: number): Promise<TakeOutcome> {
    const refillPerMs = perMinute / 60_000;
    inbox.tokens = Math.min(perMinute, inbox.tokens + (now - inbox.tokensAt) * refillPerMs);
    inbox.tokensAt = now;
    if (inbox.tokens < 1) return { kind: 'rate', tokens: inbox.tokens };
    inbox.tokens -= 1;
    inbox.captured += 1;
    return { kind: 'ok', seq: inbox.captured };
  }

  async keep(inbox: Inbox, json: Buffer, history: number): Promise<KeepOutcome> {
    const size = json.length;
    if (this.#totalBytes + size > CAPTURE_BYTES_TOTAL) return 'full';
    inbox.requests.push(json);
    inbox.bytes += size;
    this.#totalBytes += size;
    while (inbox.requests.length > history || (inbox.bytes > INBOX_HISTORY_BYTES && inbox.requests.length > 1)) {
      const dropped = inbox.requests.shift()!;
      inbox.bytes -= dropped.length;
      this.#totalBytes -= dropped.length;
    }
    return 'kept';
  }

  async saveResponse(): Promise<void> {}

  async clear(inbox: Inbox): Promise<void> {
    this.emptyNow(inbox);
  }

  async requests(inbox: Inbox): Promise<readonly Buffer[]> {
    return inbox.requests;
  }

  async remove(inbox: Inbox): Promise<boolean> {
    if (!this.registry.remove(inbox)) return false;
    this.#totalBytes -= inbox.bytes;
    return true;
  }

  sweep(): void {
    this.registry.sweep();
  }
}
