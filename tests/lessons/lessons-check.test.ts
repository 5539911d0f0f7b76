// npm run lessons:check — every lesson file is valid, and every step's goal passes with its reference
// requests and fails (with a reason) with each of its wrong attempts and with the automatic shortcuts
// (/status/NNN, /response-headers), against a live sandbox on 127.0.0.1, through the real send
// endpoint. A broken or loosened lesson cannot land. LESSONS_DIR=/your/folder checks your own lessons.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import { loadLessons } from '../../server/lessons/load-lessons';
import { startServer, type TestServer } from '../helpers/server';
import { checkStep } from './run-check';

const ownFolder = process.env.LESSONS_DIR;
const lessons = loadLessons(ownFolder ?? join(PROJECT_ROOT, 'lessons'));
let server: TestServer;

beforeAll(async () => {
  // Checks log in and send far more often than one learner; the limits themselves are tested elsewhere.
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000, classroomCreatePerMinute: 10_000 });
});
afterAll(() => server.close());

describe('the course', () => {
  // (An instructor checking their own folder with LESSONS_DIR may have fewer.)
  it.skipIf(ownFolder !== undefined)('has its lessons, in order, covering the curriculum', () => {
    expect(lessons.map((l) => l.id)).toEqual(
      expect.arrayContaining(['anatomy', 'methods-crud', 'status-codes', 'headers', 'content-negotiation', 'rest-collections', 'cookies-sessions', 'authn-authz', 'idempotency', 'caching', 'redirects', 'errors-async', 'security-basics', 'wire', 'rest-safe-methods', 'https', 'proxies-gateways', 'cors', 'caching-layers', 'webhooks']),
    );
    expect(lessons.map((l) => l.order)).toEqual([...lessons.map((l) => l.order)].sort((a, b) => a - b));
  });

  it.skipIf(ownFolder !== undefined)('names, for every step, the shortcuts its wrong attempts try', () => {
    for (const lesson of lessons) {
      lesson.steps.forEach((step, i) => {
        const wrong = step.check.wrong as { shortcut?: string }[];
        expect(wrong.every((attempt) => typeof attempt.shortcut === 'string'), `${lesson.id} step ${i + 1}`).toBe(true);
      });
    }
  });
});

for (const lesson of lessons) {
  describe(`lesson ${lesson.id}`, () => {
    const steps = lesson.steps.map((step, index) => [index + 1, step.title, step] as const);

    it.each(steps)('step %i (%s): the reference reaches the goal; every wrong attempt and shortcut misses it, saying why', async (_n, _title, step) => {
      expect(await checkStep(server, step)).toEqual([]);
      // A step's attempts run one after another against a live sandbox; slow ones (a timeout, /delay) wait seconds each.
    }, 30_000);
  });
}
