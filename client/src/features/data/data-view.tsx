// "Your data": the learner's sandbox as tables beside the composer, read again after every exchange, with
// the rows the last request inserted, changed or deleted marked — so a POST, PATCH or DELETE is seen
// landing in the data, not only in the response. Passwords are never shown (the API never sends them).
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { OnSent } from '../../lib/sent-exchange';
import { COLLECTIONS, useDataStore, type CollectionName, type Mark, type Row } from './data-store';

/** Columns shown per collection, in order; the rest are in the row's title. */
const COLUMNS: Record<CollectionName, string[]> = {
  books: ['id', 'title', 'author', 'year', 'status', 'categoryId', 'ownerId'],
  categories: ['id', 'name', 'description'],
  comments: ['id', 'bookId', 'authorId', 'body'],
  users: ['id', 'username', 'displayName'],
};

const MARK_WORDS: Record<Mark, string> = { inserted: 'added by your last request', changed: 'changed by your last request', deleted: 'deleted by your last request' };

function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function Table({ name }: { name: CollectionName }) {
  const rows = useDataStore(useShallow((s) => s.tables[name]));
  const gone = useDataStore(useShallow((s) => s.gone[name]));
  const marks = useDataStore((s) => s.marks[name]);
  const columns = COLUMNS[name];
  const all: Row[] = [...rows, ...gone].sort((a, b) => a.id - b.id);
  const marked = Object.keys(marks).length;
  return (
    <details className="data-table" open={name === 'books' || marked > 0}>
      <summary>
        {name} ({rows.length}){marked > 0 ? ` · ${marked} changed by your last request` : ''}
      </summary>
      <div className="table-scroll">
        <table className="headers" aria-label={`Your ${name}`}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {all.map((row) => {
              const mark = marks[row.id];
              return (
                <tr key={row.id} className={mark ? `row-${mark}` : undefined} aria-label={mark ? `${name} ${row.id}: ${MARK_WORDS[mark]}` : undefined}>
                  {columns.map((column) => (
                    <td key={column}>{cell(row[column])}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** A sandbox's name is its key (whoever names it works in it), so a classroom sandbox's name stays off the
 *  screen: the instructor's is on the projector, a student's may be shown there. Others' names never show. */
function onSharedScreen(sandbox: string): boolean {
  return sandbox.startsWith('room-');
}

/** The data view; `sandbox` is the one the composer uses, and it is read again (while open) after every send. */
export function DataView({ sandbox, onSent, onReset }: { sandbox: string | null; onSent: OnSent; onReset: () => void }) {
  const refresh = useDataStore((s) => s.refresh);
  const error = useDataStore((s) => s.error);
  const shown = useDataStore((s) => s.shown);
  const show = useDataStore((s) => s.show);
  const [open, setOpen] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  const target = shown?.sandbox ?? sandbox;
  useEffect(() => {
    if (!open) return;
    void refresh(target);
    return onSent(() => void refresh(target));
  }, [open, target, onSent, refresh]);
  // Showing someone's data opens the panel.
  useEffect(() => {
    if (shown && details.current) details.current.open = true;
  }, [shown]);
  return (
    <details className="data-view" ref={details} onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>{shown ? `${shown.label}'s data` : `Your data${sandbox && !onSharedScreen(sandbox) ? ` (sandbox ${sandbox})` : ''}`}</summary>
      {shown ? (
        <p>
          {shown.label} lets you show this. It is read again after each of your requests.{' '}
          <button type="button" className="secondary" onClick={() => show(null)}>
            Back to your own data
          </button>
        </p>
      ) : (
        <p className="muted">What the toy API holds for you, read again after each request; the rows your last request touched are marked.</p>
      )}
      {error && (
        <p role="alert" className="banner-error">
          {error}
        </p>
      )}
      {COLLECTIONS.map((name) => (
        <Table key={name} name={name} />
      ))}
      {!shown && (
        <button type="button" className="secondary" onClick={onReset}>
          Reset my sandbox to the starting data
        </button>
      )}
    </details>
  );
}
