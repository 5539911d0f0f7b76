// An editable table of name/value rows (query parameters, headers, form fields): each row can be
// switched off without deleting it. Labels name the row so screen readers and tests can find them.
import type { ReactNode } from 'react';

export interface EditableRow {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
}

export interface KeyValueTableProps<R extends EditableRow> {
  /** What one row is, e.g. "header" or "query parameter" (used in labels). */
  noun: string;
  rows: readonly R[];
  onChange: (id: string, patch: Partial<R>) => void;
  onRemove: (id: string) => void;
  onAdd: () => void;
  /** datalist id offering names. */
  nameList?: string;
  /** datalist id offering values for a row's name. */
  valueList?: (name: string) => string | undefined;
  /** Explanation of a name, shown as the name field's tooltip. */
  describe?: (name: string) => string | undefined;
  /** Names to highlight (the diagnosis points at them). */
  highlight?: readonly string[];
  /** Extra cell at the end of a row (e.g. a file picker). */
  extra?: (row: R) => ReactNode;
  /** Rows cannot be switched off (the query table: a parameter is in the URL or not). */
  noToggle?: boolean;
}

export function KeyValueTable<R extends EditableRow>(props: KeyValueTableProps<R>) {
  const { noun, rows, onChange, onRemove, onAdd, nameList, valueList, describe, highlight = [], extra, noToggle } = props;
  const highlighted = new Set(highlight.map((h) => h.toLowerCase()));
  return (
    <div className="kv">
      {rows.length === 0 && <p className="muted kv-empty">No {noun}s.</p>}
      {rows.map((row, index) => {
        const n = index + 1;
        const isHot = highlighted.has(row.name.trim().toLowerCase());
        return (
          <div key={row.id} className={`kv-row${row.enabled ? '' : ' kv-off'}${isHot ? ' kv-highlight' : ''}`} data-highlight={isHot || undefined}>
            {!noToggle && (
              <input
                type="checkbox"
                checked={row.enabled}
                aria-label={`Send ${noun} ${n}`}
                onChange={(e) => onChange(row.id, { enabled: e.target.checked } as Partial<R>)}
              />
            )}
            <input
              className="kv-name"
              value={row.name}
              placeholder="name"
              aria-label={`${noun} ${n} name`}
              title={describe?.(row.name)}
              list={nameList}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => onChange(row.id, { name: e.target.value } as Partial<R>)}
            />
            <input
              className="kv-value"
              value={row.value}
              placeholder="value"
              aria-label={`${noun} ${n} value`}
              list={valueList?.(row.name)}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => onChange(row.id, { value: e.target.value } as Partial<R>)}
            />
            {extra?.(row)}
            <button type="button" className="icon-button" aria-label={`Remove ${noun} ${n}`} onClick={() => onRemove(row.id)}>
              ×
            </button>
          </div>
        );
      })}
      <button type="button" className="secondary" onClick={onAdd}>
        Add {noun}
      </button>
    </div>
  );
}
