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

describe('the draft a learner edits', () => {
  beforeEach(() => useDraftStore.getState().reset());
  const draft = () => useDraftStore.getState().draft;

  it('starts as GET /api/books asking for JSON, and Reset brings that back', () => {
    const start = draft();
    useDraftStore.getState().setMethod('DELETE');
    useDraftStore.getState().setUrl('/api/books/1');
    useDraftStore.getState().reset();
    expect({ method: draft().method, url: draft().url }).toEqual({ method: start.method, url: start.url });
  });

  it('keeps the Query tab and the URL in step: rows written into the URL, encoded', () => {
    useDraftStore.getState().setUrl('/get?page=1#top');
    useDraftStore.getState().setQuery([
      { name: 'page', value: '2' },
      { name: 'q', value: 'a b&c' },
    ]);
    expect(draft().url).toBe('/get?page=2&q=a%20b%26c#top');
    useDraftStore.getState().setQuery([]);
    expect(draft().url).toBe('/get#top');
  });

  it('adds, edits, unticks and removes header rows, each by its own id', () => {
    const store = useDraftStore.getState();
    store.load({ ...draft(), headers: [] });
    store.addRow('headers', 'X-One', '1');
    store.addRow('headers', 'X-Two', '2');
    const [one, two] = draft().headers;
    store.updateRow('headers', one!.id, { value: 'changed', enabled: false });
    store.removeRow('headers', two!.id);
    expect(headers()).toEqual([['X-One', 'changed', false]]);
  });

  it('replaces the whole draft when one is loaded (history, a share link, a lesson step), edits after it start from it', () => {
    const loaded = { ...draft(), method: 'PATCH', url: '/api/books/7', bodyType: 'json' as const, body: '{"year":1843}' };
    useDraftStore.getState().load(loaded);
    useDraftStore.getState().setBody('{"year":1844}');
    expect(draft()).toEqual({ ...loaded, body: '{"year":1844}' });
    expect(loaded.body).toBe('{"year":1843}');
  });
});
