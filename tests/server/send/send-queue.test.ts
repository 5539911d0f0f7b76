// The send queue on its own: slots, per-learner lanes served in turn, and each bound with its refusal.
// Jobs are promises the test settles by hand and the wait timer is a stand-in the test fires, so every
// assertion is about order, never about time.
import { describe, expect, it } from 'vitest';
import {
  FLOOD_RETRY_AFTER_S,
  OVERLOAD_RETRY_AFTER_S,
  SendQueue,
  SendRefusal,
  sendRefusalProblem,
  type QueueTimers,
  type RefusalReason,
  type SendQueueLimits,
} from '../../../server/send/send-queue';

const LIMITS: SendQueueLimits = { concurrency: 1, perClientConcurrency: 1, maxWaiting: 100, maxWaitingPerClient: 10, maxWaitMs: 10_000 };

/** Timers the test fires by hand. */
function manualTimers(): QueueTimers & { fireAll: () => void; pending: () => number } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    set: (callback) => {
      timers.set(++next, callback);
      return next;
    },
    clear: (handle) => void timers.delete(handle as number),
    fireAll: () => {
      for (const [handle, callback] of [...timers]) {
        timers.delete(handle);
        callback();
      }
    },
    pending: () => timers.size,
  };
}

/** A queue whose jobs record when they start and finish only when the test says so. */
function harness(limits: Partial<SendQueueLimits> = {}) {
  const timers = manualTimers();
  const queue = new SendQueue({ ...LIMITS, ...limits }, timers);
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const outcomes = new Map<string, string>();
  const submit = (client: string, name: string, leave?: { on: (withdraw: () => void) => void }) => {
    const done = queue
      .run(
        client,
        () =>
          new Promise<string>((resolve) => {
            started.push(name);
            finishers.set(name, () => resolve(name));
          }),
        leave?.on,
      )
      .then(
        () => void outcomes.set(name, 'done'),
        (error: unknown) => void outcomes.set(name, error instanceof SendRefusal ? error.reason : String(error)),
      );
    return done;
  };
  /** Lets pending promise callbacks run (a queue turn resolves in a microtask). */
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const finish = async (name: string) => {
    const finisher = finishers.get(name);
    if (!finisher) throw new Error(`${name} has not started; started: ${started.join(', ')}`);
    finisher();
    await settle();
  };
  return { queue, timers, started, outcomes, submit, finish, settle };
}

