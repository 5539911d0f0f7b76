// Collection queries: text search, sorting, pagination and the Link header (RFC 8288) that
// lets a client walk the pages without building URLs itself.
import { HttpProblem } from './problem';

export const DEFAULT_PER_PAGE = 10;

export interface SortKey {
  field: string;
  descending: boolean;
}

/** Parses `?sort=title,-year`; throws a 400 that names any field that cannot be sorted on. */
export function parseSort(value: string | undefined, sortable: readonly string[]): SortKey[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw) => {
    const part = raw.trim();
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part.replace(/^\+/, '');
    if (!sortable.includes(field)) {
      throw new HttpProblem(
        'invalid-query',
        `Cannot sort by "${field}". Sort by one or more of ${sortable.join(', ')}, separated by commas; put - before a field to sort in descending order (e.g. sort=-year,title).`,
        { errors: [{ field: 'sort', location: 'query', message: `"${field}" is not a sortable field` }] },
      );
    }
    return { field, descending };
  });
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' });
}

/** Sorts a copy by the keys in order; ties keep id order, so pages are stable. */
export function sortItems<T extends { id: number }>(items: readonly T[], keys: readonly SortKey[]): T[] {
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const result = compare((a as Record<string, unknown>)[key.field], (b as Record<string, unknown>)[key.field]);
      if (result !== 0) return key.descending ? -result : result;
    }
    return a.id - b.id;
  });
}

/** Case-insensitive substring search over the given text fields. */
export function matchesText(item: object, query: string, fields: readonly string[]): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return fields.some((field) => String((item as Record<string, unknown>)[field] ?? '').toLowerCase().includes(needle));
}

export interface Page<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
  lastPage: number;
}

export function paginate<T>(items: readonly T[], page = 1, perPage = DEFAULT_PER_PAGE): Page<T> {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  return { items: items.slice(start, start + perPage), page, perPage, total, lastPage };
}

/**
 * Link header with first, prev, next and last (RFC 8288 §3). Targets are relative references, resolved
 * against the request URL, and keep every other query parameter the client sent.
 */
export function linkHeader(path: string, query: URLSearchParams, page: Page<unknown>): string {
  const target = (n: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    params.set('per_page', String(page.perPage));
    return `<${path}?${params.toString()}>`;
  };
  const links = [`${target(1)}; rel="first"`];
  if (page.page > 1) links.push(`${target(Math.min(page.page - 1, page.lastPage))}; rel="prev"`);
  if (page.page < page.lastPage) links.push(`${target(page.page + 1)}; rel="next"`);
  links.push(`${target(page.lastPage)}; rel="last"`);
  return links.join(', ');
}
