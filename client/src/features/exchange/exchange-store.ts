// The latest exchange: the request as composed, the transcript the server returned, or the problem
// that stopped it. Also the cookie jar, since cookies belong to the conversation with a server.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { ProblemDetails, Transcript } from '../../../../server/protocol/api-types';
import { ApiError, postJson } from '../../lib/api-client';
import type { Draft } from '../composer/draft';
import { storeCookies, type JarCookie } from './cookie-jar';
import { capturedFrom } from '../composer/variables';
import { useVariablesStore } from '../composer/variables-store';
import { requestToSend } from './request-to-send';
import { SEND_LIMITS } from '../../../../server/protocol/send-limits';

export const SEND_ENDPOINT = '/app/send';

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

/** Who the page's session cookie logs in as, learnt from the answer to POST /api/session. */
export interface PageLogin {
  origin: string;
  username: string;
}

/** The login a transcript shows: 201 to POST …/api/session names the user; 204 to DELETE logs out (null). */
export function loginFrom(transcript: Transcript): PageLogin | null | undefined {
  let login: PageLogin | null | undefined;
  for (const { request, response } of transcript.exchanges) {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      continue;
    }
    if (url.pathname !== '/api/session' || !response) continue;
    if (request.method === 'DELETE' && response.status === 204) login = null;
    if (request.method === 'POST' && response.status === 201 && response.body?.encoding === 'text') {
      try {
        const username = (JSON.parse(response.body.data) as { user?: { username?: unknown } }).user?.username;
        if (typeof username === 'string') login = { origin: url.origin, username };
      } catch {
        // Not the toy API's answer: nothing learnt.
      }
    }
  }
  return login;
}

/** The saved settings over the fresh state: options saved before an option existed (the timeout) keep its default. */
export function mergeSaved(saved: unknown, current: ExchangeStore): ExchangeStore {
  const kept = (saved ?? {}) as Partial<Pick<ExchangeStore, 'options' | 'jar' | 'login'>>;
  const options = { ...DEFAULT_OPTIONS, ...kept.options };
  return { ...current, ...kept, options: { ...options, timeoutMs: usableTimeout(options.timeoutMs) } };
}

export interface ExchangeStore {
  phase: 'idle' | 'sending' | 'done' | 'failed';
  transcript: Transcript | null;
  /** Counts completed sends (not history views), so other features can react to each new exchange. */
  sentCount: number;
  problem: ProblemDetails | null;
  options: SendOptions;
  jar: JarCookie[];
  login: PageLogin | null;
  setOption: <K extends keyof SendOptions>(key: K, value: SendOptions[K]) => void;
  clearCookies: () => void;
  /** Seeds the jar with this page's sandbox, so the composer's requests use the learner's own data. */
  adoptSandbox: (id: string) => void;
  send: (draft: Draft) => Promise<Transcript | null>;
  /** Shows an earlier exchange again (from history). */
  show: (transcript: Transcript) => void;
}

export const useExchangeStore = create<ExchangeStore>()(
  persist(
    (set, get) => ({
      phase: 'idle',
      transcript: null,
      sentCount: 0,
      problem: null,
      options: DEFAULT_OPTIONS,
      jar: [],
      login: null,
      setOption: (key, value) => set((s) => ({ options: { ...s.options, [key]: value } })),
      clearCookies: () => set({ jar: [], login: null }),
      adoptSandbox: (id) => {
        const origin = window.location.origin;
        const others = get().jar.filter((c) => !(c.name === 'sandbox' && c.origin === origin));
        set({ jar: [...others, { name: 'sandbox', value: id, origin, path: '/', httpOnly: true }] });
      },
      show: (transcript) => set({ phase: 'done', transcript, problem: null }),
      send: async (draft) => {
        const { options, jar } = get();
        const variables = useVariablesStore.getState().values;
        const { outgoing, addedByPage } = requestToSend(draft, { jar, useCookies: options.useCookies, origin: window.location.origin, variables });
        set({ phase: 'sending', problem: null });
        try {
          const transcript = await postJson<Transcript>(SEND_ENDPOINT, {
            ...outgoing,
            addedByPage,
            // The server X-ray of toy-API requests (the server adds X-Sandbox-Trace: 1, shown as added by the page).
            options: { followRedirects: options.followRedirects, timeoutMs: usableTimeout(options.timeoutMs), trace: true },
          });
          let nextJar = get().jar;
          for (const exchange of transcript.exchanges) {
            const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
            if (setCookies.length > 0) nextJar = storeCookies(nextJar, setCookies, new URL(exchange.request.url));
          }
          useVariablesStore.getState().capture(capturedFrom(transcript));
          const login = loginFrom(transcript);
          set((s) => ({ phase: 'done', transcript, jar: nextJar, sentCount: s.sentCount + 1, login: login === undefined ? s.login : login }));
          return transcript;
        } catch (error) {
          const problem =
            error instanceof ApiError && error.problem
              ? error.problem
              : { type: 'about:blank', title: 'Send failed', status: 0, detail: error instanceof Error ? error.message : String(error) };
          set({ phase: 'failed', problem, transcript: null });
          return null;
        }
      },
    }),
    {
      name: 'http-sandbox:exchange',
      version: 1,
      // Only the settings and the cookie jar survive a reload; the transcript lives in history.
      partialize: (state) => ({ options: state.options, jar: state.jar, login: state.login }),
      merge: mergeSaved,
    },
  ),
);
