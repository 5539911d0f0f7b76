// The lesson "What the server does with your request" (issue 18): one learner walks it from the first
// step to the last in one sandbox, as the player does — each step's goal checked against its own
// exchanges, with the previous step's for {{response.…}} — and the X-ray of each answer says what the
// step's explanation promises. Then the conditions that pin the exchange are taken away one at a time,
// and lessons:check names the shortcut that would pass.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import { checkGoal, type Goal } from '../../server/protocol/lesson-goals';
import type { LessonStep } from '../../server/protocol/lesson-format';
import { loadLessons } from '../../server/lessons/load-lessons';
import type { Exchange } from '../../server/protocol/api-types';
import type { RequestTrace, TraceStep } from '../../server/protocol/trace-types';
import { startServer, type TestServer } from '../helpers/server';
import { checkStep, SandboxRun } from './run-check';

const lesson = loadLessons(join(PROJECT_ROOT, 'lessons')).find((l) => l.id === 'inside-the-server');
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

function stepTitled(title: string): LessonStep {
  const found = lesson?.steps.find((s) => s.title === title);
  if (!found) throw new Error(`no step "${title}" in lesson inside-the-server`);
  return found;
}

function refusal(trace: RequestTrace | undefined): TraceStep | undefined {
  return trace?.steps.find((s) => s.outcome === 'refused');
}

