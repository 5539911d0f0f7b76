// npm run lessons:check — every lesson file is valid, and every step's goal passes with its reference
// requests and fails (with a reason) with its wrong attempt, against a live sandbox on 127.0.0.1, through
// the real send endpoint. A broken lesson cannot land. LESSONS_DIR=/your/folder checks your own lessons.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import { checkGoal } from '../../server/lessons/goals';
import { loadLessons } from '../../server/lessons/load-lessons';
import { startServer, type TestServer } from '../helpers/server';
import { runCheckPart } from './run-check';

const ownFolder = process.env.LESSONS_DIR;
const lessons = loadLessons(ownFolder ?? join(PROJECT_ROOT, 'lessons'));
let server: TestServer;

beforeAll(async () => {
  // Checks log in and send far more often than one learner; the limits themselves are tested elsewhere.
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

describe('the course', () => {
  // (An instructor checking their own folder with LESSONS_DIR may have fewer.)
  it.skipIf(ownFolder !== undefined)('has at least 12 lessons, in order, covering the curriculum', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(12);
    expect(lessons.map((l) => l.id)).toEqual(
      expect.arrayContaining(['anatomy', 'methods-crud', 'status-codes', 'headers', 'content-negotiation', 'rest-collections', 'cookies-sessions', 'authn-authz', 'idempotency', 'caching', 'redirects', 'errors-async', 'security-basics', 'wire']),
    );
    expect(lessons.map((l) => l.order)).toEqual([...lessons.map((l) => l.order)].sort((a, b) => a - b));
  });
});

for (const lesson of lessons) {
  describe(`lesson ${lesson.id}`, () => {
    const steps = lesson.steps.map((step, index) => [index + 1, step.title, step] as const);

    it.each(steps)('step %i (%s): the reference requests reach the goal', async (_n, _title, step) => {
      const exchanges = await runCheckPart(server, step.check.setup ?? [], step.check.reference);
      expect(checkGoal(step.goal, exchanges).failures).toEqual([]);
    });

    it.each(steps)('step %i (%s): the wrong attempt misses it, and says why', async (_n, _title, step) => {
      const exchanges = await runCheckPart(server, step.check.setup ?? [], step.check.wrong);
      const result = checkGoal(step.goal, exchanges);
      expect(result.passed).toBe(false);
      expect(result.failed[0]!.message.length).toBeGreaterThan(10);
    });
  });
}
