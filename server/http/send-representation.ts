// Sends data as the representation the client asked for, with the validators and caching headers a
// model HTTP API carries: Content-Type, Vary, ETag, Last-Modified, Cache-Control, and 304 when the
// client's copy is still good.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { evaluatePreconditions, parseEntityTags, type PreconditionHeaders } from './conditional';
import { negotiate, parseAccept } from './negotiate';
import { traceClock, traceStep } from '../trace/tracer';
import { HttpProblem } from './problem';
import {
  FORMAT_OF_MEDIA_TYPE,
  OFFERED_MEDIA_TYPES,
  serialize,
  type Format,
  type RepresentationNames,
} from './representations';

/** Serialised bodies and their ETags, by a key that changes whenever the data may (see `cacheKey`). */
const SERIALISED = new Map<string, { json: string; hash: string; bodies: Partial<Record<Format, string>> }>();
/** Ceiling on cached representations; the oldest are dropped beyond it. */
export const SERIALISED_MAX = 2_000;
/**
 * Serialised items, by the item itself: the store's items are frozen and replaced on every change, so a frozen
 * object always serialises the same (a conditional GET of one book then costs no serialising and no hash).
 */
const SERIALISED_ITEMS = new WeakMap<object, Map<RepresentationNames, { json: string; hash: string; bodies: Partial<Record<Format, string>> }>>();
/** HTTP dates by the ISO timestamps they format (Last-Modified repeats a few timestamps over and over). */
const HTTP_DATES = new Map<string, string>();

export interface RepresentationOptions {
  /** Caches the serialised representations under this key; it must change whenever `data` may. */
  cacheKey?: string;
  names: RepresentationNames;
  status?: number;
  /** Send an ETag (and answer If-None-Match). */
  etag?: boolean;
  /** Send Last-Modified (and answer If-Modified-Since). */
  lastModified?: string;
}

/** Picks the format from Accept, or throws 406 naming what we can send. */
export function chooseFormat(request: FastifyRequest): { format: Format; mediaType: string } {
  const startedAt = traceClock();
  const mediaType = negotiate(request.headers.accept, OFFERED_MEDIA_TYPES);
  if (startedAt !== undefined) traceNegotiation(request.headers.accept, mediaType, startedAt);
  if (mediaType === null) {
    throw new HttpProblem(
      'not-acceptable',
      `Nothing here matches your Accept header (${JSON.stringify(request.headers.accept)}). This resource is available as ${OFFERED_MEDIA_TYPES.join(', ')}. Change Accept to one of them, or leave it out to get JSON.`,
      { extra: { available: [...OFFERED_MEDIA_TYPES] } },
    );
  }
  return { format: FORMAT_OF_MEDIA_TYPE[mediaType as keyof typeof FORMAT_OF_MEDIA_TYPE], mediaType };
}

/** The X-ray of content negotiation: the Accept header as parsed, what is offered, what was chosen. */
function traceNegotiation(accept: string | undefined, chosen: string | null, startedAt: number): void {
  const ranges = accept ? parseAccept(accept).map((r) => `${r.type}/${r.subtype};q=${r.q}`) : [];
  traceStep({
    stage: 'negotiation',
    title: chosen ? `Chose ${chosen}` : 'Nothing offered matches Accept',
    outcome: chosen ? 'pass' : 'refused',
    why: accept
      ? `Accept asks for ${ranges.join(', ') || 'nothing readable'}; this resource is offered as ${OFFERED_MEDIA_TYPES.join(', ')}.${chosen ? ` ${chosen} has the highest preference (q-value, then the more specific range).` : ''}`
      : `No Accept header: any type will do, so the first offered, ${chosen}, is sent.`,
    facts: { accept: accept ?? '(none)', offered: OFFERED_MEDIA_TYPES.join(', '), chosen },
    learn: { kind: 'header', id: 'Accept' },
    startedAt,
  });
}

