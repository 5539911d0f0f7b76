// The request being composed: method, URL, headers and body. Components select single fields.
import { create } from 'zustand';

export const COMMON_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface DraftState {
  method: string;
  url: string;
  /** One "Name: value" per line. */
  headersText: string;
  body: string;
  setMethod: (method: string) => void;
  setUrl: (url: string) => void;
  setHeadersText: (text: string) => void;
  setBody: (body: string) => void;
  reset: () => void;
}

const INITIAL = { method: 'GET', url: '/api/books', headersText: 'Accept: application/json', body: '' };

export const useDraftStore = create<DraftState>()((set) => ({
  ...INITIAL,
  setMethod: (method) => set({ method }),
  setUrl: (url) => set({ url }),
  setHeadersText: (headersText) => set({ headersText }),
  setBody: (body) => set({ body }),
  reset: () => set(INITIAL),
}));

/** Parses the headers text into pairs; lines without a colon are reported, not dropped silently. */
export function parseHeaderLines(text: string): { headers: [string, string][]; invalid: string[] } {
  const headers: [string, string][] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const index = line.indexOf(':');
    if (index <= 0) {
      invalid.push(line);
      continue;
    }
    headers.push([line.slice(0, index).trim(), line.slice(index + 1).trim()]);
  }
  return { headers, invalid };
}
