// The X-ray steps a store adds for reads and writes, written once for the memory and the Redis store.
import { traceClock, traceStep } from '../trace/tracer';

/** The fields of a write that changed, for the X-ray (the tracer leaves out password hashes). */
function changedFields(before: object | undefined, after: object | undefined): { field: string; before: unknown; after: unknown }[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const key of keys) {
    if (key === 'updatedAt' || key === 'createdAt') continue;
    const was = (before as Record<string, unknown> | undefined)?.[key];
    const now = (after as Record<string, unknown> | undefined)?.[key];
    if (was !== now) out.push({ field: key, before: was ?? null, after: now ?? null });
  }
  return out;
}

/** "book" for the books collection, "category" for categories. */
function singular(collection: string): string {
  return collection.endsWith('ies') ? `${collection.slice(0, -3)}y` : collection.replace(/s$/, '');
}

export function traceList(collection: string, items: number): void {
  if (traceClock() !== undefined) traceStep({ stage: 'store', title: `Read all ${items} ${collection}`, outcome: 'info', facts: { collection, items } });
}

export function traceGet(collection: string, id: number, found: boolean): void {
  if (traceClock() === undefined) return;
  traceStep({
    stage: 'store',
    title: found ? `Found ${singular(collection)} ${id}` : `No ${singular(collection)} with id ${id}`,
    outcome: 'info',
    facts: { collection, id, found },
  });
}

const DONE = { insert: 'Inserted', update: 'Updated', delete: 'Deleted' } as const;

export function traceWrite(operation: keyof typeof DONE, collection: string, id: number, before: object | undefined, after: object | undefined): void {
  if (traceClock() === undefined) return;
  traceStep({ stage: 'store', title: `${DONE[operation]} ${singular(collection)} ${id}`, outcome: 'pass', facts: { collection, id, operation }, changes: changedFields(before, after) });
}
