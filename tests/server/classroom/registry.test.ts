// The expiring, capped registry rooms and inboxes share (server/classroom/registry.ts): its cap with a sweep,
// the per-owner share, idle expiry unless a stream is open, the lookup that expires on read, and the
// persistence hook.
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../server/http/problem';
import { ExpiringRegistry, type ExpiringRegistryOptions } from '../../../server/classroom/registry';

interface Thing {
  key: string;
  owner?: string;
  lastActivity: number;
  streams: number;
  lasting?: boolean;
}

function setup(overrides: Partial<ExpiringRegistryOptions<Thing>> = {}) {
  let now = 1_000_000;
  const expired: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const registry: ExpiringRegistry<Thing> = new ExpiringRegistry<Thing>({
    max: 8,
    idleMs: 60_000,
    now: () => new Date(now),
    keyOf: (thing) => thing.key,
    lastActivityOf: (thing) => thing.lastActivity,
    ownerOf: (thing) => thing.owner,
    openStreams: (thing) => thing.streams,
    expires: (thing) => !thing.lasting,
    expire: (thing) => {
      expired.push(thing.key);
      registry.remove(thing);
    },
    full: () => new HttpProblem('capacity-reached', 'full'),
    shareUsed: (held) => new HttpProblem('too-many-requests', `you hold ${held}`),
    onAdded: (thing) => added.push(thing.key),
    onRemoved: (thing) => removed.push(thing.key),
    ...overrides,
  });
  const make = (key: string, owner?: string, extra: Partial<Thing> = {}): Thing => {
    registry.admit(owner);
    const thing: Thing = { key, lastActivity: now, streams: 0, ...(owner === undefined ? {} : { owner }), ...extra };
    registry.add(thing);
    return thing;
  };
  return { registry, make, expired, added, removed, advance: (ms: number) => (now += ms), now: () => now };
}

function problemOf(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('no problem was thrown');
}

describe('ExpiringRegistry', () => {
  it('holds at most `max` entries: when full it ends idle ones first, then answers with the full problem', () => {
    const { registry, make, advance, expired } = setup();
    for (let i = 0; i < 8; i += 1) make(`t${i}`, `owner${i}`);
    expect(problemOf(() => make('one-more', 'someone')).status).toBe(503);
    // Two go idle; the next admission sweeps them away and fits.
    advance(30_000);
    registry.peek('t0')!.lastActivity = registry.peek('t1')!.lastActivity = 0;
    make('fits', 'someone');
    expect(expired).toEqual(['t0', 't1']);
    expect(registry.size).toBe(7);
  });

  it('gives one owner at most a quarter of `max` (at least one); entries without an owner count for nobody', () => {
    const { registry, make } = setup();
    expect(registry.perOwnerMax).toBe(2);
    make('a', 'hall');
    make('b', 'hall');
    const problem = problemOf(() => make('c', 'hall'));
    expect([problem.status, problem.message]).toEqual([429, 'you hold 2']);
    make('d', 'elsewhere');
    for (let i = 0; i < 4; i += 1) make(`room-inbox-${i}`);
    expect(registry.size).toBe(7);
    expect(setup({ max: 3 }).registry.perOwnerMax).toBe(1);
  });

  it('expires an idle entry when a lookup finds it, not while a stream is open or when it does not expire on its own', () => {
    const { registry, make, advance, expired, removed } = setup();
    make('idle');
    make('watched', undefined, { streams: 1 });
    make('lasting', undefined, { lasting: true });
    make('busy');
    advance(59_000);
    registry.peek('busy')!.lastActivity += 59_000;
    advance(2_000);
    expect(registry.get('idle')).toBeUndefined();
    expect(expired).toEqual(['idle']);
    expect(removed).toEqual(['idle']);
    expect(registry.get('watched')?.key).toBe('watched');
    expect(registry.get('lasting')?.key).toBe('lasting');
    expect(registry.get('busy')?.key).toBe('busy');
    // The stream closes: now it expires too (peek never expires anything).
    registry.peek('watched')!.streams = 0;
    expect(registry.peek('watched')?.key).toBe('watched');
    registry.sweep();
    expect(expired).toEqual(['idle', 'watched']);
    expect(registry.values().map((thing) => thing.key)).toEqual(['lasting', 'busy']);
  });

  it('tells the persistence hook of entries added and removed, not of those restored or forgotten, and removes an entry once', () => {
    const { registry, make, added, removed } = setup();
    const first = make('a', 'x');
    registry.restore({ key: 'saved', lastActivity: 0, streams: 0 });
    expect(added).toEqual(['a']);
    expect(registry.remove(first)).toBe(true);
    expect(registry.remove(first)).toBe(false);
    // A newer entry under the same key is not removed through a stale one.
    const second = make('a', 'x');
    expect(registry.remove({ ...second })).toBe(false);
    expect(registry.forget('saved')?.key).toBe('saved');
    expect(registry.forget('saved')).toBeUndefined();
    expect(removed).toEqual(['a']);
    expect(added).toEqual(['a', 'a']);
    expect(registry.has('a')).toBe(true);
  });
});
