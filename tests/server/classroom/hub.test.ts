import { describe, expect, it } from 'vitest';
import { compareEventIds, MemoryHub, parseEventId } from '../../../server/classroom/hub';

// What every hub does (order, unsubscribe, replay, gaps, per-channel bounds, drop, audiences) is the contract
// in tests/server/store/hub-contract.test.ts, run against this hub and the Redis one; here is what only the
// in-memory hub has (one budget for all channels) and the id helpers both use.
describe('the in-memory hub', () => {
  it('keeps all channels together within a total byte budget, dropping the oldest events anywhere first', async () => {
    const hub = new MemoryHub({ maxTotalBytes: 250 });
    const data = 'x'.repeat(48); // 50 bytes of JSON
    await hub.publish('a', { type: 't', data });
    await hub.publish('b', { type: 't', data });
    await hub.publish('a', { type: 't', data });
    await hub.publish('b', { type: 't', data });
    await hub.publish('c', { type: 't', data });
    expect(hub.totalBytes).toBe(250);
    await hub.publish('c', { type: 't', data });
    expect(hub.totalBytes).toBe(250);
    expect(await hub.replay('a', '0')).toEqual({ kind: 'gap' });
    expect(await hub.replay('a', '1')).toEqual({ kind: 'events', events: [expect.objectContaining({ id: '2' })] });
    expect(await hub.replay('b', '0')).toEqual({ kind: 'events', events: [expect.objectContaining({ id: '1' }), expect.objectContaining({ id: '2' })] });
  });

  it('frees the bytes of a dropped channel, and its order entries do not pile up', async () => {
    const hub = new MemoryHub({ maxEvents: 2 });
    for (let i = 0; i < 5_000; i += 1) await hub.publish(`room${i % 3}`, { type: 't', data: i });
    expect(hub.orderEntries).toBeLessThan(2_100);
    await hub.drop('room0');
    await hub.drop('room1');
    await hub.drop('room2');
    expect(hub.totalBytes).toBe(0);
  });

  it.each([
    ['12', '12'],
    [' 7 ', '7'],
    ['007', '7'],
    ['abc', undefined],
    ['', undefined],
    ['1234567890123456', undefined],
    [undefined, undefined],
  ])('reads Last-Event-ID %j as %j', (value, expected) => {
    expect(parseEventId(value)).toBe(expected);
  });

  it('compares ids as numbers, not strings', () => {
    expect(compareEventIds('9', '10')).toBe(-1);
    expect(compareEventIds('10', '10')).toBe(0);
    expect(compareEventIds('11', '10')).toBe(1);
  });
});
