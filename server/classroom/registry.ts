// The skeleton rooms and inboxes share: an expiring, capped registry. It holds at most `max` entries, one
// owner (the address that made them) at most a quarter of them, and ends an entry idle for `idleMs` — unless
// an event stream is open on it — when a sweep or a lookup finds it so. Additions and removals are told to
// a persistence hook (the journal), so the service that owns the entries only adds its other changes.
// What the entries are, the problems users see and how an entry ends are the service's.
import type { HttpProblem } from '../http/problem';

export interface ExpiringRegistryOptions<T> {
  /** Most entries on the server. */
  max: number;
  /** An entry nobody used for this long, with no event stream open, expires. */
  idleMs: number;
  now: () => Date;
  /** The entry's key (a room code, an inbox id). */
  keyOf: (entry: T) => string;
  /** When the entry was last used (ms since the epoch). */
  lastActivityOf: (entry: T) => number;
  /** Who holds the entry, for the per-owner share; undefined: counted for nobody. */
  ownerOf: (entry: T) => string | undefined;
  /** Event streams open on the entry: it does not expire while one is. */
  openStreams: (entry: T) => number;
  /** Whether the entry expires on its own at all (a room's inboxes go with their room). Default: yes. */
  expires?: (entry: T) => boolean;
  /** Ends an expired entry; it must take the entry off the registry (remove) before it returns. */
  expire: (entry: T) => void;
  /** The problem when the server holds `max` entries even after a sweep (503). */
  full: () => HttpProblem;
  /** The problem when the owner holds its share already (429). */
  shareUsed: (held: number) => HttpProblem;
  /** Persistence: told of every entry added and removed (not of those restored or forgotten at start). */
  onAdded?: (entry: T) => void;
  onRemoved?: (entry: T) => void;
}

export class ExpiringRegistry<T> {
  readonly #entries = new Map<string, T>();
  readonly #options: ExpiringRegistryOptions<T>;

  constructor(options: ExpiringRegistryOptions<T>) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  get max(): number {
    return this.#options.max;
  }

  /** The most entries one owner may hold: a quarter of the maximum (at least one), so one machine cannot
   *  take every room or inbox and lock out everyone else. */
  get perOwnerMax(): number {
    return Math.max(1, Math.floor(this.#options.max / 4));
  }

  /** Every entry, expired or not. */
  values(): T[] {
    return [...this.#entries.values()];
  }

  /** Whether the key is taken (for drawing a new one). */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The entry under `key`, without looking at its age (for the service's own bookkeeping). */
  peek(key: string): T | undefined {
    return this.#entries.get(key);
  }

  /** The entry under `key`, or undefined when there is none — or it was idle too long: then it ends now. */
  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.isExpired(entry, this.#options.now().getTime())) {
      this.#options.expire(entry);
      return undefined;
    }
    return entry;
  }

  /** Whether the entry has been idle too long at `now`, with no event stream open on it. */
  isExpired(entry: T, now: number): boolean {
    const o = this.#options;
    return o.expires?.(entry) !== false && now - o.lastActivityOf(entry) > o.idleMs && o.openStreams(entry) === 0;
  }

  /** Throws when a new entry for `owner` does not fit: the `full` problem when the server holds `max` even
   *  after ending idle entries, the `shareUsed` one when the owner holds its share already. */
  admit(owner: string | undefined): void {
    if (this.#entries.size >= this.#options.max) this.sweep();
    if (this.#entries.size >= this.#options.max) throw this.#options.full();
    if (owner === undefined) return;
    let held = 0;
    for (const entry of this.#entries.values()) if (this.#options.ownerOf(entry) === owner) held += 1;
    if (held >= this.perOwnerMax) throw this.#options.shareUsed(held);
  }

  /** Adds a new entry (admitted first) and tells the persistence hook. */
  add(entry: T): void {
    this.restore(entry);
    this.#options.onAdded?.(entry);
  }

  /** Takes the entry off and tells the persistence hook; false when it was already gone (ended twice). */
  remove(entry: T): boolean {
    const key = this.#options.keyOf(entry);
    if (this.#entries.get(key) !== entry) return false;
    this.#entries.delete(key);
    this.#options.onRemoved?.(entry);
    return true;
  }

  /** Puts back an entry as a snapshot or the journal kept it. */
  restore(entry: T): void {
    this.#entries.set(this.#options.keyOf(entry), entry);
  }

  /** Takes an entry off as the journal says (at start): the entry, or undefined when there was none. */
  forget(key: string): T | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry;
  }

  /** Ends every entry idle too long. They are off the registry when this returns. */
  sweep(): void {
    const now = this.#options.now().getTime();
    for (const entry of this.values()) if (this.isExpired(entry, now)) this.#options.expire(entry);
  }
}

/** With a shared store: refreshes the idle time of every entry this process still holds event streams for
 *  (so it does not expire while watched here) and stops watching the others. */
export async function keepWatchedAlive<T>(
  watched: Set<string>,
  streamsOpen: (id: string) => number,
  store: { peek(id: string): Promise<T | undefined>; touch(entry: T): Promise<unknown> },
): Promise<void> {
  for (const id of [...watched]) {
    if (streamsOpen(id) === 0) {
      watched.delete(id);
      continue;
    }
    const entry = await store.peek(id);
    if (entry) await store.touch(entry);
  }
}
