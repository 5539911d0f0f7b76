// Shared pieces of the toy API's route files: declaring a resource (OPTIONS + 405), listing a
// collection with search, sort and pages, and finding one item or answering 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linkHeader, matchesText, paginate, parseSort, sortItems } from '../../http/collection-query';
import { notFound } from '../../http/problem';
import type { RepresentationNames } from '../../http/representations';
import { sendRepresentation } from '../../http/send-representation';
import { Type } from 'typebox';
import type { UserRecord } from '../../store/types';
import { ProblemSchema } from '../../protocol/toy-api-schemas';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApp = FastifyInstance<any, any, any, any, any>;

/** A 204 response: no body at all (RFC 9110 §15.3.5). */
export const NoContent = Type.Unsafe<undefined>({ description: 'No content: the response has no body.' });

/** Response schemas shared by the routes, for the OpenAPI document. */
export const problemResponses = {
  '4xx': { ...ProblemSchema, description: 'A problem (RFC 9457) saying what was wrong and how to fix it.' },
} as const;

/**
 * Declares a resource path and the methods it handles: OPTIONS answers 204 with Allow, and any other
 * method gets 405 with the same Allow list (from the app's not-found handler).
 */
export function declareResource(app: AnyApp, path: string, methods: readonly string[]): void {
  const allow = app.resources.declare(`${app.prefix}${path}`, methods).join(', ');
  app.options(path, { schema: { hide: true } }, async (_request, reply) => reply.code(204).header('allow', allow).send());
}

export interface ListQuery {
  page?: number;
  per_page?: number;
  q?: string;
  sort?: string;
}

export interface ListOptions<T> {
  names: RepresentationNames;
  /** Fields ?q= searches. */
  searchFields: readonly (keyof T & string)[];
  /** Fields ?sort= accepts. */
  sortable: readonly (keyof T & string)[];
}

/** Sends one page of a collection with X-Total-Count and Link (first, prev, next, last). */
export function sendList<T extends { id: number }>(
  request: FastifyRequest,
  reply: FastifyReply,
  items: readonly T[],
  query: ListQuery,
  options: ListOptions<T> & { cacheKey?: string },
): FastifyReply {
  const cacheKey = options.cacheKey && `${options.cacheKey}|${request.url}`;
  // The page of a list that has not changed since (same revisions, same URL) is the same page: searched,
  // sorted and linked once.
  let shown = cacheKey ? PAGES.get(cacheKey) : undefined;
  if (!shown) {
    const sortKeys = parseSort(query.sort, options.sortable);
    const found = query.q ? items.filter((item) => matchesText(item, query.q!, options.searchFields)) : items;
    const page = paginate(sortItems(found, sortKeys), query.page, query.per_page);
    const [path = '', search = ''] = request.url.split('?');
    shown = { total: String(page.total), link: linkHeader(path, new URLSearchParams(search), page), items: page.items };
    if (cacheKey) {
      PAGES.set(cacheKey, shown);
      if (PAGES.size > PAGES_MAX) PAGES.delete(PAGES.keys().next().value as string);
    }
  }
  reply.header('x-total-count', shown.total);
  reply.header('link', shown.link);
  return sendRepresentation(request, reply, shown.items, { names: options.names, etag: true, cacheKey });
}

/** Pages of lists by their cache key and URL (the key changes with every write to what the list shows). */
const PAGES = new Map<string, { total: string; link: string; items: readonly unknown[] }>();
/** Ceiling on remembered pages; the oldest are dropped beyond it. */
const PAGES_MAX = 500;

/**
 * The user the preValidation hook authenticated for a route with `config.login`. Calling it on a route
 * without `config.login` is a programming error, reported as a 500.
 */
export function loggedIn(request: FastifyRequest): UserRecord {
  if (!request.user) throw new Error(`Route ${request.routeOptions.url} reads the user but does not set config.login`);
  return request.user;
}

/** The item, or a 404 problem that says what to try instead. */
export function findOr404<T>(item: T | undefined, noun: string, id: number, listUrl: string): T {
  if (item === undefined) {
    throw notFound(`${noun} ${id}`, `It may have been deleted, or never existed in your sandbox. GET ${listUrl} lists the ones that exist.`);
  }
  return item;
}
