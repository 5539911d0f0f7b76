// The X-ray's pure parts: the Server-Timing header and the nearest route.
import { describe, expect, it } from 'vitest';
import { nearestRoute } from '../../../server/trace/nearest-route';
import { serverTiming } from '../../../server/trace/server-timing';
import { Tracer, TRACE_MAX_STEPS } from '../../../server/trace/tracer';
import type { TraceStep } from '../../../server/protocol/trace-types';

const at = (stage: TraceStep['stage'], atMs: number, title: string = stage, outcome: TraceStep['outcome'] = 'pass'): TraceStep => ({ stage, title, outcome, atMs, durationMs: 0 });

describe('serverTiming', () => {
  it('gives each stage the time until the next step, in the order a request meets them, and ends with the total', () => {
    expect(serverTiming([at('routing', 0, 'Matched'), at('store', 0.25, 'Found book 1', 'info'), at('negotiation', 1), at('store', 1.5, 'Inserted book 13')], 2)).toBe(
      'routing;dur=0.250;desc="Matched", negotiation;dur=0.500;desc="negotiation", store;dur=1.250;desc="Inserted book 13", total;dur=2.000',
    );
  });

  it('describes a stage by its refusal when it refused', () => {
    expect(serverTiming([at('authentication', 0, 'Logged in as ada'), at('authentication', 1, 'No such user', 'refused'), at('authentication', 1.5, 'note', 'info')], 2)).toBe(
      'authentication;dur=2.000;desc="No such user", total;dur=2.000',
    );
  });

  it('writes descriptions as quoted-strings of visible ASCII', () => {
    expect(serverTiming([at('job', 0, 'running → done, "quoted" \\ and ünïcode')], 1)).toBe('job;dur=1.000;desc="running -> done, \\"quoted\\" \\\\ and ?n?code", total;dur=1.000');
  });
});

describe('nearestRoute', () => {
  const routes = ['/api/books', '/api/books/:id', '/api/categories', '/api/books/:id/comments', '/api/users/:id'];
  it.each([
    ['/api/book/3', '/api/books/:id'],
    ['/api/bookz', '/api/books'],
    ['/api/categorie', '/api/categories'],
    ['/api/books/3/coments', '/api/books/:id/comments'],
  ])('%s → %s', (path, nearest) => {
    expect(nearestRoute(path, routes)).toBe(nearest);
  });

  it('names none when nothing is close', () => {
    expect(nearestRoute('/api/completely/different/thing/here', routes)).toBeUndefined();
  });
});

describe('Tracer', () => {
  it(`keeps at most ${TRACE_MAX_STEPS} steps and says it cut the rest`, () => {
    const tracer = new Tracer('t');
    for (let i = 0; i < TRACE_MAX_STEPS + 5; i += 1) tracer.add({ stage: 'store', title: `read ${i}`, outcome: 'info' });
    const trace = tracer.finish({ method: 'GET', url: '/api/books', route: '/api/books', status: 200 });
    expect(trace.steps).toHaveLength(TRACE_MAX_STEPS);
    expect(trace.truncated).toBe(true);
  });

  it('never keeps a fact or a changed field whose name marks a secret, and cuts long text', () => {
    const tracer = new Tracer('t');
    tracer.add({ stage: 'store', title: 'x'.repeat(1000), outcome: 'pass', facts: { user: 'ada', passwordHash: 'scrypt$…', token: 't_1' }, changes: [{ field: 'passwordHash', before: 'a', after: 'b' }, { field: 'displayName', before: 'A', after: 'B' }] });
    const [step] = tracer.finish({ method: 'PATCH', url: '/api/users/1', route: '/api/users/:id', status: 200 }).steps;
    expect(step!.facts).toEqual({ user: 'ada' });
    expect(step!.changes).toEqual([{ field: 'displayName', before: 'A', after: 'B' }]);
    expect(step!.title.length).toBe(300);
  });
});
