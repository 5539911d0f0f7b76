import { beforeEach, describe, expect, it } from 'vitest';
import { row } from '../../../client/src/lib/draft';
import { useDraftStore } from '../../../client/src/stores/draft-store';

const headers = () => useDraftStore.getState().draft.headers.map((h) => [h.name, h.value, h.enabled]);

describe('setHeader (the one-click fixes use it)', () => {
  beforeEach(() => useDraftStore.getState().reset());

  it.each([
    ['replaces the enabled row of that name', [row('content-type', 'text/plain')], [['Content-Type', 'application/json', true]]],
    ['ticks an unticked row again instead of adding a second', [row('Content-Type', 'text/plain', false)], [['Content-Type', 'application/json', true]]],
    ['prefers the enabled row when both exist', [row('Content-Type', 'a', false), row('Content-Type', 'b')], [['Content-Type', 'a', false], ['Content-Type', 'application/json', true]]],
    ['adds a row when there is none', [row('Accept', '*/*')], [['Accept', '*/*', true], ['Content-Type', 'application/json', true]]],
  ] as const)('%s', (_name, start, after) => {
    useDraftStore.getState().load({ ...useDraftStore.getState().draft, headers: [...start] });
    useDraftStore.getState().setHeader('Content-Type', 'application/json');
    expect(headers()).toEqual(after);
  });
});
