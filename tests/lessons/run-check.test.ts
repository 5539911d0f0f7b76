// The lessons:check runner sends a lesson request as the composer does after "Fill in the request":
// with the step's send options — following redirects, and now its timeout — so a timeout step is checked
// against a real timeout, and a check that forgets the timeout is caught.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import type { LessonRequest, LessonStep } from '../../server/protocol/lesson-format';
import { loadLessons } from '../../server/lessons/load-lessons';
import { startServer, type TestServer } from '../helpers/server';
import { checkStep, sendOptions, SandboxRun } from './run-check';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

describe('send options of a lesson request', () => {
  it.each<[string, LessonRequest, ReturnType<typeof sendOptions>]>([
    ['none: the composer’s defaults', { method: 'GET', url: '/get' }, {}],
    ['following redirects', { method: 'GET', url: '/redirect/1', followRedirects: true }, { followRedirects: true }],
    ['not following, said out loud', { method: 'GET', url: '/redirect/1', followRedirects: false }, {}],
    ['a timeout', { method: 'GET', url: '/delay/3', timeoutMs: 1000 }, { timeoutMs: 1000 }],
    ['both', { method: 'GET', url: '/redirect/1', followRedirects: true, timeoutMs: 2500 }, { followRedirects: true, timeoutMs: 2500 }],
  ])('%s', (_name, request, options) => {
    expect(sendOptions(request)).toEqual(options);
  });
});

describe('a check request with timeoutMs', () => {
  it('gives up when the answer takes longer: an exchange with the timeout error and no response', async () => {
    const [exchange, ...more] = await new SandboxRun(server).send([{ method: 'GET', url: '/delay/2', timeoutMs: 300 }]);
    expect(more).toEqual([]);
    expect(exchange!.response).toBeNull();
    expect(exchange!.error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT', message: expect.stringContaining('within 300 ms') });
    expect(exchange!.request.raw).toMatch(/^GET \/delay\/2 HTTP\/1\.1\r\n/);
  });

  it('waits the default time without one, so the same request gets its answer', async () => {
    const [exchange] = await new SandboxRun(server).send([{ method: 'GET', url: '/delay/1' }]);
    expect(exchange!.error).toBeUndefined();
    expect(exchange!.response?.status).toBe(200);
  });

  it('waits as long as asked, so a long enough timeout gets the answer', async () => {
    const [exchange] = await new SandboxRun(server).send([{ method: 'GET', url: '/delay/1', timeoutMs: 5000 }]);
    expect(exchange!.response?.status).toBe(200);
  });

  it('is refused by the send endpoint past its limits, and the runner says so', async () => {
    await expect(new SandboxRun(server).send([{ method: 'GET', url: '/get', timeoutMs: 50 }])).rejects.toThrow(/POST \/app\/send for GET \/get answered 4\d\d/);
  });
});

describe('the timeout step of the wire lesson', () => {
  const lessons = loadLessons(join(PROJECT_ROOT, 'lessons'));
  const step = lessons.find((l) => l.id === 'wire')!.steps.find((s) => s.title === 'Stop waiting: a timeout')!;

  it('fills in a 1 s timeout for /delay/3, and checks with the same', () => {
    expect(step.request).toEqual({ method: 'GET', url: '/delay/3', timeoutMs: 1000 });
    expect(step.check.reference).toEqual([step.request]);
  });

  it('is caught by lessons:check when its reference forgets the timeout', async () => {
    const forgetful: LessonStep = { ...step, check: { ...step.check, reference: [{ method: 'GET', url: '/delay/3' }] } };
    expect((await checkStep(server, forgetful))[0]).toMatch(/the reference requests miss the goal: a complete response came back \(200\)/);
  }, 30_000);
});
