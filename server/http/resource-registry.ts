// Knows which methods each resource path supports, so any other method gets 405 with an Allow header
// (RFC 9110 §15.5.6) and OPTIONS can answer with the same list.
import { ROUTED_METHODS } from '../protocol/http-syntax';

interface Entry {
  pattern: RegExp;
  allow: string[];
}

/** The Allow list for a set of handled methods: HEAD comes with GET, and OPTIONS always. */
export function allowList(methods: readonly string[]): string[] {
  const set = new Set(methods.map((m) => m.toUpperCase()));
  if (set.has('GET')) set.add('HEAD');
  set.add('OPTIONS');
  const order: readonly string[] = ROUTED_METHODS;
  return [...set].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

function toPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

export class ResourceRegistry {
  readonly #entries: Entry[] = [];

  /** Records a resource path such as /api/books/:id with the methods it handles. Returns its Allow list. */
  declare(path: string, methods: readonly string[]): string[] {
    const allow = allowList(methods);
    this.#entries.push({ pattern: toPattern(path), allow });
    return allow;
  }

  /** The Allow list of the resource at this path (no query), or undefined when no resource lives there. */
  allowed(path: string): string[] | undefined {
    return this.#entries.find((entry) => entry.pattern.test(path))?.allow;
  }
}
