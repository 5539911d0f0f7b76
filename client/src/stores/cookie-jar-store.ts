// The page's cookie jar: the cookies responses to the learner's sends set, sent back as a browser would
// (rules in lib/cookie-jar.ts, RFC 6265), and who the toy API's session cookie logs in as. Kept in this
// browser across reloads, so a login survives one.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Transcript } from '../../../server/protocol/api-types';
import { storeCookies, type JarCookie } from '../lib/cookie-jar';
import { savedByEarlierVersion } from './send-options-store';

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

export interface CookieJarStore {
  cookies: JarCookie[];
  login: PageLogin | null;
  /** Seeds the jar with the sandbox cookie for `origin`, so the composer's requests use the learner's own data. */
  adoptSandbox: (id: string, origin: string) => void;
  /** Keeps what every hop of a send set (Set-Cookie), and who it logged in or out. */
  keepFrom: (transcript: Transcript, now?: number) => void;
}

export const useCookieJarStore = create<CookieJarStore>()(
  persist(
    (set, get) => ({
      cookies: [],
      login: null,
      adoptSandbox: (id, origin) => {
        const others = get().cookies.filter((c) => !(c.name === 'sandbox' && c.origin === origin));
        set({ cookies: [...others, { name: 'sandbox', value: id, origin, path: '/', httpOnly: true }] });
      },
      keepFrom: (transcript, now = Date.now()) => {
        let cookies = get().cookies;
        for (const exchange of transcript.exchanges) {
          const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
          if (setCookies.length > 0) cookies = storeCookies(cookies, setCookies, new URL(exchange.request.url), now);
        }
        const login = loginFrom(transcript);
        set((s) => ({ cookies, login: login === undefined ? s.login : login }));
      },
    }),
    {
      name: 'http-sandbox:cookies',
      version: 1,
      partialize: (state) => ({ cookies: state.cookies, login: state.login }),
      merge: (saved, current) => {
        if (saved) return { ...current, ...(saved as Pick<CookieJarStore, 'cookies' | 'login'>) };
        const earlier = savedByEarlierVersion();
        return { ...current, cookies: Array.isArray(earlier.jar) ? (earlier.jar as JarCookie[]) : [], login: (earlier.login as PageLogin | null | undefined) ?? null };
      },
    },
  ),
);

/** The id of the sandbox the jar sends to `origin` (the learner's own data), or null. */
export function useSandboxId(origin: string): string | null {
  return useCookieJarStore((s) => s.cookies.find((c) => c.name === 'sandbox' && c.origin === origin)?.value ?? null);
}
