// The learner's own sandbox data, read after every exchange, with what the last request inserted,
// changed or deleted marked. Read with plain GETs of the toy API (the data view is not a lesson
// exchange, so it does not go through the composer or its history).
import { create } from 'zustand';

export const COLLECTIONS = ['books', 'categories', 'comments', 'users'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

export type Row = { id: number; updatedAt?: string } & Record<string, unknown>;
export type Mark = 'inserted' | 'changed' | 'deleted';

/** Rows read per collection (the toy API's largest page). */
export const ROWS_READ = 100;

export interface DataStore {
  /** The sandbox the tables show, or null before the first read. */
  sandbox: string | null;
  tables: Record<CollectionName, Row[]>;
  /** For each collection, what the last change did to which row. */
  marks: Record<CollectionName, Record<number, Mark>>;
  /** Rows the last change deleted, still shown (struck through) until the next one. */
  gone: Record<CollectionName, Row[]>;
  loading: boolean;
  error: string | null;
  /** Someone else's data on screen instead (a student who shares it, on the instructor's projector). */
  shown: { sandbox: string; label: string } | null;
  show: (shown: { sandbox: string; label: string } | null) => void;
  refresh: (sandbox: string | null) => Promise<void>;
}

const empty = <T>(make: () => T): Record<CollectionName, T> => ({ books: make(), categories: make(), comments: make(), users: make() });

/** What changed between two reads of a collection, by id and updatedAt. */
export function diffRows(before: readonly Row[], after: readonly Row[]): { marks: Record<number, Mark>; gone: Row[] } {
  const old = new Map(before.map((row) => [row.id, row]));
  const now = new Set(after.map((row) => row.id));
  const marks: Record<number, Mark> = {};
  for (const row of after) {
    const was = old.get(row.id);
    if (!was) marks[row.id] = 'inserted';
    else if (was.updatedAt !== row.updatedAt || JSON.stringify(was) !== JSON.stringify(row)) marks[row.id] = 'changed';
  }
  const gone = before.filter((row) => !now.has(row.id));
  for (const row of gone) marks[row.id] = 'deleted';
  return { marks, gone };
}

async function readCollection(name: CollectionName, sandbox: string | null): Promise<Row[]> {
  const response = await fetch(`/api/${name}?per_page=${ROWS_READ}`, {
    headers: { accept: 'application/json', ...(sandbox ? { 'x-sandbox': sandbox } : {}) },
  });
  if (!response.ok) throw new Error(`GET /api/${name} answered ${response.status}`);
  return (await response.json()) as Row[];
}

export const useDataStore = create<DataStore>()((set, get) => ({
  sandbox: null,
  tables: empty(() => []),
  marks: empty(() => ({})),
  gone: empty(() => []),
  loading: false,
  error: null,
  shown: null,
  show: (shown) => set({ shown }),
  refresh: async (sandbox) => {
    set({ loading: true });
    try {
      const read = await Promise.all(COLLECTIONS.map((name) => readCollection(name, sandbox)));
      const before = get();
      // A first read, or another sandbox: nothing to compare with.
      const compare = before.sandbox === sandbox && COLLECTIONS.some((name) => before.tables[name].length > 0);
      const tables = empty<Row[]>(() => []);
      const marks = empty<Record<number, Mark>>(() => ({}));
      const gone = empty<Row[]>(() => []);
      COLLECTIONS.forEach((name, index) => {
        tables[name] = read[index]!;
        if (compare) ({ marks: marks[name], gone: gone[name] } = diffRows(before.tables[name], read[index]!));
      });
      set({ sandbox, tables, marks, gone, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: error instanceof Error ? error.message : String(error) });
    }
  },
}));
