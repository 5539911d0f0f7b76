// Request inboxes ("request bins"): each keeps the last requests sent to /inbox/<id>/…, answers them
// with the owner's configured response, and publishes every capture on the hub channel inbox:<id>.
// Only the holder of the inbox's key may read it. Idle inboxes expire; room inboxes live as long as
// their room.
import { HttpProblem } from '../http/problem';
import { captureRequest, type ArrivedRequest } from './capture';
import { redactCapture } from '../protocol/redact';
import type { Hub } from './hub';
import { digestKey, INBOX_ID, keyMatches, newInboxId, newKey } from './ids';
import { INBOX_SAFETY_HEADERS, type ResponseCheck } from './inbox-response';
import { requireKey } from './keys';
import { CAPACITY_RETRY_AFTER_S } from './limits';
import { keepWatchedAlive } from './registry';
import { MemoryInboxStore, type InboxStore, type InboxStoreHooks } from './inbox-store';
import type { Inbox, InboxKind } from './inbox-types';
import type { CapturedRequest, InboxLink, InboxResponse, InboxSummary } from '../protocol/classroom-types';
import type { StreamRegistry } from './sse';

export type { Inbox, InboxKind } from './inbox-types';

export interface InboxServiceOptions {
  hub: Hub;
  streams: StreamRegistry;
  now: () => Date;
  max: number;
  idleMs: number;
  history: number;
  bodyLimit: number;
  capturesPerMinute: number;
  /** Where inboxes are kept: in memory by default; makeStore builds another (Redis) from the hooks. */
  makeStore?: (hooks: InboxStoreHooks) => InboxStore;
}

/** What an inbox answers until its owner sets something else: 200 and a short JSON receipt. */
export const DEFAULT_INBOX_RESPONSE: InboxResponse = {
  status: 200,
  headers: [['Content-Type', 'application/json; charset=utf-8']],
  body: '',
  bodyEncoding: 'text',
};

export function inboxChannel(id: string): string {
  return `inbox:${id}`;
}

/** The answer an inbox sends: status, raw header list (order and spelling kept) and body. */
export interface InboxAnswer {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

/** An inbox as a snapshot or journal record keeps it (Buffers as base64, dates as ISO strings, captures as
 *  objects). Snapshots written before captures were kept as bytes hold {capture, size} items. */
export type SavedInbox = Omit<Inbox, 'keyDigest' | 'createdAt' | 'responseBody' | 'requests' | 'bytes'> & {
  keyDigest: string;
  createdAt: string;
  responseBody: string | null;
  requests: (CapturedRequest | { capture: CapturedRequest; size: number })[];
};

/**
 * One change to the inboxes, as the journal keeps it (DATA_DIR/journal.jsonl), flushed before the answer
 * that reports it: an inbox made, configured, emptied or deleted. Captures are kept only in snapshots.
 */
export type InboxRecord =
  | { op: 'create'; inbox: SavedInbox }
  | { op: 'response'; id: string; response: InboxResponse; body: string | null }
  | { op: 'clear'; id: string }
  | { op: 'remove'; id: string };

export function saveInbox(inbox: Inbox): SavedInbox {
  return {
    ...inbox,
    requests: inbox.requests.map((json) => JSON.parse(json.toString('utf8')) as CapturedRequest),
    keyDigest: inbox.keyDigest.toString('base64'),
    createdAt: inbox.createdAt.toISOString(),
    responseBody: inbox.responseBody ? inbox.responseBody.toString('base64') : null,
  };
}

export function loadInbox(raw: SavedInbox): Inbox {
  const requests = raw.requests.map((item) => Buffer.from(JSON.stringify('capture' in item ? item.capture : item)));
  return {
    ...raw,
    requests,
    bytes: requests.reduce((sum, json) => sum + json.length, 0),
    keyDigest: Buffer.from(raw.keyDigest, 'base64'),
    createdAt: new Date(raw.createdAt),
    responseBody: raw.responseBody === null ? null : Buffer.from(raw.responseBody, 'base64'),
  };
}

export class InboxService {
  /** Where the inboxes are kept (registry in memory, or Redis). */
  readonly #store: InboxStore;
  readonly #memory: MemoryInboxStore | undefined;
  readonly #options: InboxServiceOptions;
  /** Receives every change worth keeping through a crash (persistence journals it before answering). */
  onRecord: ((record: InboxRecord) => void) | undefined;
  /** Inboxes with event streams open here (shared store: their TTL is refreshed at each sweep). */
  readonly #watched = new Set<string>();
  /** Told of every capture kept, wherever it arrived (the room service relays room inboxes' captures). */
  onCaptured: ((inbox: Inbox, capture: CapturedRequest) => Promise<void>) | undefined;

