// Sends lesson requests to a live sandbox the way the composer does — through POST /app/send, with a
// cookie jar as the browser keeps, in a fresh private sandbox per run — and returns every exchange
// (each redirect hop on its own), so goals are checked against the same transcript the player sees.
import type { Exchange, Transcript } from '../../server/protocol';
import { fillFromResponse, type LessonRequest } from '../../server/lessons/lesson-format';
import { cookieHeaderFor, storeCookies, type JarCookie } from '../../client/src/features/exchange/cookie-jar';
import { call, type TestServer } from '../helpers/server';

let runs = 0;

/** One learner: a private sandbox, a cookie jar, and the latest value of each response header (for {{response.Name}}). */
export class SandboxRun {
  readonly server: TestServer;
  #jar: JarCookie[];
  readonly #latest = new Map<string, string>();

  constructor(server: TestServer) {
    this.server = server;
    runs += 1;
    this.#jar = [{ name: 'sandbox', value: `check-${process.pid}-${runs}`, origin: server.origin, path: '/', httpOnly: true }];
  }

  /** Sends the requests in turn; returns their exchanges, redirect hops included. */
  async send(requests: readonly LessonRequest[]): Promise<Exchange[]> {
    const exchanges: Exchange[] = [];
    for (const template of requests) {
      const r = fillFromResponse(template, (name) => this.#latest.get(name.toLowerCase()));
      const headers = [...(r.headers ?? [])];
      const cookie = cookieHeaderFor(this.#jar, new URL(r.url, this.server.origin));
      if (cookie) headers.push(['Cookie', cookie]);
      const response = await call(this.server, '/app/send', {
        method: 'POST',
        json: {
          method: r.method,
          url: r.url,
          headers,
          body: r.body === undefined ? null : { encoding: 'text', data: r.body },
          ...(r.followRedirects ? { options: { followRedirects: true } } : {}),
        },
      });
      if (response.status !== 200) throw new Error(`POST /app/send for ${r.method} ${r.url} answered ${response.status}: ${response.text}`);
      for (const exchange of (response.json as Transcript).exchanges) {
        const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
        this.#jar = storeCookies(this.#jar, setCookies, new URL(exchange.request.url));
        exchanges.push(exchange);
        for (const [name, value] of exchange.response?.headers ?? []) this.#latest.set(name.toLowerCase(), value);
      }
    }
    return exchanges;
  }
}

/** The exchanges of one part of a step's check, after its setup requests (which are not part of the step). */
export async function runCheckPart(server: TestServer, setup: readonly LessonRequest[], part: readonly LessonRequest[]): Promise<Exchange[]> {
  const run = new SandboxRun(server);
  await run.send(setup);
  return run.send(part);
}