/** The X-ray of a conditional request: the validators compared and the outcome. */
function traceConditional(headers: PreconditionHeaders, current: { etag?: string; lastModified?: string }, outcome: string, startedAt: number): void {
  const sent = Object.entries(headers).filter(([, value]) => value !== undefined);
  if (sent.length === 0) return;
  const header = sent.map(([name]) => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())).join(', ');
  traceStep({
    stage: 'conditional',
    title: outcome === 'not-modified' ? `${header} matched: 304 Not Modified` : outcome === 'failed' ? `${header} failed: 412 Precondition Failed` : `${header} checked: the request goes on`,
    outcome: outcome === 'failed' ? 'refused' : 'pass',
    why: `Compared what you sent with the current ETag ${current.etag ?? '(none)'}${current.lastModified ? ` and Last-Modified ${httpDate(current.lastModified)}` : ''}, in the order RFC 9110 §13.2.2 gives.`,
    facts: { ...Object.fromEntries(sent), 'current etag': current.etag ?? null, ...(current.lastModified ? { 'last-modified': httpDate(current.lastModified) } : {}) },
    learn: { kind: 'status', id: outcome === 'not-modified' ? '304' : outcome === 'failed' ? '412' : '200' },
    startedAt,
  });
}

/** A content hash of the JSON representation; each other format's tag adds its own suffix. */
function hashOf(json: string): string {
  return createHash('sha1').update(json).digest('base64url').slice(0, 16);
}

function tagFor(hash: string, format: Format): string {
  return format === 'json' ? `"${hash}"` : `"${hash}-${format}"`;
}

export function entityTag(data: unknown, format: Format = 'json'): string {
  return tagFor(hashOf(serialize('json', data, { root: '', item: '' })), format);
}

/** Strong comparison that treats the per-format tags of the same content as the same version. */
export function sameVersion(clientTag: string, currentTag: string): boolean {
  if (clientTag.startsWith('W/') || currentTag.startsWith('W/')) return false;
  const base = (tag: string) => tag.replace(/^"([^"-]*)(-[a-z]+)?"$/, '$1');
  return base(clientTag) === base(currentTag);
}

export function httpDate(iso: string): string {
  let date = HTTP_DATES.get(iso);
  if (date === undefined) {
    date = new Date(iso).toUTCString();
    if (HTTP_DATES.size >= SERIALISED_MAX) HTTP_DATES.clear();
    HTTP_DATES.set(iso, date);
  }
  return date;
}

export function preconditionHeaders(request: FastifyRequest): PreconditionHeaders {
  const h = request.headers;
  return {
    'if-match': h['if-match'],
    'if-none-match': h['if-none-match'],
    'if-modified-since': h['if-modified-since'],
    'if-unmodified-since': h['if-unmodified-since'],
  };
}

/**
 * Before a PUT, PATCH or DELETE: checks If-Match / If-Unmodified-Since / If-None-Match against the
 * current item and throws 412 when they fail (RFC 9110 §13.1), so a client cannot overwrite a change
 * it has not seen.
 */
export function checkWritePreconditions(request: FastifyRequest, current: { updatedAt: string } | undefined): void {
  const startedAt = traceClock();
  const headers = preconditionHeaders(request);
  const outcome = evaluatePreconditions(
    request.method,
    headers,
    current ? { etag: entityTag(current), lastModified: new Date(current.updatedAt) } : {},
    sameVersion,
  );
  if (startedAt !== undefined) traceConditional(headers, current ? { etag: entityTag(current), lastModified: current.updatedAt } : {}, outcome.result, startedAt);
  if (outcome.result !== 'failed') return;
  const sent = headers[outcome.header];
  const now = current ? entityTag(current) : undefined;
  const detail =
    outcome.header === 'if-none-match'
      ? `You sent If-None-Match: ${sent}, so the request only applies when the item does not exist yet, and it does.`
      : outcome.header === 'if-match'
        ? `You sent If-Match: ${sent}, but the item's current ETag is ${now ?? '(none: it does not exist)'}. Someone changed it since you read it. GET it again, look at the changes, and retry with If-Match set to the new ETag.`
        : `You sent If-Unmodified-Since: ${sent}, but the item changed after that (Last-Modified: ${current ? httpDate(current.updatedAt) : 'unknown'}). GET it again and retry.`;
  throw new HttpProblem('precondition-failed', detail, {
    extra: { header: outcome.header, ...(now ? { currentEtag: now } : {}) },
    headers: now ? { etag: now } : {},
  });
}

