// Sends lesson requests to a live sandbox the way the composer does — through POST /app/send, with a
// cookie jar as the browser keeps, in a fresh private sandbox per run — and returns every exchange
// (each redirect hop on its own), so goals are checked against the same transcript the player sees.
import type { Exchange, Transcript } from '../../server/protocol/api-types';
import { fillFromResponse, wrongAttempts, type LessonRequest, type LessonStep, type WrongAttempt } from '../../server/protocol/lesson-format';
import { bodyField, checkGoal, type Goal } from '../../server/protocol/lesson-goals';

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
import { cookieHeaderFor, storeCookies, type JarCookie } from '../../client/src/lib/cookie-jar';
import { call, type TestServer } from '../helpers/server';

let runs = 0;

/** The send options a lesson request asks for, as the composer sends them after "Fill in the request". */
export function sendOptions(request: LessonRequest): { followRedirects?: true; timeoutMs?: number } {
  return {
    ...(request.followRedirects ? { followRedirects: true as const } : {}),
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
  };
}

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
          options: sendOptions(r),
        },
      });
      if (response.status !== 200) throw new Error(`POST /app/send for ${r.method} ${r.url} answered ${response.status}: ${response.text}`);
      for (const exchange of (response.json as Transcript).exchanges) {
        const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
        this.#jar = storeCookies(this.#jar, setCookies, new URL(exchange.request.url));
        exchanges.push(exchange);
        for (const [name, value] of exchange.response?.headers ?? []) this.#latest.set(name.toLowerCase(), value);
        const body = exchange.response?.body;
        if (body?.encoding === 'text' && body.data.trimStart().startsWith('{')) {
          for (const field of Object.keys(safeJson(body.data))) {
            const value = bodyField(body, field);
            if (value !== undefined) this.#latest.set(`body.${field}`.toLowerCase(), value);
          }
        }
      }
    }
    return exchanges;
  }
}

/** The exchanges of one part of a step's check, after its setup requests (which are not part of the step). */
export async function runCheckPart(server: TestServer, setup: readonly LessonRequest[], part: readonly LessonRequest[]): Promise<Exchange[]> {
  return (await runCheck(server, setup, part)).exchanges;
}

/** The same, with the setup's exchanges too: a goal may refer to their headers, as to the previous step's. */
export async function runCheck(server: TestServer, setup: readonly LessonRequest[], part: readonly LessonRequest[]): Promise<{ before: Exchange[]; exchanges: Exchange[] }> {
  const run = new SandboxRun(server);
  const before = await run.send(setup);
  return { before, exchanges: await run.send(part) };
}

/** Checks a goal against one part of a step's check, as the player would after the setup. */
async function goalAfter(server: TestServer, step: LessonStep, part: readonly LessonRequest[]) {
  const { before, exchanges } = await runCheck(server, step.check.setup ?? [], part);
  return checkGoal(step.goal, exchanges, before);
}

/** Every status code a goal asks for, and every response header value it pins, wherever they sit in it. */
function pinned(goal: Goal): { codes: number[]; headers: [string, string][] } {
  const codes: number[] = [];
  const headers: [string, string][] = [];
  const visit = (g: Goal): void => {
    if ('all' in g) g.all.forEach(visit);
    else if ('any' in g) g.any.forEach(visit);
    else if ('earlier' in g) visit(g.earlier);
    else if ('status' in g) codes.push(...(Array.isArray(g.status) ? g.status : [g.status]));
    else if ('header' in g && (g.header.equals ?? g.header.contains)) headers.push([g.header.name, (g.header.equals ?? g.header.contains)!]);
  };
  visit(goal);
  return { codes: [...new Set(codes)], headers };
}

/**
 * The shortcuts every step is tried with, besides the ones its file lists: asking /status/NNN for a
 * status the goal wants, and /response-headers for a header it pins. A step that teaches one of those
 * endpoints (its reference uses it) is not tried with it.
 */
export function automaticShortcuts(step: LessonStep): WrongAttempt[] {
  const uses = (prefix: string) => step.check.reference.some((r) => r.url.startsWith(prefix));
  const method = step.check.reference.at(-1)?.method ?? 'GET';
  const { codes, headers } = pinned(step.goal);
  const attempts: WrongAttempt[] = [];
  if (!uses('/status/')) {
    for (const code of codes.filter((c) => c >= 200)) attempts.push({ shortcut: `the status page /status/${code}`, requests: [{ method, url: `/status/${code}` }] });
  }
  if (!uses('/response-headers') && headers.length > 0) {
    const query = headers.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
    attempts.push({ shortcut: 'headers made up with /response-headers', requests: [{ method: 'GET', url: `/response-headers?${query}` }] });
  }
  return attempts;
}

/** What is wrong with a step's check, in plain words: an empty list when its reference passes and every wrong attempt and shortcut misses. */
export async function checkStep(server: TestServer, step: LessonStep): Promise<string[]> {
  const problems: string[] = [];
  const reference = await goalAfter(server, step, step.check.reference);
  if (!reference.passed) problems.push(`the reference requests miss the goal: ${reference.failures.join('; ')}`);
  for (const attempt of [...wrongAttempts(step.check), ...automaticShortcuts(step)]) {
    const result = await goalAfter(server, step, attempt.requests);
    if (result.passed) problems.push(`a wrong attempt passes the goal: ${attempt.shortcut} (${attempt.requests.map((r) => `${r.method} ${r.url}`).join(', ')})`);
    else if ((result.failed[0]?.message.length ?? 0) <= 10) problems.push(`${attempt.shortcut} misses the goal without saying why`);
  }
  return problems;
}
