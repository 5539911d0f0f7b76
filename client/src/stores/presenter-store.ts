// Presenter mode: large type, high contrast, chrome hidden, for the projector. On with ?present=1 or
// the toggle; remembered for the tab.
import { create } from 'zustand';

export interface PresenterStore {
  presenting: boolean;
  setPresenting: (on: boolean) => void;
}

function initial(): boolean {
  if (typeof window === 'undefined') return false;
  const param = new URLSearchParams(window.location.search).get('present');
  if (param !== null) return param === '1' || param === 'true';
  return window.sessionStorage.getItem('http-sandbox:present') === '1';
}

export const usePresenterStore = create<PresenterStore>()((set) => ({
  presenting: initial(),
  setPresenting: (presenting) => {
    window.sessionStorage.setItem('http-sandbox:present', presenting ? '1' : '0');
    set({ presenting });
  },
}));
