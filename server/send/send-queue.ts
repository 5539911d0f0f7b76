// The send endpoint's waiting room. The server performs a bounded number of sends at once; when a whole
// class presses Send at the same moment, the rest wait their turn instead of being refused.
//
// Fairness: each client (a learner's sandbox cookie, else the address) has its own first-in-first-out lane,
// and free slots go to the lanes in turn (round robin), so a learner who sends ten requests waits behind the
// first request of everyone else, not in front of it. A client also has a ceiling on its sends in progress,
// so one client with slow targets cannot hold every slot.
//
// Bounds: the total of waiting sends, the waiting sends of one client, and the time a send may wait. A
// client past its own ceiling is flooding: 429 Too Many Requests (RFC 6585 §4). A full queue or a wait that
// ran out means the server is overloaded: 503 Service Unavailable (RFC 9110 §15.6.4). Both carry
// Retry-After (RFC 9110 §10.2.3).
import { deliberately } from '../http/deliberate-answers';
import { HttpProblem } from '../http/problem';

export interface SendQueueLimits {
  /** Sends in progress on the whole server. */
  concurrency: number;
  /** Sends in progress for one client. */
  perClientConcurrency: number;
  /**
   * Sends in progress for all clients of one address together (a client key `address|sandbox` names its
   * address before the `|`), so one machine inventing sandbox names cannot hold every slot. Default: no cap.
   */
  perAddressConcurrency?: number;
  /** Sends waiting on the whole server. */
  maxWaiting: number;
  /** Sends waiting for one client. */
  maxWaitingPerClient: number;
  /** Longest wait for a turn, ms. */
  maxWaitMs: number;
}

export type RefusalReason = 'client-flooding' | 'queue-full' | 'wait-expired' | 'gone';

/** Why a send did not get a turn. */
export class SendRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly limits: SendQueueLimits,
  ) {
    super(`send refused: ${reason}`);
  }
}

interface Waiter {
  client: string;
  start: () => void;
  refuse: (reason: RefusalReason) => void;
}