function header(exchange: Exchange, name: string): string | undefined {
  return exchange.response?.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

describe('the lesson "What the server does with your request"', () => {
  it('comes after the other lessons, with the steps the issue asks for', () => {
    expect(lesson).toBeDefined();
    expect(lesson!.order).toBe(21);
    expect(lesson!.steps.map((s) => s.title)).toEqual([
      'A path no route matches',
      'A path without your method',
      'Stopped before the handler',
      'Log in',
      'Refused by the owner rule',
      'Create a book, watch the store',
      'Change it, before and after',
      'The X-ray on the wire',
      'Read the whole trace',
    ]);
  });

  it('walked by one learner in one sandbox: every goal holds, and each X-ray says what the explanation says', async () => {
    const run = new SandboxRun(server);
    const byStep: Exchange[][] = [];
    for (const [index, step] of lesson!.steps.entries()) {
      const exchanges = await run.send(step.check.reference);
      const result = checkGoal(step.goal, exchanges, byStep[index - 1] ?? []);
      expect(result.failures, `step ${index + 1} (${step.title})`).toEqual([]);
      byStep.push(exchanges);
    }
    const last = (n: number) => byStep[n - 1]!.at(-1)!;

    // 1: the router refused, naming the nearest route; nothing after the hooks ran.
    expect(refusal(last(1).trace)).toMatchObject({ stage: 'routing', title: 'No route matches GET /api/bookz/1', facts: { nearest: '/api/books/:id' } });
    expect(last(1).trace!.steps.some((s) => ['store', 'authorization', 'validation'].includes(s.stage))).toBe(false);
    // 2: the router refused for the method, listing what Allow lists.
    expect(refusal(last(2).trace)).toMatchObject({ stage: 'routing', facts: { allow: header(last(2), 'Allow') } });
    // 3: authentication refused after the route matched, and the store was never asked about book 999.
    expect(last(3).trace!.steps.find((s) => s.stage === 'routing')).toMatchObject({ outcome: 'pass', facts: { pattern: '/api/books/:id', id: '999' } });
    expect(refusal(last(3).trace)).toMatchObject({ stage: 'authentication', title: expect.stringMatching(/^No session cookie or bearer token came with the request/) });
    expect(last(3).trace!.steps.some((s) => s.stage === 'store')).toBe(false);
    // 4: validation names the fields; no secret anywhere in the trace.
    expect(last(4).trace!.steps.find((s) => s.stage === 'validation')?.facts).toMatchObject({ required: 'username, password' });
    expect(JSON.stringify(last(4).trace)).not.toMatch(/lovelace|s_[\w-]{10,}|scrypt/);
    // 5: authentication passed, then the owner rule refused with both names, and Server-Timing says so.
    expect(last(5).trace!.steps.find((s) => s.stage === 'authentication')).toMatchObject({ outcome: 'pass', title: 'Logged in as ada (user 1)' });
    expect(refusal(last(5).trace)).toMatchObject({ stage: 'authorization', title: "Only a book's owner may change it: book 7 belongs to grace, you are ada" });
    expect(header(last(5), 'Server-Timing')).toContain('authorization;dur=');
    // 6: the insert, every field from nothing to its value.
    const insert = last(6).trace!.steps.find((s) => s.stage === 'store' && s.outcome === 'pass');
    expect(insert?.title).toMatch(/^Inserted book \d+$/);
    expect(insert?.changes).toEqual(expect.arrayContaining([{ field: 'title', before: null, after: 'Kindred' }, { field: 'status', before: null, after: 'unread' }]));
    // 7: the owner rule passed for the learner's own book, and the update lists only the field that changed.
    const id = header(last(6), 'Location')!.split('/').at(-1);
    expect(last(7).trace!.steps.find((s) => s.stage === 'authorization')).toMatchObject({ outcome: 'pass', title: `Only a book's owner may change it: book ${id} is yours` });
    expect(last(7).trace!.steps.find((s) => s.stage === 'store' && s.outcome === 'pass')).toMatchObject({ title: `Updated book ${id}`, changes: [{ field: 'status', before: 'unread', after: 'read' }] });
    // 8: Server-Timing has a metric per stage and the total, which the stages add up to.
    const metrics = header(last(8), 'Server-Timing')!.split(', ').map((m) => ({ name: m.split(';')[0], dur: Number(/dur=([\d.]+)/.exec(m)?.[1]) }));
    expect(metrics.map((m) => m.name)).toEqual(['routing', 'sandbox', 'authentication', 'validation', 'negotiation', 'store', 'serialization', 'total']);
    const stages = metrics.slice(0, -1).reduce((sum, m) => sum + m.dur, 0);
    const total = metrics.at(-1)!.dur;
    expect(Math.abs(stages - total)).toBeLessThanOrEqual(Math.max(0.5, total * 0.05));
    // 9: the trace read back is the one the answer named.
    const read = JSON.parse(last(9).response!.body!.data) as RequestTrace;
    expect(`/app/traces/${read.id}`).toBe(header(last(8), 'X-Sandbox-Trace'));
    expect(read).toMatchObject({ method: 'GET', url: '/api/books/1', route: '/api/books/:id', status: 200 });
  });

  it.each([
    // Without the Server-Timing that says no route matched, a 404 from the store passes.
    ['A path no route matches', ['header'], /a book that does not exist/],
    // Without the path, the 405 of an echo endpoint passes.
    ['A path without your method', ['path', 'header'], /a 405 from an echo endpoint/],
    // Without the method and path, the echo's Basic-auth 401 passes.
    ['Stopped before the handler', ['method', 'path', 'header'], /a 401 from the echo's Basic-auth page/],
    // Without the owner rule's sentence in Server-Timing, the origin check's 403 passes.
    ['Refused by the owner rule', ['header'], /a 403 from the origin check/],
    // Without the path to the learner's own book, a seed book passes.
    ['Change it, before and after', ['path'], /a seed book instead of the one you created/],
    // Without the path and the request header that asks for the X-ray, made-up response headers pass.
    ['The X-ray on the wire', ['path', 'method', 'status', 'requestHeader'], /headers made up with \/response-headers/],
  ])('"%s" without %j: lessons:check names the shortcut that passes', async (title, kinds, shortcut) => {
    const original = stepTitled(title);
    expect(await checkStep(server, original)).toEqual([]);
    const goal = original.goal as Goal;
    if (!('all' in goal)) throw new Error('the step goal is expected to be an all: [...]');
    const loosened = { ...original, goal: { all: goal.all.filter((condition) => !kinds.some((kind) => kind in condition)) } };
    const problems = await checkStep(server, loosened);
    expect(problems.some((p) => /a wrong attempt passes the goal/.test(p) && shortcut.test(p)), problems.join('\n')).toBe(true);
  });
});
