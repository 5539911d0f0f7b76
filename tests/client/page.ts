// What a store needs of a browser page, for tests that run the client's stores in Node: localStorage and
// sessionStorage (in memory, kept across a simulated reload), window.location at a test server's origin,
// and fetch / EventSource that read the page's relative URLs (/app/send) against that origin.
// Import this module before any store: a persisted store looks for localStorage when it is created.
import { EventSource as NodeEventSource } from 'undici';
import { vi } from 'vitest';

class MemoryStorage {
  private items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

const pageGlobals = globalThis as unknown as Record<string, unknown>;
pageGlobals.localStorage = new MemoryStorage();
pageGlobals.sessionStorage = new MemoryStorage();
pageGlobals.window = globalThis;
let origin = 'http://127.0.0.1:9';
pageGlobals.location = new URL(origin);

const nodeFetch = globalThis.fetch;
const onPage = (url: string | URL | Request) => (typeof url === 'string' && url.startsWith('/') ? `${origin}${url}` : url);
pageGlobals.fetch = (input: string | URL | Request, init?: RequestInit) => nodeFetch(onPage(input), init);
pageGlobals.EventSource = class PageEventSource extends NodeEventSource {
  constructor(url: string | URL, init?: EventSourceInit) {
    super(onPage(url) as string, init);
  }
};

/** Puts the page on this origin (a test server's): window.location and relative URLs follow it. */
export function openPageAt(serverOrigin: string): void {
  origin = serverOrigin;
  pageGlobals.location = new URL(serverOrigin);
}

/** A fresh page load: the modules run again (their stores start over and read what localStorage kept). */
export async function reload<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  return load();
}

/** A new browser: nothing kept. */
export function clearBrowser(): void {
  localStorage.clear();
  sessionStorage.clear();
}
