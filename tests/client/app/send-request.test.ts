// The one send use-case, as a learner meets it: whatever asks (Send, "Send again", a one-click fix), the
// request goes to the real /app/send of a server on 127.0.0.1, the cookies it sets come back on the next
// request (shown as added by the page in typed vs sent), the exchange is on screen and in history, and
// every feature listening hears of it — once per send, and not at all when the send fails.
import '../page';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SentExchange } from '../../../client/src/lib/sent-exchange';
import { emptyDraft, row, type Draft } from '../../../client/src/lib/draft';
import { loginDraft } from '../../../client/src/lib/request-draft';
import { onSent, sendRequest } from '../../../client/src/app/send-request';
import { applyFix } from '../../../client/src/app/apply-fix';
import { useCookieJarStore } from '../../../client/src/stores/cookie-jar-store';
import { useExchangeStore } from '../../../client/src/stores/exchange-store';
import { useSendOptionsStore } from '../../../client/src/stores/send-options-store';
import { useHistoryStore } from '../../../client/src/features/history/history-store';
import { useVariablesStore } from '../../../client/src/features/composer/variables-store';
import { TypedVsSent } from '../../../client/src/features/exchange/typed-vs-sent-view';
import { startServer, type TestServer } from '../../helpers/server';
import { clearBrowser, openPageAt } from '../page';

let server: TestServer;
const heard: SentExchange[] = [];
let stopListening: () => void;

/** Starting the app loads every lesson; on a busy machine that takes a few seconds. */
const SERVER_START_MS = 30_000;

beforeAll(async () => {
  server = await startServer();
  openPageAt(server.origin);
  stopListening = onSent((sent) => heard.push(sent));
}, SERVER_START_MS);
afterAll(async () => {
  stopListening();
  await server.close();
});
beforeEach(() => {
  heard.length = 0;
  useCookieJarStore.setState(useCookieJarStore.getInitialState(), true);
  useExchangeStore.setState(useExchangeStore.getInitialState(), true);
  useSendOptionsStore.setState(useSendOptionsStore.getInitialState(), true);
  useHistoryStore.setState(useHistoryStore.getInitialState(), true);
  useVariablesStore.setState(useVariablesStore.getInitialState(), true);
  clearBrowser();
});

