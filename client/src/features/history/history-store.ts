// Every exchange, kept in the browser (localStorage, bounded), searchable and re-sendable.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { BodyView, Transcript } from '../../../../server/protocol/api-types';
import type { Draft } from '../../lib/draft';

/** Most entries kept; the oldest go first. */
export const HISTORY_LIMIT = 50;
/** Body characters kept per message in history (the live view keeps everything the server sent). */
const BODY_KEEP = 16_384;

export interface HistoryEntry {
  id: string;
  at: string;
  method: string;
  url: string;
  /** Final status, or undefined when the exchange failed without a response. */
  status?: number;
  reason?: string;
  draft: Draft;
  transcript: Transcript;
}

function trimBody(body: BodyView | null): BodyView | null {
  if (!body || body.data.length <= BODY_KEEP) return body;
  return { ...body, data: body.data.slice(0, BODY_KEEP), truncated: true };
}

/** A copy small enough to keep: long bodies cut (and marked truncated). */
export function trimTranscript(transcript: Transcript): Transcript {
  return {
    ...transcript,
    exchanges: transcript.exchanges.map((exchange) => ({
      ...exchange,
      request: { ...exchange.request, body: trimBody(exchange.request.body), raw: exchange.request.raw.slice(0, BODY_KEEP * 2) },
      response: exchange.response
        ? { ...exchange.response, body: trimBody(exchange.response.body), raw: exchange.response.raw.slice(0, BODY_KEEP * 2) }
        : null,
    })),
  };
}

export function matchesSearch(entry: HistoryEntry, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  return `${entry.method} ${entry.url} ${entry.status ?? ''} ${entry.reason ?? ''}`.toLowerCase().includes(needle);
}

export interface HistoryStore {
  entries: HistoryEntry[];
  add: (draft: Draft, transcript: Transcript) => void;
  remove: (id: string) => void;
  clear: () => void;
}

export const useHistoryStore = create<HistoryStore>()(
  persist(
    (set) => ({
      entries: [],
      add: (draft, transcript) =>
        set((state) => {
          const last = transcript.exchanges.at(-1);
          const entry: HistoryEntry = {
            id: transcript.id,
            at: transcript.startedAt,
            method: draft.method,
            url: draft.url,
            status: last?.response?.status,
            reason: last?.response?.reason,
            draft,
            transcript: trimTranscript(transcript),
          };
          return { entries: [entry, ...state.entries.filter((e) => e.id !== entry.id)].slice(0, HISTORY_LIMIT) };
        }),
      remove: (id) => set((state) => ({ entries: state.entries.filter((e) => e.id !== id) })),
      clear: () => set({ entries: [] }),
    }),
    { name: 'http-sandbox:history', version: 1 },
  ),
);
