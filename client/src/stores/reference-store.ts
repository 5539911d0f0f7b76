// The lessons dataset's reference entries (status codes, headers), fetched once and used to annotate
// what the learner sees. Loaded lazily so the first paint does not wait for it.
import { create } from 'zustand';
import { apiFetch } from '../lib/api-client';

import type { HeaderEntry, MethodEntry, StatusCodeEntry } from '../../../server/protocol/api-types';
import type { LessonSummary } from '../../../server/protocol/lesson-format';

export type StatusCodeInfo = StatusCodeEntry;
export type HeaderInfo = HeaderEntry;

export interface ReferenceStore {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  statusCodes: Map<number, StatusCodeInfo>;
  headers: Map<string, HeaderInfo>;
  /** The nine methods, in the order of the data (GET first). */
  methods: MethodEntry[];
  /** What a client does with a code it does not know, and why reason phrases do not matter. */
  unknownCodes: string;
  /** The lessons, to link a status code to the lesson that teaches it. */
  lessons: LessonSummary[];
  load: () => Promise<void>;
}

export const REFERENCE_URLS = {
  statusCodes: '/app/reference/status-codes',
  headers: '/app/reference/headers',
  methods: '/app/reference/methods',
};

function list<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object' && Array.isArray((value as Record<string, unknown>)[key])) {
    return (value as Record<string, T[]>)[key]!;
  }
  return [];
}

export const useReferenceStore = create<ReferenceStore>()((set, get) => ({
  status: 'idle',
  statusCodes: new Map(),
  headers: new Map(),
  methods: [],
  unknownCodes: '',
  lessons: [],
  load: async () => {
    if (get().status === 'loading' || get().status === 'ready') return;
    set({ status: 'loading' });
    try {
      const [codes, headers, methods, lessons] = await Promise.all([
        apiFetch<unknown>(REFERENCE_URLS.statusCodes),
        apiFetch<unknown>(REFERENCE_URLS.headers),
        apiFetch<unknown>(REFERENCE_URLS.methods).catch(() => ({ methods: [] })),
        apiFetch<LessonSummary[]>('/app/lessons').catch(() => []),
      ]);
      set({
        status: 'ready',
        statusCodes: new Map(list<StatusCodeInfo>(codes, 'statusCodes').map((c) => [c.code, c])),
        headers: new Map(list<HeaderInfo>(headers, 'headers').map((h) => [h.name.toLowerCase(), h])),
        methods: list<MethodEntry>(methods, 'methods'),
        unknownCodes: typeof (codes as { unknownCodes?: unknown })?.unknownCodes === 'string' ? (codes as { unknownCodes: string }).unknownCodes : '',
        lessons,
      });
    } catch {
      set({ status: 'failed' });
    }
  },
}));