/** Timers, injectable so the unit tests decide when a wait runs out. */
export interface QueueTimers {
  set: (callback: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const REAL_TIMERS: QueueTimers = {
  set: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The address part of a client key (`address|sandbox`, or a bare address). */
function addressOf(client: string): string {
  const bar = client.indexOf('|');
  return bar === -1 ? client : client.slice(0, bar);
}

export class SendQueue {
  readonly limits: SendQueueLimits;
  readonly #timers: QueueTimers;
  /** Lanes in serving order: the lane just served moves to the back. Only non-empty lanes are kept. */
  readonly #lanes = new Map<string, Waiter[]>();
  readonly #runningPerClient = new Map<string, number>();
  readonly #runningPerAddress = new Map<string, number>();
  #running = 0;
  #waiting = 0;

  constructor(limits: SendQueueLimits, timers: QueueTimers = REAL_TIMERS) {
    this.limits = limits;
    this.#timers = timers;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Sends of one client in progress and waiting. */
  clientLoad(client: string): { running: number; waiting: number } {
    return { running: this.#runningPerClient.get(client) ?? 0, waiting: this.#lanes.get(client)?.length ?? 0 };
  }

  /**
   * Runs `job` once `client` has a turn. Rejects with SendRefusal when the client already has as many sends
   * waiting as it may, when the queue is full, when the wait runs out, or when the client leaves before the
   * turn came: `onLeave` is called only when the send has to wait, with the function that withdraws it (a
   * send that starts at once costs no listener and no AbortController).
   */
  async run<T>(client: string, job: () => Promise<T>, onLeave?: (withdraw: () => void) => void): Promise<T> {
    await this.#turn(client, onLeave);
    try {
      return await job();
    } finally {
      this.#release(client);
    }
  }

  #canStart(client: string): boolean {
    const perAddress = this.limits.perAddressConcurrency;
    return (
      this.#running < this.limits.concurrency &&
      (this.#runningPerClient.get(client) ?? 0) < this.limits.perClientConcurrency &&
      (perAddress === undefined || (this.#runningPerAddress.get(addressOf(client)) ?? 0) < perAddress)
    );
  }

  #turn(client: string, onLeave?: (withdraw: () => void) => void): Promise<void> {
    // Start at once only when nobody of this client is waiting: a lane is first in, first out.
    if (!this.#lanes.has(client) && this.#canStart(client)) {
      this.#start(client);
      return Promise.resolve();
    }
    const lane = this.#lanes.get(client) ?? [];
    if (lane.length >= this.limits.maxWaitingPerClient) return Promise.reject(new SendRefusal('client-flooding', this.limits));
    if (this.#waiting >= this.limits.maxWaiting) return Promise.reject(new SendRefusal('queue-full', this.limits));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const waiter: Waiter = {
        client,
        start: () => {
          settled = true;
          this.#timers.clear(timer);
          resolve();
        },
        refuse: (reason) => {
          if (settled) return;
          settled = true;
          this.#timers.clear(timer);
          this.#remove(waiter);
          reject(new SendRefusal(reason, this.limits));
        },
      };
      const timer = this.#timers.set(() => waiter.refuse('wait-expired'), this.limits.maxWaitMs);
      onLeave?.(() => waiter.refuse('gone'));
      lane.push(waiter);
      this.#lanes.set(client, lane);
      this.#waiting += 1;
    });
  }

  #start(client: string): void {
    this.#running += 1;
    this.#runningPerClient.set(client, (this.#runningPerClient.get(client) ?? 0) + 1);
    const address = addressOf(client);
    this.#runningPerAddress.set(address, (this.#runningPerAddress.get(address) ?? 0) + 1);
  }

  #remove(waiter: Waiter): void {
    const lane = this.#lanes.get(waiter.client);
    const index = lane?.indexOf(waiter) ?? -1;
    if (!lane || index === -1) return;
    lane.splice(index, 1);
    this.#waiting -= 1;
    if (lane.length === 0) this.#lanes.delete(waiter.client);
  }

  #release(client: string): void {
    this.#running -= 1;
    const left = (this.#runningPerClient.get(client) ?? 1) - 1;
    if (left <= 0) this.#runningPerClient.delete(client);
    else this.#runningPerClient.set(client, left);
    const address = addressOf(client);
    const leftHere = (this.#runningPerAddress.get(address) ?? 1) - 1;
    if (leftHere <= 0) this.#runningPerAddress.delete(address);
    else this.#runningPerAddress.set(address, leftHere);
    this.#dispatch();
  }

  /** Gives free slots to the lanes in turn, skipping clients already at their own ceiling. */
  #dispatch(): void {
    while (this.#running < this.limits.concurrency && this.#waiting > 0) {
      let chosen: Waiter | undefined;
      for (const [client, lane] of this.#lanes) {
        if (!this.#canStart(client)) continue;
        chosen = lane.shift()!;
        this.#waiting -= 1;
        // The lane goes to the back of the round, or away when it is empty.
        this.#lanes.delete(client);
        if (lane.length > 0) this.#lanes.set(client, lane);
        break;
      }
      if (!chosen) return;
      this.#start(chosen.client);
      chosen.start();
    }
  }
}

/** Seconds a refused client is asked to wait: a flood clears in about a second, an overload takes longer. */
export const FLOOD_RETRY_AFTER_S = 1;
export const OVERLOAD_RETRY_AFTER_S = 5;

/** The problem a learner reads when their send did not get a turn. */
export function sendRefusalProblem(refusal: SendRefusal): HttpProblem {
  const { limits } = refusal;
  switch (refusal.reason) {
    case 'client-flooding':
      return new HttpProblem(
        'too-many-requests',
        `You already have ${limits.perClientConcurrency} requests in progress and ${limits.maxWaitingPerClient} more waiting, the most one learner may have. Wait for their answers before sending more (Retry-After: ${FLOOD_RETRY_AFTER_S} s).`,
        { headers: { 'retry-after': String(FLOOD_RETRY_AFTER_S) }, extra: { limit: limits.perClientConcurrency + limits.maxWaitingPerClient, retryAfter: FLOOD_RETRY_AFTER_S } },
      );
    case 'queue-full':
      return new HttpProblem(
        'capacity-reached',
        `The sandbox has ${limits.maxWaiting} requests from other learners waiting to be sent, as many as it holds. Wait ${OVERLOAD_RETRY_AFTER_S} s (the Retry-After header says so too) and send again.`,
        { headers: { 'retry-after': String(OVERLOAD_RETRY_AFTER_S) }, extra: { limit: limits.maxWaiting, retryAfter: OVERLOAD_RETRY_AFTER_S } },
      );
    case 'gone':
      // Nobody reads this answer (the connection is gone); the log line says what happened.
      return deliberately(
        new HttpProblem('capacity-reached', 'The connection closed while the request waited for its turn, so it was not sent.', {
          headers: { 'retry-after': String(OVERLOAD_RETRY_AFTER_S) },
        }),
        'the client left while its send waited for a turn',
      );
    case 'wait-expired':
      return new HttpProblem(
        'capacity-reached',
        `Your request waited ${limits.maxWaitMs / 1000} s for its turn while the sandbox was busy sending other learners' requests, and was not sent. Wait ${OVERLOAD_RETRY_AFTER_S} s (the Retry-After header says so too) and send it again.`,
        { headers: { 'retry-after': String(OVERLOAD_RETRY_AFTER_S) }, extra: { limit: limits.concurrency, retryAfter: OVERLOAD_RETRY_AFTER_S } },
      );
  }
}
