import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SendDraft } from '../../lib/sent-exchange';
import { useDraftStore } from '../../stores/draft-store';
import { useExchangeStore } from '../../stores/exchange-store';
import { matchesSearch, useHistoryStore, type HistoryEntry } from './history-store';

function statusClass(status: number | undefined): string {
  return status === undefined ? 'status-error' : `status-${String(status)[0]}xx`;
}

/** Past exchanges, newest first: search them, look at one again, or send it again (with `send`, from the app level). */
export function HistoryPanel({ send }: { send: SendDraft }) {
  const [query, setQuery] = useState('');
  const entries = useHistoryStore(useShallow((s) => s.entries.filter((e) => matchesSearch(e, query))));
  const total = useHistoryStore((s) => s.entries.length);
  const clear = useHistoryStore((s) => s.clear);
  const load = useDraftStore((s) => s.load);
  const show = useExchangeStore((s) => s.show);
  const searchId = useId();

  const open = (entry: HistoryEntry) => {
    load(entry.draft);
    show(entry.transcript);
  };

  return (
    <details className="history">
      <summary>History ({total})</summary>
      {total === 0 ? (
        <p className="muted">Requests you send appear here, kept in this browser.</p>
      ) : (
        <>
          <div className="history-tools">
            <label htmlFor={searchId} className="visually-hidden">
              Search history
            </label>
            <input id={searchId} type="search" placeholder="Search: method, URL or status" value={query} onChange={(e) => setQuery(e.target.value)} />
            <button type="button" className="secondary" onClick={clear}>
              Clear
            </button>
          </div>
          <ol className="history-list" aria-label="Past requests">
            {entries.map((entry) => (
              <li key={entry.id}>
                <button type="button" className="history-open" onClick={() => open(entry)} title={new Date(entry.at).toLocaleString()}>
                  <span className={`history-status ${statusClass(entry.status)}`}>{entry.status ?? '—'}</span>
                  <span className="history-method">{entry.method}</span>
                  <span className="history-url">{entry.url}</span>
                </button>
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Send ${entry.method} ${entry.url} again`}
                  onClick={() => {
                    load(entry.draft);
                    void send(entry.draft);
                  }}
                >
                  Send again
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </details>
  );
}
