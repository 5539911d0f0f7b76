// lessons:check catches a loosened goal: take real steps, drop the conditions that pin them (the path to
// the learner's own book, the owner rule, the real ETag), and the check must report the shortcut that
// now passes — by name — instead of staying green.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import type { Goal } from '../../server/protocol/lesson-goals';
import type { LessonStep } from '../../server/protocol/lesson-format';
import { loadLessons } from '../../server/lessons/load-lessons';
import { startServer, type TestServer } from '../helpers/server';
import { checkStep } from './run-check';

const lessons = loadLessons(join(PROJECT_ROOT, 'lessons'));
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

function step(lessonId: string, title: string): LessonStep {
  const found = lessons.find((l) => l.id === lessonId)?.steps.find((s) => s.title === title);
  if (!found) throw new Error(`no step "${title}" in lesson ${lessonId}`);
  return found;
}

/** The goal without its conditions of these kinds (at the top level of its `all`). */
function without(goal: Goal, ...kinds: string[]): Goal {
  if (!('all' in goal)) throw new Error('the step goal is expected to be an all: [...]');
  return { all: goal.all.filter((condition) => !kinds.some((kind) => kind in condition)) };
}

describe('a loosened goal fails lessons:check', () => {
  it.each([
    // The path is what makes the learner read back *their* book; without it a seed book passes.
    ['methods-crud', 'Read it back', ['path'], /a seed book instead of the one you created/],
    // Without the path and the owner rule in the body, the status page /status/403 passes.
    ['authn-authz', "Try someone else's book", ['path', 'bodyContains', 'method'], /the status page \/status\/403/],
    // Without comparing If-None-Match with the real ETag, the echo's 304 passes.
    ['caching', 'Ask only if it changed', ['requestHeader', 'path'], /a 304 from the echo's own ETag/],
    // Without the method and path, the 401 of the echo's Basic-auth page passes.
    ['authn-authz', 'Try without logging in', ['method', 'path', 'header'], /a 401 from the echo's Basic-auth page/],
    // Without the timeout condition, waiting long enough for the answer passes.
    ['wire', 'Stop waiting: a timeout', ['connectionError'], /a timeout long enough for the answer to arrive/],
  ])('%s / %s without %j: the check names the shortcut that passes', async (lessonId, title, kinds, shortcut) => {
    const original = step(lessonId, title);
    expect(await checkStep(server, original)).toEqual([]);
    const loosened = { ...original, goal: without(original.goal, ...kinds) };
    const problems = await checkStep(server, loosened);
    expect(problems.some((p) => /a wrong attempt passes the goal/.test(p) && shortcut.test(p)), problems.join('\n')).toBe(true);
    // Each check runs every attempt against a live sandbox; the timeout step's attempts wait seconds each.
  }, 40_000);

  it('also catches a reference that no longer reaches a tightened-too-far goal', async () => {
    const original = step('anatomy', 'Ask for the list of books');
    const impossible: LessonStep = { ...original, goal: { all: [original.goal, { status: 201 }] } };
    expect((await checkStep(server, impossible))[0]).toMatch(/the reference requests miss the goal: the status is 200, not 201/);
  });
});
