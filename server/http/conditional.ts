// Conditional requests (RFC 9110 §13). Pure functions: given the request's precondition headers and the
// resource's current validators, decide whether to go on, answer 304, or answer 412.

export interface Validators {
  /** Current strong entity tag, quoted, e.g. "\"3f2a\"". Undefined when the resource does not exist. */
  etag?: string;
  /** Last modification time. */
  lastModified?: Date;
}

export interface PreconditionHeaders {
  'if-match'?: string;
  'if-none-match'?: string;
  'if-modified-since'?: string;
  'if-unmodified-since'?: string;
}

export type PreconditionOutcome =
  | { result: 'proceed' }
  | { result: 'not-modified' }
  | { result: 'failed'; header: keyof PreconditionHeaders };

/** Splits an If-Match / If-None-Match value into entity tags; "*" stays as is. */
export function parseEntityTags(header: string): string[] {
  const tags: string[] = [];
  const pattern = /\s*(\*|(?:W\/)?"[^"]*")\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(header)) !== null) {
    tags.push(match[1]!);
    if (pattern.lastIndex >= header.length) break;
  }
  return tags;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** Strong comparison (RFC 9110 §8.8.3.2): both tags strong and identical. */
export function strongMatch(a: string, b: string): boolean {
  return !a.startsWith('W/') && !b.startsWith('W/') && a === b;
}

/** Weak comparison: opaque tags identical, weakness ignored. */
export function weakMatch(a: string, b: string): boolean {
  return opaque(a) === opaque(b);
}

function parseHttpDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** HTTP dates have one-second resolution, so compare whole seconds. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * Evaluates preconditions in the order RFC 9110 §13.2.2 gives: If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since. `matches` compares a client tag to the current one (strong for If-Match by default).
 */
export function evaluatePreconditions(
  method: string,
  headers: PreconditionHeaders,
  current: Validators,
  matches: (clientTag: string, currentTag: string) => boolean = strongMatch,
): PreconditionOutcome {
  const safe = method === 'GET' || method === 'HEAD';
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    const tags = parseEntityTags(ifMatch);
    const ok =
      current.etag !== undefined && tags.some((tag) => tag === '*' || matches(tag, current.etag!));
    if (!ok) return { result: 'failed', header: 'if-match' };
  } else {
    const since = parseHttpDate(headers['if-unmodified-since']);
    if (since && current.lastModified && seconds(current.lastModified) > seconds(since)) {
      return { result: 'failed', header: 'if-unmodified-since' };
    }
  }

  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = parseEntityTags(ifNoneMatch);
    const anyMatch =
      current.etag !== undefined && tags.some((tag) => tag === '*' || weakMatch(tag, current.etag!));
    if (anyMatch) return safe ? { result: 'not-modified' } : { result: 'failed', header: 'if-none-match' };
  } else if (safe) {
    const since = parseHttpDate(headers['if-modified-since']);
    if (since && current.lastModified && seconds(current.lastModified) <= seconds(since)) {
      return { result: 'not-modified' };
    }
  }
  return { result: 'proceed' };
}
