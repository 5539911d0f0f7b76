// How the page sends: follow redirects or not, send the jar's cookies or not, and how long to wait. Kept in
// this browser across reloads.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { SEND_LIMITS } from '../../../server/protocol/send-limits';

export interface SendOptions {
  followRedirects: boolean;
  /** Send cookies from the jar (like a browser does). */
  useCookies: boolean;
  /** How long the client waits for the whole send before it gives up, ms (within SEND_LIMITS). */
  timeoutMs: number;
}

const DEFAULT_OPTIONS: SendOptions = { followRedirects: false, useCookies: true, timeoutMs: SEND_LIMITS.defaultTimeoutMs };

/** A timeout the send endpoint accepts: a whole number of ms within SEND_LIMITS (the default otherwise). */
export function usableTimeout(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return SEND_LIMITS.defaultTimeoutMs;
  return Math.min(SEND_LIMITS.maxTimeoutMs, Math.max(SEND_LIMITS.minTimeoutMs, Math.round(ms)));
}

/**
 * What an earlier version of the page saved under one key for the send options, the cookie jar and the
 * login together; read once, when the new stores have nothing saved yet, so an upgrade keeps them.
 */
const EARLIER_KEY = 'http-sandbox:exchange';
export function savedByEarlierVersion(): { options?: Partial<SendOptions>; jar?: unknown; login?: unknown } {
  try {
    return (JSON.parse(globalThis.localStorage?.getItem(EARLIER_KEY) ?? 'null') as { state?: object } | null)?.state ?? {};
  } catch {
    return {};
  }
}

/** The saved options over the defaults: options saved before an option existed (the timeout) keep its default. */
export function savedOptions(saved: Partial<SendOptions> | undefined): SendOptions {
  const options = { ...DEFAULT_OPTIONS, ...saved };
  return { ...options, timeoutMs: usableTimeout(options.timeoutMs) };
}

export interface SendOptionsStore {
  options: SendOptions;
  setOption: <K extends keyof SendOptions>(key: K, value: SendOptions[K]) => void;
}

export const useSendOptionsStore = create<SendOptionsStore>()(
  persist(
    (set) => ({
      options: DEFAULT_OPTIONS,
      setOption: (key, value) => set((s) => ({ options: { ...s.options, [key]: value } })),
    }),
    {
      name: 'http-sandbox:send-options',
      version: 1,
      partialize: (state) => ({ options: state.options }),
      merge: (saved, current) => {
        const kept = (saved as Partial<SendOptionsStore> | undefined)?.options ?? savedByEarlierVersion().options;
        return { ...current, options: savedOptions(kept) };
      },
    },
  ),
);
