// Chooses the sandbox each request works in: the `sandbox` cookie the app issues, or the X-Sandbox
// header or ?sandbox= parameter for curl users, or else the shared demo sandbox.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import { MemorySandboxStore, type StoreRecord, type StoreSnapshot } from '../store/memory-store';
import { seedData } from '../store/seed';
import { RedisSandboxStore } from '../store/redis/sandboxes';
import type { Redis } from 'ioredis';
import { COLLECTION_NAMES, type SandboxData, type SandboxStore } from '../store/types';
import type { SandboxInfo } from '../protocol/api-types';
import { parseCookies, serializeCookie } from './cookies';
import { isHttps } from './client-address';

export const SANDBOX_COOKIE = 'sandbox';
export const SANDBOX_HEADER = 'x-sandbox';
export const DEMO_SANDBOX = 'demo';
const SANDBOX_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const COOKIE_MAX_AGE = 60 * 60 * 24 * 30;

export interface SandboxServiceOptions {
  maxSandboxes: number;
  itemLimit: number;
  idleMs: number;
  now?: () => Date;
  store?: SandboxStore;
  /** With REDIS_URL: sandboxes live in Redis, shared by every server process. */
  redis?: Redis;
}

export interface RequestSandbox {
  id: string;
  shared: boolean;
  data: SandboxData;
}

export class SandboxService {
  readonly store: SandboxStore;
  /** Each request opens its sandbox once (the auth hook and the handler share it), kept on the request
   *  itself: a field is cheaper than a WeakMap entry per request, for the allocator and the collector. */
  readonly #resolving = Symbol('sandbox being opened');
  readonly #resolved = Symbol('sandbox opened');

  /** The request fields this service keeps its per-request state in. */
  get requestKeys(): readonly symbol[] {
    return [this.#resolving, this.#resolved];
  }

  constructor(readonly options: SandboxServiceOptions) {
    this.store =
      options.store ??
      (options.redis
        ? new RedisSandboxStore(options.redis, { seed: seedData, maxSandboxes: options.maxSandboxes, itemLimit: options.itemLimit, idleMs: options.idleMs, pinned: [DEMO_SANDBOX], now: options.now })
        : undefined) ??
      new MemorySandboxStore({
        seed: seedData,
        maxSandboxes: options.maxSandboxes,
        itemLimit: options.itemLimit,
        idleMs: options.idleMs,
        pinned: [DEMO_SANDBOX],
        now: options.now,
      });
  }

  /** A fresh private sandbox id: 12 characters from an alphabet without look-alikes (no 0/o, 1/l). */
  static newId(): string {
    const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
    return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
  }

  /** The sandbox id a request names, and where it named it; undefined when it names none. */
  requested(request: FastifyRequest): { id: string; source: string } | undefined {
    const header = request.headers[SANDBOX_HEADER];
    if (typeof header === 'string' && header !== '') return { id: header, source: 'the X-Sandbox header' };
    const query = (request.query as Record<string, unknown> | undefined)?.sandbox;
    if (typeof query === 'string' && query !== '') return { id: query, source: 'the sandbox query parameter' };
    const cookie = parseCookies(request.headers.cookie)[SANDBOX_COOKIE];
    if (cookie) return { id: cookie, source: 'the sandbox cookie' };
    return undefined;
  }

  /** The sandbox this request works in (resolved once per request). */
  forRequest(request: FastifyRequest): Promise<RequestSandbox> {
    const held = request as unknown as Record<symbol, Promise<RequestSandbox> | undefined>;
    let resolving = held[this.#resolving];
    if (!resolving) {
      resolving = this.#resolve(request);
      held[this.#resolving] = resolving;
    }
    return resolving;
  }

  async #resolve(request: FastifyRequest): Promise<RequestSandbox> {
    const named = this.requested(request);
    const id = named?.id ?? DEMO_SANDBOX;
    if (!SANDBOX_ID.test(id)) {
      throw new HttpProblem(
        'invalid-sandbox',
        `${named?.source ?? 'The request'} names the sandbox ${JSON.stringify(id.slice(0, 60))}, which is not a valid name. Use 1 to 40 lower-case letters, digits, - or _ (for example X-Sandbox: maya), or leave it out to use the shared demo sandbox.`,
      );
    }
    const resolved = { id, shared: id === DEMO_SANDBOX, data: await this.store.open(id) };
    (request as unknown as Record<symbol, RequestSandbox>)[this.#resolved] = resolved;
    return resolved;
  }

  /** The sandbox this request already resolved, if any (for response headers). */
  peek(request: FastifyRequest): RequestSandbox | undefined {
    return (request as unknown as Record<symbol, RequestSandbox | undefined>)[this.#resolved] ?? undefined;
  }

  async info(sandbox: RequestSandbox): Promise<SandboxInfo> {
    const counts: Record<string, number> = {};
    const found = await Promise.all(COLLECTION_NAMES.map((name) => sandbox.data[name].count()));
    COLLECTION_NAMES.forEach((name, index) => {
      counts[name] = found[index]!;
    });
    return { id: sandbox.id, shared: sandbox.shared, counts, limits: { itemsPerCollection: this.options.itemLimit } };
  }

  /** Gives the browser its own sandbox when it has none yet. */
  issueCookie(request: FastifyRequest, reply: FastifyReply, id = SandboxService.newId()): string {
    reply.header('set-cookie', serializeCookie(SANDBOX_COOKIE, id, { maxAgeSeconds: COOKIE_MAX_AGE, secure: isHttps(request) }));
    return id;
  }

  hasCookie(request: FastifyRequest): boolean {
    return Boolean(parseCookies(request.headers.cookie)[SANDBOX_COOKIE]);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    sandboxes: SandboxService;
  }
}

export default fp<SandboxServiceOptions>(
  async (app, options) => {
    const service = new SandboxService(options);
    app.decorate('sandboxes', service);
    // Every request has the two fields from the start, so requests keep one shape.
    for (const key of service.requestKeys) app.decorateRequest(key as never, null as never);
    const store = service.store;
    if (store instanceof MemorySandboxStore) {
      app.persistence.register({
        name: 'sandboxes',
        version: () => store.changes,
        save: () => store.exportState(),
        restore: (data) => store.importState(data as StoreSnapshot),
        journal: {
          attach: (write) => {
            store.onRecord = write;
          },
          apply: (record) => store.applyRecord(record as unknown as StoreRecord),
        },
      });
    }
  },
  { name: 'sandboxes', dependencies: ['persistence'] },
);
