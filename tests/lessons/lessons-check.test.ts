// lessons:check — every lesson file is valid, and every step's goal passes with its reference
// requests and fails with its wrong request, against a live sandbox (through the real send endpoint,
// with a cookie jar as the browser keeps). A broken lesson cannot land.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import type { Exchange, Transcript } from '../../server/protocol';
import { checkGoal } from '../../server/lessons/goals';
import type { LessonRequest } from '../../server/lessons/lesson-format';
import { loadLessons } from '../../server/lessons/load-lessons';
import { cookieHeaderFor, storeCookies, type JarCookie } from '../../client/src/features/exchange/cookie-jar';
import { call, startServer, type TestServer } from '../helpers/server';

const lessons = loadLessons(process.env.LESSONS_DIR ?? join(PROJECT_ROOT, 'lessons'));
let server: TestServer;
let run = 0;

beforeAll(async () => {
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

/** Sends requests in a fresh sandbox, as the composer would, and returns every exchange. */
async function sendAll(requests: LessonRequest[]): Promise<Exchange[]> {
  run += 1;
  let jar: JarCookie[] = [{ name: 'sandbox', value: `check-${run}`, origin: server.origin, path: '/', httpOnly: true }];
  const history: Exchange[] = [];
  for (const r of requests) {
    const url = new URL(r.url, server.origin);
    const headers = [...(r.headers ?? [])];
    const cookie = cookieHeaderFor(jar, url);
    if (cookie) headers.push(['Cookie', cookie]);
    const response = await call(server, '/app/send', {
      method: 'POST',
      json: { method: r.method, url: r.url, headers, body: r.body === undefined ? null : { encoding: 'text', data: r.body } },
    });
    if (response.status !== 200) throw new Error(`send failed: ${response.status} ${response.text}`);
    const transcript = response.json as Transcript;
    for (const exchange of transcript.exchanges) {
      const setCookies = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v);
      jar = storeCookies(jar, setCookies, url);
      history.push(exchange);
    }
  }
  return history;
}

describe('lessons', () => {
  // (An instructor checking their own folder with LESSONS_DIR may have fewer.)
  it.skipIf(process.env.LESSONS_DIR !== undefined)('the course has at least 12, in order', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(12);
    expect(lessons.map((l) => l.order)).toEqual([...lessons.map((l) => l.order)].sort((a, b) => a - b));
  });

  for (const lesson of lessons) {
    describe(lesson.id, () => {
      lesson.steps.forEach((step, index) => {
        it(`step ${index + 1} (${step.title}): the reference passes`, async () => {
          const setup = step.check.setup ?? [];
          const history = await sendAll([...setup, ...step.check.reference]);
          const result = checkGoal(step.goal, history.slice(setup.length));
          expect(result.failures).toEqual([]);
        });
        it(`step ${index + 1} (${step.title}): the wrong attempt fails with a reason`, async () => {
          const setup = step.check.setup ?? [];
          const history = await sendAll([...setup, ...step.check.wrong]);
          const result = checkGoal(step.goal, history.slice(setup.length));
          expect(result.passed).toBe(false);
          expect(result.failures[0]!.length).toBeGreaterThan(5);
        });
      });
    });
  }
});
