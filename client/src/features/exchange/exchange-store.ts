// The latest exchange: the request as composed, the transcript the server returned, or the problem
// that stopped it. Also the cookie jar, since cookies belong to the conversation with a server.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { ProblemDetails, Transcript } from '../../../../server/protocol';
import { ApiError, postJson } from '../../lib/api-client';
import { buildOutgoing, type Draft, type OutgoingRequest } from '../composer/draft';
import { cookieHeaderFor, storeCookies, type JarCookie } from './cookie-jar';

export const SEND_ENDPOINT = '/app/send';

export interface SendOptions {
  followRedirects: boolean;
  /** Send cookies from the jar (like a browser does). */
  useCookies: boolean;
}

export interface SentRequest {
  draft: Draft;
  outgoing: OutgoingRequest;
}

export interface ExchangeStore {
  phase: 'idle' | 'sending' | 'done' | 'failed';
  transcript: Transcript | null;
  /** Counts completed sends (not history views), so other features can react to each new exchange. */
  sentCount: number;
  sent: SentRequest | null;
  problem: ProblemDetails | null;
  options: SendOptions;
  jar: JarCookie[];
  setOption: <K extends keyof SendOptions>(key: K, value: SendOptions[K]) => void;
  clearCookies: () => void;
  /** Seeds the jar with this page's sandbox, so the composer's requests use the learner's own data. */
  adoptSandbox: (id: string) => void;
  send: (draft: Draft) => Promise<Transcript | null>;
  /** Shows an earlier exchange again (from history). */
  show: (transcript: Transcript, draft: Draft) => void;
}

function absolute(url: string): URL {
  return new URL(url, window.location.origin);
}

export const useExchangeStore = create<ExchangeStore>()(
  persist(
    (set, get) => ({
      phase: 'idle',
      transcript: null,
      sentCount: 0,
      sent: null,
      problem: null,
      options: { followRedirects: false, useCookies: true },
      jar: [],
      setOption: (key, value) => set((s) => ({ options: { ...s.options, [key]: value } })),
      clearCookies: () => set({ jar: [] }),
      adoptSandbox: (id) => {
        const origin = window.location.origin;
        const others = get().jar.filter((c) => !(c.name === 'sandbox' && c.origin === origin));
        set({ jar: [...others, { name: 'sandbox', value: id, origin, path: '/', httpOnly: true }] });
      },
      show: (transcript, draft) => set({ phase: 'done', transcript, problem: null, sent: { draft, outgoing: buildOutgoing(draft) } }),
      send: async (draft) => {
        const outgoing = buildOutgoing(draft);
        let target: URL | undefined;
        try {
          target = absolute(outgoing.url);
        } catch {
          target = undefined;
        }
        const { options, jar } = get();
        if (options.useCookies && target && !outgoing.headers.some(([n]) => n.toLowerCase() === 'cookie')) {
          const cookie = cookieHeaderFor(jar, target);
          if (cookie) outgoing.headers.push(['Cookie', cookie]);
        }
        set({ phase: 'sending', problem: null, sent: { draft, outgoing } });
        try {
          const transcript = await postJson<Transcript>(SEND_ENDPOINT, {
            ...outgoing,
            options: { followRedirects: options.followRedirects },
          });
          let nextJar = get().jar;
          for (const exchange of transcript.exchanges) {
            const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
            if (setCookies.length > 0) nextJar = storeCookies(nextJar, setCookies, new URL(exchange.request.url));
          }
          set((s) => ({ phase: 'done', transcript, jar: nextJar, sentCount: s.sentCount + 1 }));
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
      partialize: (state) => ({ options: state.options, jar: state.jar }),
    },
  ),
);
