// Lesson progress as a learner meets it: a lesson opened from the real server, each send (through the one
// send use-case, as the lessons panel subscribes) checked against the step's goal — a miss says why and
// gives the hint for that mistake, a hit marks the step done — and the progress still there after a reload.
import '../page';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyDraft, type Draft } from '../../../client/src/lib/draft';
import { onSent, sendRequest } from '../../../client/src/app/send-request';
import { openLessonProgress, useLessonStore } from '../../../client/src/features/lessons/lesson-store';
import { startServer, type TestServer } from '../../helpers/server';
import { clearBrowser, openPageAt, reload } from '../page';

let server: TestServer;
let stop: () => void;
const get = (url: string): Draft => ({ ...emptyDraft(), url });

/** Starting the app loads every lesson; on a busy machine that takes a few seconds. */
const SERVER_START_MS = 30_000;

beforeAll(async () => {
  server = await startServer();
  openPageAt(server.origin);
  // What the lessons panel does while it is open.
  stop = onSent(({ transcript }) => useLessonStore.getState().record(transcript.exchanges));
}, SERVER_START_MS);
afterAll(async () => {
  stop();
  await server.close();
});
beforeEach(() => {
  useLessonStore.setState(useLessonStore.getInitialState(), true);
  clearBrowser();
});

describe('a lesson step', () => {
  it('a miss says what is wrong and gives the hint for that mistake; the right request completes the step', async () => {
    await useLessonStore.getState().open('anatomy');
    expect(useLessonStore.getState()).toMatchObject({ openId: 'anatomy', error: null, progress: { anatomy: { step: 0, done: [] } } });

    await sendRequest(get('/api/bookz'));
    const miss = useLessonStore.getState().attempt;
    expect(miss).toMatchObject({ passed: false, hintsShown: 1 });
    expect(miss.conditionHint).toMatch(/\/api\/books, plural/);
    expect(miss.failures[0]).toBeTruthy();

    useLessonStore.getState().moreHint();
    expect(useLessonStore.getState().attempt.hintsShown).toBe(2);

    await sendRequest(get('/api/books'));
    expect(useLessonStore.getState().attempt.passed).toBe(true);
    expect(useLessonStore.getState().progress.anatomy?.done).toEqual([0]);
  });

  it('a new step starts a fresh attempt that still sees what was sent before it', async () => {
    await useLessonStore.getState().open('anatomy');
    await sendRequest(get('/api/books'));
    useLessonStore.getState().goTo(1);
    const { attempt, progress } = useLessonStore.getState();
    expect(attempt).toMatchObject({ passed: false, history: [], hintsShown: 0 });
    expect(attempt.before.map((e) => e.request.url)).toEqual([`${server.origin}/api/books`]);
    expect(progress.anatomy).toEqual({ step: 1, done: [0] });
  });

  it('sends while no lesson is open count for nothing, but are remembered for the next step', async () => {
    await sendRequest(get('/api/books?page=2'));
    expect(useLessonStore.getState().progress).toEqual({});
    await useLessonStore.getState().open('anatomy');
    expect(useLessonStore.getState().attempt.before.map((e) => new URL(e.request.url).search)).toEqual(['?page=2']);
  });

  it('keeps the progress across a reload, and reports where the learner stands for the classroom', async () => {
    await useLessonStore.getState().open('anatomy');
    await sendRequest(get('/api/books'));
    useLessonStore.getState().goTo(1);
    const steps = useLessonStore.getState().lessons.anatomy!.steps.length;
    expect(openLessonProgress()).toEqual({ lessonId: 'anatomy', step: 2, steps, completed: false });

    const after = await reload(() => import('../../../client/src/features/lessons/lesson-store'));
    expect(after.useLessonStore.getState().progress).toEqual({ anatomy: { step: 1, done: [0] } });
    // The open lesson itself is not kept: the page opens it again from its address.
    expect(after.openLessonProgress()).toBeUndefined();
    await after.useLessonStore.getState().open('anatomy');
    expect(after.openLessonProgress()).toEqual({ lessonId: 'anatomy', step: 2, steps, completed: false });
  });

  it('an unknown lesson says so, and nothing opens', async () => {
    await useLessonStore.getState().open('no-such-lesson');
    expect(useLessonStore.getState().openId).toBeNull();
    expect(useLessonStore.getState().error).toBeTruthy();
  });
});