describe('SendQueue', () => {
  it('runs as many sends as there are slots and starts a waiting one as soon as a slot frees', async () => {
    const h = harness({ concurrency: 2, perClientConcurrency: 2 });
    for (const name of ['a', 'b', 'c']) void h.submit(`client-${name}`, name);
    await h.settle();
    expect(h.started).toEqual(['a', 'b']);
    expect([h.queue.running, h.queue.waiting]).toEqual([2, 1]);
    await h.finish('b');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.finish('a');
    await h.finish('c');
    expect([h.queue.running, h.queue.waiting]).toEqual([0, 0]);
    expect([...h.outcomes.values()]).toEqual(['done', 'done', 'done']);
  });

  it('serves learners in turn: one who sent five waits behind the first send of everyone else', async () => {
    const h = harness();
    for (let i = 1; i <= 5; i += 1) void h.submit('ada', `ada${i}`);
    void h.submit('bo', 'bo1');
    void h.submit('cy', 'cy1');
    void h.submit('bo', 'bo2');
    await h.settle();
    const order = ['ada1', 'ada2', 'bo1', 'cy1', 'ada3', 'bo2', 'ada4', 'ada5'];
    for (const name of order) await h.finish(name);
    expect(h.started).toEqual(order);
  });

  it("keeps each learner's own sends first in, first out", async () => {
    const h = harness({ concurrency: 3, perClientConcurrency: 1 });
    for (let i = 1; i <= 4; i += 1) void h.submit('ada', `ada${i}`);
    await h.settle();
    for (let i = 1; i <= 4; i += 1) await h.finish(`ada${i}`);
    expect(h.started).toEqual(['ada1', 'ada2', 'ada3', 'ada4']);
  });

  it('holds a learner to their own share of the slots, so others start at once', async () => {
    const h = harness({ concurrency: 4, perClientConcurrency: 2 });
    for (let i = 1; i <= 3; i += 1) void h.submit('slow', `slow${i}`);
    void h.submit('bo', 'bo1');
    await h.settle();
    expect(h.started).toEqual(['slow1', 'slow2', 'bo1']);
    expect(h.queue.clientLoad('slow')).toEqual({ running: 2, waiting: 1 });
    await h.finish('slow1');
    expect(h.started.at(-1)).toBe('slow3');
  });

  it.each<[string, Partial<SendQueueLimits>, [string, number][], RefusalReason]>([
    ['a learner past their own waiting sends', { maxWaitingPerClient: 2 }, [['ada', 4]], 'client-flooding'],
    ['anyone once the whole queue is full', { maxWaiting: 3 }, [['ada', 2], ['bo', 2], ['cy', 1]], 'queue-full'],
  ])('refuses %s', async (_what, limits, sends, reason) => {
    const h = harness(limits);
    const names: string[] = [];
    for (const [client, count] of sends) {
      for (let i = 1; i <= count; i += 1) {
        names.push(`${client}${i}`);
        void h.submit(client, `${client}${i}`);
      }
    }
    await h.settle();
    const last = names.at(-1)!;
    expect(h.outcomes.get(last)).toBe(reason);
    // Everyone admitted is still served, in turn.
    for (const name of names.slice(0, -1)) await h.finish(name);
    expect(h.started).toEqual(expect.arrayContaining(names.slice(0, -1)));
    expect(h.started).not.toContain(last);
  });

  it('gives up on a send that waited the longest it may, and serves the rest', async () => {
    const h = harness();
    void h.submit('ada', 'ada1');
    void h.submit('bo', 'bo1');
    await h.settle();
    expect(h.timers.pending()).toBe(1);
    h.timers.fireAll();
    await h.settle();
    expect(h.outcomes.get('bo1')).toBe('wait-expired');
    expect(h.queue.waiting).toBe(0);
    void h.submit('cy', 'cy1');
    await h.finish('ada1');
    expect(h.started).toEqual(['ada1', 'cy1']);
  });

  it('drops a waiting send whose learner left, without running it', async () => {
    const h = harness();
    let withdraw: (() => void) | undefined;
    void h.submit('ada', 'ada1', { on: () => expect.unreachable('ada1 starts at once and needs no listener') });
    void h.submit('bo', 'bo1', { on: (w) => (withdraw = w) });
    void h.submit('cy', 'cy1');
    await h.settle();
    withdraw!();
    await h.settle();
    expect(h.outcomes.get('bo1')).toBe('gone');
    expect(h.timers.pending()).toBe(1);
    await h.finish('ada1');
    expect(h.started).toEqual(['ada1', 'cy1']);
  });

  it('frees the slot when a send fails', async () => {
    const queue = new SendQueue(LIMITS, manualTimers());
    await expect(queue.run('ada', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(queue.running).toBe(0);
    await expect(queue.run('ada', () => Promise.resolve('next'))).resolves.toBe('next');
  });
});

describe('sendRefusalProblem', () => {
  it.each<[RefusalReason, number, number, RegExp]>([
    ['client-flooding', 429, FLOOD_RETRY_AFTER_S, /Wait for their answers before sending more/],
    ['queue-full', 503, OVERLOAD_RETRY_AFTER_S, /requests from other learners waiting.*send again/],
    ['wait-expired', 503, OVERLOAD_RETRY_AFTER_S, /waited 10 s for its turn.*send it again/],
  ])('answers %s with %i, Retry-After %i and what to do', (reason, status, retryAfter, detail) => {
    const problem = sendRefusalProblem(new SendRefusal(reason, LIMITS));
    expect(problem.status).toBe(status);
    expect(problem.headers['retry-after']).toBe(String(retryAfter));
    expect(problem.message).toMatch(detail);
  });
});