  constructor(options: InboxServiceOptions) {
    this.#options = options;
    const perOwnerMax = Math.max(1, Math.floor(options.max / 4));
    const hooks: InboxStoreHooks = {
      max: options.max,
      idleMs: options.idleMs,
      now: options.now,
      openStreams: (id) => options.streams.count(inboxChannel(id)),
      expire: (inbox) => void this.remove(inbox, 'expired').catch(() => undefined),
      full: () =>
        new HttpProblem(
          'capacity-reached',
          `This server already holds ${options.max} inboxes, as many as it may. Unused inboxes expire after ${this.limits.idleMinutes} minutes; try again later.`,
          { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) }, extra: { limit: options.max } },
        ),
      shareUsed: (held) =>
        new HttpProblem(
          'too-many-requests',
          `Your network address already holds ${held} inboxes, the most one address may hold (a quarter of this server's ${options.max}). Delete inboxes you no longer need (DELETE /app/inboxes/<id> with the key), or wait until unused ones expire after ${this.limits.idleMinutes} minutes.`,
          { headers: { 'retry-after': '60' }, extra: { limit: perOwnerMax } },
        ),
      onAdded: (inbox) => this.#record({ op: 'create', inbox: saveInbox(inbox) }),
      onRemoved: (inbox) => this.#record({ op: 'remove', id: inbox.id }),
    };
    this.#store = options.makeStore?.(hooks) ?? new MemoryInboxStore(hooks);
    this.#memory = this.#store instanceof MemoryInboxStore ? this.#store : undefined;
  }

  /** Whether the inboxes are shared with other processes (Redis): then they are not snapshotted here. */
  get shared(): boolean {
    return this.#store.shared;
  }

  /** Inboxes held in this process's memory (0 when they are in Redis: see count()). */
  get size(): number {
    return this.#memory?.registry.size ?? 0;
  }

  count(): Promise<number> {
    return this.#store.count();
  }

  /** Every inbox, as plain JSON (Buffers as base64, dates as ISO strings), for a snapshot. */
  exportState(): unknown[] {
    return this.#memory?.registry.values().map(saveInbox) ?? [];
  }

  importState(saved: unknown[]): void {
    for (const raw of saved as SavedInbox[]) this.#memory?.restore(loadInbox(raw));
  }

  /** Applies a journalled change again (at start, after the snapshot). */
  applyRecord(record: InboxRecord): void {
    const memory = this.#memory;
    if (!memory) return;
    if (record.op === 'create') {
      memory.restore(loadInbox(record.inbox));
      return;
    }
    const inbox = memory.registry.peek(record.id);
    if (!inbox) return;
    if (record.op === 'response') {
      inbox.response = record.response;
      inbox.responseBody = record.body === null ? null : Buffer.from(record.body, 'base64');
    } else if (record.op === 'clear') {
      memory.emptyNow(inbox);
    } else {
      memory.forget(inbox.id);
    }
  }

  #record(record: InboxRecord): void {
    if (!this.#store.shared) this.onRecord?.(record);
  }

  get limits(): InboxSummary['limits'] {
    const o = this.#options;
    return { history: o.history, bodyBytes: o.bodyLimit, capturesPerMinute: o.capturesPerMinute, idleMinutes: Math.round(o.idleMs / 60_000) };
  }

  #nowMs(): number {
    return this.#options.now().getTime();
  }

  /** A new inbox and its key (the key is not kept, only its digest). 503 when the server holds INBOX_MAX;
   *  429 when `creator` (the address that asks for a stand-alone inbox) holds its share. */
  async create(kind: InboxKind, room: string | null = null, creator?: string): Promise<{ inbox: Inbox; key: string }> {
    await this.#store.admit(creator);
    const key = newKey();
    const now = this.#nowMs();
    const inbox: Inbox = {
      id: newInboxId(),
      keyDigest: digestKey(key),
      kind,
      room,
      createdAt: new Date(now),
      lastActivity: now,
      captured: 0,
      requests: [],
      bytes: 0,
      response: DEFAULT_INBOX_RESPONSE,
      responseBody: null,
      tokens: this.#options.capturesPerMinute,
      tokensAt: now,
      ...(creator === undefined ? {} : { creator }),
    };
    while (!(await this.#store.add(inbox))) inbox.id = newInboxId();
    return { inbox, key };
  }

  link(inbox: Inbox, key: string): InboxLink {
    return {
      id: inbox.id,
      key,
      url: `/inbox/${inbox.id}/`,
      viewUrl: `/inbox-view/${inbox.id}`,
      requestsUrl: `/app/inboxes/${inbox.id}/requests`,
      eventsUrl: `/app/inboxes/${inbox.id}/events`,
    };
  }

  /** The inbox, or undefined when there is none (or it just expired). */
  async get(id: string): Promise<Inbox | undefined> {
    return INBOX_ID.test(id) ? this.#store.get(id) : undefined;
  }

  notFound(id: string): HttpProblem {
    return new HttpProblem(
      'not-found',
      `There is no inbox ${JSON.stringify(id.slice(0, 40))}. Inbox ids are 12 letters and digits; an unused inbox is deleted after ${this.limits.idleMinutes} minutes. Make a new one with POST /app/inboxes.`,
    );
  }

  /** The inbox with this id, or a 404 that says what an id looks like. */
  async getOr404(id: string): Promise<Inbox> {
    const inbox = await this.get(id);
    if (!inbox) throw this.notFound(id);
    return inbox;
  }

  /** The inbox, if `key` is its key: 401 without a key, 403 for a wrong one. Counts as activity. */
  async authorize(inbox: Inbox, key: string | undefined): Promise<Inbox> {
    const where = 'The key was given once, when the inbox was made (in the room for room and student inboxes).';
    requireKey(key, { what: `inbox ${inbox.id}`, where, realm: 'inbox', notThis: "A room key or another inbox's key will not work." }, (k) => (keyMatches(k, inbox.keyDigest) ? inbox : undefined));
    inbox.lastActivity = this.#nowMs();
    await this.#store.touch(inbox);
    return inbox;
  }

  /** Keeps a request that arrived, publishes it, and returns it. */
  async capture(inbox: Inbox, arrived: ArrivedRequest): Promise<CapturedRequest> {
    const perMinute = this.#options.capturesPerMinute;
    const turn = await this.#store.take(inbox, perMinute, this.#nowMs());
    if (turn.kind === 'gone') throw this.notFound(inbox.id);
    if (turn.kind === 'rate') {
      const refillPerMs = perMinute / 60_000;
      const retryAfter = Math.max(1, Math.ceil((1 - turn.tokens) / refillPerMs / 1000));
      throw new HttpProblem(
        'too-many-requests',
        `Inbox ${inbox.id} captures at most ${perMinute} requests a minute, and this one was not captured. Wait ${retryAfter} s (the Retry-After header says so too), and slow down the loop that sends them.`,
        { headers: { 'retry-after': String(retryAfter) }, extra: { limit: perMinute, retryAfter } },
      );
    }
    const arrivedAs = captureRequest(inbox.id, turn.seq, arrived);
    // A room's inbox is shown to the whole class (and the projector): senders' credentials are masked
    // before the capture is kept, so no way of reading it — stream, list, view page — reveals them.
    const capture = inbox.kind === 'room' ? redactCapture(arrivedAs) : arrivedAs;
    const json = Buffer.from(JSON.stringify(capture));
    inbox.lastActivity = this.#nowMs();
    const kept = await this.#store.keep(inbox, json, this.#options.history, turn.seq);
    if (kept === 'gone') throw this.notFound(inbox.id);
    if (kept === 'full') {
      throw new HttpProblem(
        'capacity-reached',
        'The inboxes on this server hold as much captured data as they may, so this request was not captured. Try again in a minute, when older inboxes have expired.',
        { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) } },
      );
    }
    // The inbox's owner hears it; for room and student inboxes, the room too (relayed where it arrived).
    await this.#options.hub.publish(inboxChannel(inbox.id), { type: 'capture', data: { request: capture } });
    await this.onCaptured?.(inbox, capture);
    return capture;
  }

  /** The answer to a captured request: the configured response, or the default receipt. */
  answer(inbox: Inbox, capture: CapturedRequest): InboxAnswer {
    const { response } = inbox;
    const body =
      inbox.responseBody ??
      Buffer.from(
        `${JSON.stringify({ captured: true, inbox: inbox.id, seq: capture.seq, method: capture.method, path: capture.path, view: `/inbox-view/${inbox.id}` })}\n`,
      );
    const rawHeaders: string[] = [];
    for (const [name, value] of response.headers) rawHeaders.push(name, value);
    for (const [name, value] of Object.entries(INBOX_SAFETY_HEADERS)) rawHeaders.push(name, value);
    // RFC 9110 §8.6: no Content-Length on a 204; a 304's would describe the resource, not this empty body.
    if (response.status !== 204 && response.status !== 304) rawHeaders.push('Content-Length', String(body.length));
    return { status: response.status, rawHeaders, body };
  }

  async setResponse(inbox: Inbox, checked: Extract<ResponseCheck, { ok: true }>): Promise<InboxResponse> {
    inbox.response = checked.response;
    inbox.responseBody = checked.bodyBytes;
    await this.#store.saveResponse(inbox);
    this.#record({ op: 'response', id: inbox.id, response: inbox.response, body: inbox.responseBody ? inbox.responseBody.toString('base64') : null });
    await this.#options.hub.publish(inboxChannel(inbox.id), { type: 'response-changed', data: { response: inbox.response } });
    return inbox.response;
  }

  async resetResponse(inbox: Inbox): Promise<InboxResponse> {
    inbox.response = DEFAULT_INBOX_RESPONSE;
    inbox.responseBody = null;
    await this.#store.saveResponse(inbox);
    this.#record({ op: 'response', id: inbox.id, response: inbox.response, body: null });
    await this.#options.hub.publish(inboxChannel(inbox.id), { type: 'response-changed', data: { response: inbox.response } });
    return inbox.response;
  }

  /** The kept captures, oldest first, as their JSON bytes (written to a response as they are). */
  requests(inbox: Inbox): Promise<readonly Buffer[]> {
    return this.#store.requests(inbox);
  }

  async clear(inbox: Inbox): Promise<void> {
    await this.#store.clear(inbox);
    this.#record({ op: 'clear', id: inbox.id });
    await this.#options.hub.publish(inboxChannel(inbox.id), { type: 'inbox-cleared', data: {} });
  }

  summary(inbox: Inbox): InboxSummary {
    return {
      id: inbox.id,
      url: `/inbox/${inbox.id}/`,
      viewUrl: `/inbox-view/${inbox.id}`,
      room: inbox.room,
      kind: inbox.kind,
      createdAt: inbox.createdAt.toISOString(),
      lastActivityAt: new Date(inbox.lastActivity).toISOString(),
      captured: inbox.captured,
      response: inbox.response,
      limits: this.limits,
    };
  }

  /** Deletes an inbox at once; then its stream hears why and ends. */
  async remove(inbox: Inbox, reason: 'deleted' | 'expired' | 'room-closed'): Promise<void> {
    if (!(await this.#store.remove(inbox))) return;
    const channel = inboxChannel(inbox.id);
    await this.#options.hub.publish(channel, { type: 'inbox-closed', data: { reason } });
    this.#options.streams.closeTag(channel);
    await this.#options.hub.drop(channel);
  }

  /** Removes idle inboxes (not room inboxes: they go with their room). They are gone when this returns;
   *  their streams hear about it a moment later. With Redis, inboxes expire by their TTL. */
  async sweep(): Promise<void> {
    const orphans = await this.#store.sweep();
    if (!this.#store.shared) return;
    for (const id of orphans ?? []) {
      const inbox = await this.#store.peek(id);
      if (inbox) await this.remove(inbox, 'room-closed');
    }
    await keepWatchedAlive(this.#watched, (id) => this.#options.streams.count(inboxChannel(id)), this.#store);
  }

  /** An event stream opened on the inbox here: a shared store keeps it alive while one is open. */
  watching(inbox: Inbox): void {
    if (this.#store.shared) this.#watched.add(inbox.id);
  }
}
