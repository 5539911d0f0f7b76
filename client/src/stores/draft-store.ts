// The request being composed. State and the actions that change it sit together; components select
// single fields (useDraftStore((s) => s.draft.method)).
import { create } from 'zustand';
import {
  emptyDraft,
  row,
  withQueryRows,
  type AttachedFile,
  type AuthConfig,
  type BodyType,
  type Draft,
  type KeyValueRow,
  type MultipartRow,
} from '../lib/draft';

export const COMMON_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

type RowList = 'headers' | 'form' | 'multipart';

export interface DraftStore {
  draft: Draft;
  setMethod: (method: string) => void;
  setUrl: (url: string) => void;
  setQuery: (rows: { name: string; value: string }[]) => void;
  addRow: (list: RowList, name?: string, value?: string) => void;
  updateRow: (list: RowList, id: string, patch: Partial<MultipartRow>) => void;
  removeRow: (list: RowList, id: string) => void;
  /** Sets a header: the first enabled row of that name (case-insensitive), else an unticked one (ticked again), else a new row. */
  setHeader: (name: string, value: string) => void;
  setBodyType: (bodyType: BodyType) => void;
  setBody: (body: string) => void;
  /** The file sent as the whole body (binary), or none. */
  setFile: (file: AttachedFile | undefined) => void;
  setAuth: (auth: AuthConfig) => void;
  /** Replaces the whole draft (history, share links, curl import, lesson steps). */
  load: (draft: Draft) => void;
  reset: () => void;
}

export const useDraftStore = create<DraftStore>()((set) => {
  const change = (recipe: (draft: Draft) => Partial<Draft>) => set((state) => ({ draft: { ...state.draft, ...recipe(state.draft) } }));
  return {
    draft: emptyDraft(),
    setMethod: (method) => change(() => ({ method })),
    setUrl: (url) => change(() => ({ url })),
    setQuery: (rows) => change((d) => ({ url: withQueryRows(d.url, rows) })),
    addRow: (list, name = '', value = '') => change((d) => ({ [list]: [...d[list], row(name, value)] })),
    updateRow: (list, id, patch) =>
      change((d) => ({ [list]: (d[list] as KeyValueRow[]).map((r) => (r.id === id ? { ...r, ...patch } : r)) })),
    removeRow: (list, id) => change((d) => ({ [list]: (d[list] as KeyValueRow[]).filter((r) => r.id !== id) })),
    setHeader: (name, value) =>
      change((d) => {
        const named = (h: KeyValueRow) => h.name.trim().toLowerCase() === name.toLowerCase();
        // An unticked row of that name is ticked again rather than doubled.
        let index = d.headers.findIndex((h) => h.enabled && named(h));
        if (index === -1) index = d.headers.findIndex(named);
        if (index === -1) return { headers: [...d.headers, row(name, value)] };
        return { headers: d.headers.map((h, i) => (i === index ? { ...h, name, value, enabled: true } : h)) };
      }),
    setBodyType: (bodyType) => change(() => ({ bodyType })),
    setBody: (body) => change(() => ({ body })),
    setFile: (file) => change(() => ({ file })),
    setAuth: (auth) => change(() => ({ auth })),
    load: (draft) => set({ draft }),
    reset: () => set({ draft: emptyDraft() }),
  };
});

