import { describe, expect, it } from 'vitest';
import { compareEventIds, MemoryHub, parseEventId, type HubEvent } from '../../../server/classroom/hub';

async function publishMany(hub: MemoryHub, channel: string, count: number): Promise<HubEvent[]> {
  const events: HubEvent[] = [];
  for (let i = 0; i < count; i += 1) events.push(await hub.publish(channel, { type: 'n', data: { i } }));
  return events;
}

describe('the in-memory hub', () => {
  it('numbers events per channel and delivers them to subscribers in publish order', async () => {
    const hub = new MemoryHub();
    const seen: string[] = [];
    hub.subscribe('a', (event) => seen.push(`a${event.id}`));
    hub.subscribe('b', (event) => seen.push(`b${event.id}`));
    await hub.publish('a', { type: 'x', data: 1 });
    await hub.publish('b', { type: 'x', data: 1 });
    await hub.publish('a', { type: 'x', data: 2 });
    expect(seen).toEqual(['a1', 'b1', 'a2']);
  });

  it('stops delivering after unsubscribe', async () => {
    const hub = new MemoryHub();
    const seen: string[] = [];
    const stop = hub.subscribe('a', (event) => seen.push(event.id));
    await hub.publish('a', { type: 'x', data: 1 });
    stop();
    await hub.publish('a', { type: 'x', data: 2 });
    expect(seen).toEqual(['1']);
    expect(hub.listenerCount('a')).toBe(0);
  });

  it('replays the events after an id, and nothing when the client is up to date', async () => {
    const hub = new MemoryHub();
    await publishMany(hub, 'a', 5);
    expect(await hub.replay('a', '3')).toEqual({ kind: 'events', events: [expect.objectContaining({ id: '4' }), expect.objectContaining({ id: '5' })] });
    expect(await hub.replay('a', '5')).toEqual({ kind: 'events', events: [] });
    expect(await hub.lastId('a')).toBe('5');
    expect(await hub.lastId('never-used')).toBe('0');
  });

  it.each([
    ['older than the buffer', '1'],
    ['from the future (a restart)', '99'],
  ])('reports a gap for an id %s', async (_what, lastId) => {
    const hub = new MemoryHub({ maxEvents: 3 });
    await publishMany(hub, 'a', 6);
    expect(await hub.replay('a', lastId)).toEqual({ kind: 'gap' });
  });

  it('keeps the replay buffer within its event and byte bounds', async () => {
    const hub = new MemoryHub({ maxEvents: 3 });
    await publishMany(hub, 'a', 10);
    const replay = await hub.replay('a', '7');
    expect(replay).toEqual({ kind: 'events', events: expect.any(Array) });
    expect(replay.kind === 'events' && replay.events.map((e) => e.id)).toEqual(['8', '9', '10']);

    const small = new MemoryHub({ maxBytes: 100 });
    for (let i = 0; i < 5; i += 1) await small.publish('a', { type: 'big', data: 'x'.repeat(60) });
    expect(await small.replay('a', '3')).toEqual({ kind: 'gap' });
    expect(await small.replay('a', '4')).toEqual({ kind: 'events', events: [expect.objectContaining({ id: '5' })] });
  });

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

  it('serialises the data once, at publish time', async () => {
    const hub = new MemoryHub();
    const event = await hub.publish('a', { type: 'x', data: { n: 1 } });
    expect(event.json.toString('utf8')).toBe('{"n":1}');
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
