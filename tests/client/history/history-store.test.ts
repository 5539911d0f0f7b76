// History as a learner sees it: newest first, a send shown again not doubled, at most HISTORY_LIMIT kept,
// long bodies cut (and said to be cut), search by method, URL or status, and all of it after a reload.
import '../page';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import { emptyDraft, type Draft } from '../../../client/src/lib/draft';
import { HISTORY_LIMIT, matchesSearch, useHistoryStore } from '../../../client/src/features/history/history-store';
import { clearBrowser, reload } from '../page';

let sends = 0;
/** A draft and the transcript its send came back with (status, and a body of `bodyLength` characters). */
function sent(method: string, url: string, status: number, bodyLength = 2): [Draft, Transcript] {
  sends += 1;
  const body = 'x'.repeat(bodyLength);
  const transcript = {
    id: `t${sends}`,
    startedAt: new Date(Date.UTC(2026, 11, 1, 12, 0, sends)).toISOString(),
    exchanges: [
      {
        request: { method, url: `http://127.0.0.1:3000${url}`, raw: `${method} ${url} HTTP/1.1\r\n\r\n`, headers: [], body: null },
        response: { httpVersion: '1.1', status, reason: 'Reason', headers: [], trailers: [], raw: `HTTP/1.1 ${status}\r\n\r\n${body}`, body: { encoding: 'text', data: body, wireSize: bodyLength, decodedSize: bodyLength, truncated: false } },
      },
    ],
  } as unknown as Transcript;
  return [{ ...emptyDraft(), method, url }, transcript];
}

const shown = () => useHistoryStore.getState().entries.map((e) => `${e.method} ${e.url} ${e.status}`);

beforeEach(() => {
  useHistoryStore.setState(useHistoryStore.getInitialState(), true);
  clearBrowser();
});

describe('history', () => {
  it('lists sends newest first, with the final status', () => {
    useHistoryStore.getState().add(...sent('GET', '/api/books', 200));
    useHistoryStore.getState().add(...sent('POST', '/api/books', 415));
    expect(shown()).toEqual(['POST /api/books 415', 'GET /api/books 200']);
  });

  it('does not double an exchange added again (same transcript), it moves to the top', () => {
    const first = sent('GET', '/a', 200);
    useHistoryStore.getState().add(...first);
    useHistoryStore.getState().add(...sent('GET', '/b', 200));
    useHistoryStore.getState().add(...first);
    expect(shown()).toEqual(['GET /a 200', 'GET /b 200']);
  });

  it(`keeps the newest ${HISTORY_LIMIT}`, () => {
    for (let i = 0; i <= HISTORY_LIMIT; i++) useHistoryStore.getState().add(...sent('GET', `/n/${i}`, 200));
    expect(shown()).toHaveLength(HISTORY_LIMIT);
    expect(shown()[0]).toBe(`GET /n/${HISTORY_LIMIT} 200`);
    expect(shown().at(-1)).toBe('GET /n/1 200');
  });

  it('cuts a long body it keeps and marks it truncated; a short one stays whole', () => {
    useHistoryStore.getState().add(...sent('GET', '/bytes/100000', 200, 100_000));
    useHistoryStore.getState().add(...sent('GET', '/short', 200, 10));
    const [short, long] = useHistoryStore.getState().entries.map((e) => e.transcript.exchanges[0]!.response!.body!);
    expect(short).toMatchObject({ truncated: false, data: 'x'.repeat(10) });
    expect(long!.truncated).toBe(true);
    expect(long!.data.length).toBeLessThan(100_000);
  });

  it.each([
    ['post', ['POST /api/books 415']],
    ['415', ['POST /api/books 415']],
    ['/api/books', ['POST /api/books 415', 'GET /api/books 200']],
    ['  GET ', ['GET /api/books 200']],
    ['', ['POST /api/books 415', 'GET /api/books 200']],
    ['nothing like it', []],
  ])('searching for "%s" finds %j', (query, found) => {
    useHistoryStore.getState().add(...sent('GET', '/api/books', 200));
    useHistoryStore.getState().add(...sent('POST', '/api/books', 415));
    expect(useHistoryStore.getState().entries.filter((e) => matchesSearch(e, query)).map((e) => `${e.method} ${e.url} ${e.status}`)).toEqual(found);
  });

  it('survives a reload; Clear empties it for good', async () => {
    useHistoryStore.getState().add(...sent('GET', '/kept', 200));
    const after = await reload(() => import('../../../client/src/features/history/history-store'));
    expect(after.useHistoryStore.getState().entries.map((e) => e.url)).toEqual(['/kept']);
    after.useHistoryStore.getState().clear();
    const again = await reload(() => import('../../../client/src/features/history/history-store'));
    expect(again.useHistoryStore.getState().entries).toEqual([]);
  });
});