/** Serialises and sends `data` in the negotiated format, answering 304 when the client's copy is current. */
export function sendRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  data: unknown,
  options: RepresentationOptions,
): FastifyReply {
  const { format, mediaType } = chooseFormat(request);
  reply.header('vary', 'Accept');
  reply.header('cache-control', 'private, no-cache');
  // The JSON text is both the JSON body and the input of every format's ETag: serialise it once
  // (and, for data with a cache key, once per change).
  const cacheStarted = traceClock();
  let cached = options.cacheKey ? SERIALISED.get(options.cacheKey) : undefined;
  if (cacheStarted !== undefined && options.cacheKey) {
    traceStep({
      stage: 'cache',
      title: cached ? 'Cache hit: the list was serialised before and has not changed since' : 'Cache miss: the list is serialised now and kept',
      outcome: 'info',
      why: 'The server keeps serialised lists by a key made of the collections’ revisions, so any write makes a new key and a stale list is never served.',
      facts: { hit: cached !== undefined },
      startedAt: cacheStarted,
    });
  }
  const frozenItem = !options.cacheKey && typeof data === 'object' && data !== null && Object.isFrozen(data);
  if (!cached && frozenItem) cached = SERIALISED_ITEMS.get(data)?.get(options.names);
  if (!cached) {
    const json = serialize('json', data, options.names);
    cached = { json, hash: hashOf(json), bodies: { json } };
    if (frozenItem) {
      const byNames = SERIALISED_ITEMS.get(data) ?? new Map();
      byNames.set(options.names, cached);
      SERIALISED_ITEMS.set(data, byNames);
    } else if (options.cacheKey) {
      SERIALISED.set(options.cacheKey, cached);
      if (SERIALISED.size > SERIALISED_MAX) SERIALISED.delete(SERIALISED.keys().next().value as string);
    }
  }
  const json = cached.json;
  const etag = options.etag ? tagFor(cached.hash, format) : undefined;
  if (etag) reply.header('etag', etag);
  if (options.lastModified) reply.header('last-modified', httpDate(options.lastModified));

  const safe = request.method === 'GET' || request.method === 'HEAD';
  if (safe && (etag || options.lastModified)) {
    const conditionalStarted = traceClock();
    const outcome = evaluatePreconditions(
      request.method,
      preconditionHeaders(request),
      { etag, lastModified: options.lastModified ? new Date(options.lastModified) : undefined },
    );
    if (conditionalStarted !== undefined) {
      traceConditional(preconditionHeaders(request), { ...(etag ? { etag } : {}), ...(options.lastModified ? { lastModified: options.lastModified } : {}) }, outcome.result, conditionalStarted);
    }
    if (outcome.result === 'not-modified') return reply.code(304).send();
    if (outcome.result === 'failed') {
      throw new HttpProblem(
        'precondition-failed',
        `You sent ${outcome.header === 'if-match' ? 'If-Match' : 'If-Unmodified-Since'}: ${String(request.headers[outcome.header])}, but the current version does not match (ETag ${etag ?? 'none'}). GET it without that header to see the current version.`,
        { extra: { header: outcome.header } },
      );
    }
  }
  const body = (cached.bodies[format] ??= serialize(format, data, options.names));
  return reply
    .code(options.status ?? 200)
    .type(`${mediaType}; charset=utf-8`)
    .send(body);
}

export { parseEntityTags };
