// Which part of the response is on screen (kept in a store so presenter keys can switch it).
import { create } from 'zustand';

export type ResponseView = 'body' | 'headers' | 'cookies' | 'wire' | 'sent' | 'timing' | 'server';

export const useResponseViewStore = create<{ view: ResponseView; setView: (view: ResponseView) => void }>()((set) => ({
  view: 'body',
  setView: (view) => set({ view }),
}));