const get = (url: string, headers: [string, string][] = []): Draft => ({ ...emptyDraft(), method: 'GET', url, headers: headers.map(([n, v]) => row(n, v)) });
const sentHeader = (name: string) => useExchangeStore.getState().transcript?.exchanges[0]?.request.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('one send', () => {
  it('shows the answer, records it in history and tells every listener once', async () => {
    const transcript = await sendRequest(get('/api/books'));
    expect(transcript?.exchanges.at(-1)?.response?.status).toBe(200);
    expect(useExchangeStore.getState()).toMatchObject({ phase: 'done', transcript, problem: null });
    expect(useHistoryStore.getState().entries.map((e) => [e.method, e.url, e.status])).toEqual([['GET', '/api/books', 200]]);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.transcript).toBe(transcript);
    expect(heard[0]!.draft).toMatchObject({ method: 'GET', url: '/api/books' });
  });

  it('keeps the session cookie a login sets and sends it back, shown as added by the page', async () => {
    applyFix({ kind: 'login' });
    await expect.poll(() => useCookieJarStore.getState().login?.username).toBe('ada');
    expect(useCookieJarStore.getState().cookies.map((c) => c.name)).toContain('sid');

    await sendRequest(get('/api/session'));
    expect(sentHeader('cookie')).toMatch(/(^|; )sid=/);
    const rows = useExchangeStore.getState().transcript!.exchanges[0]!.typedVsSent!;
    expect(rows.find((r) => r.name.toLowerCase() === 'cookie')).toMatchObject({ kind: 'added-by-page' });
    // History has the login (sent for the learner) and the request after it, newest first.
    expect(useHistoryStore.getState().entries.map((e) => `${e.method} ${e.url}`)).toEqual(['GET /api/session', 'POST /api/session']);
    expect(heard.map((s) => s.draft.method)).toEqual(['POST', 'GET']);
  });

  it('sends the Cookie the learner typed instead of the jar’s, shown as typed', async () => {
    await sendRequest(loginDraft());
    await sendRequest(get('/api/session', [['Cookie', 'sid=typed-by-me']]));
    expect(sentHeader('cookie')).toBe('sid=typed-by-me');
    const rows = useExchangeStore.getState().transcript!.exchanges[0]!.typedVsSent!;
    expect(rows.find((r) => r.name.toLowerCase() === 'cookie')?.kind).toBe('same');
  });

  it('fills in {{variables}} and keeps the draft as typed in history', async () => {
    useVariablesStore.getState().set('who', 'ada');
    await sendRequest(get('/get?user={{who}}'));
    expect(useExchangeStore.getState().transcript!.exchanges[0]!.request.url).toMatch(/\/get\?user=ada$/);
    // The history keeps the draft as typed, so "Send again" uses the variable's value at that time.
    expect(useHistoryStore.getState().entries[0]!.draft.url).toBe('/get?user={{who}}');
  });

  it('follows redirects only when the option is on, and every hop reaches the listeners', async () => {
    await sendRequest(get('/redirect/2'));
    expect(heard.at(-1)!.transcript.exchanges).toHaveLength(1);
    useSendOptionsStore.getState().setOption('followRedirects', true);
    await sendRequest(get('/redirect/2'));
    expect(heard.at(-1)!.transcript.exchanges.map((e) => e.response?.status)).toEqual([302, 302, 200]);
  });

  it('a send the endpoint refuses shows its problem, and neither history nor listeners hear of it', async () => {
    const result = await sendRequest({ ...get('/api/books'), method: 'BAD METHOD' });
    expect(result).toBeNull();
    const { phase, problem, transcript } = useExchangeStore.getState();
    expect({ phase, transcript, status: problem?.status }).toEqual({ phase: 'failed', transcript: null, status: 422 });
    expect(problem?.detail).toBeTruthy();
    expect(useHistoryStore.getState().entries).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('a listener that unsubscribes hears nothing more', async () => {
    const mine: string[] = [];
    const stop = onSent(({ draft }) => mine.push(draft.url));
    await sendRequest(get('/api/books'));
    stop();
    await sendRequest(get('/api/books?page=2'));
    expect(mine).toEqual(['/api/books']);
    expect(heard).toHaveLength(2);
  });
});

describe('the typed vs sent table, live', () => {
  it('shows each header as typed, as sent, and why they differ, for a real send', async () => {
    await sendRequest(loginDraft());
    await sendRequest(get('/api/books', [['Accept', 'application/json']]));
    const rows = useExchangeStore.getState().transcript!.exchanges[0]!.typedVsSent!;
    const html = renderToStaticMarkup(createElement(TypedVsSent, { rows }));
    const cells = [...html.matchAll(/<tr class="diff-([^"]+)"><th scope="row">([^<]*)<\/th><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*><strong>([^<]*)<\/strong>/g)].map(
      ([, kind, name, typed, sent, why]) => ({ kind, name, typed, sent, why }),
    );
    expect(cells).toContainEqual({ kind: 'same', name: 'Accept', typed: 'application/json', sent: 'application/json', why: 'as typed' });
    expect(cells).toContainEqual(expect.objectContaining({ kind: 'added-by-page', name: 'Cookie', typed: '—', why: 'added by the page' }));
    expect(cells).toContainEqual(expect.objectContaining({ kind: 'added-by-client', name: 'host', typed: '—', why: 'added by the client' }));
    expect(cells.find((c) => c.name === 'Cookie')!.sent).toMatch(/sid=/);
    expect(html).toContain('aria-label="Typed versus sent headers"');
  });
});
