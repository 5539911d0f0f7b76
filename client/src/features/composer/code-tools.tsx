import { useId, useState } from 'react';
import { create } from 'zustand';
import { useExchangeStore } from '../exchange/exchange-store';
import { buildOutgoing } from './draft';
import { useDraftStore } from './draft-store';
import { CurlParseError } from './formats/curl-parse-error';
import { parseCurl } from './formats/parse-curl';
import { toCurl } from './formats/to-curl';
import { toFetch } from './formats/to-fetch';
import { toHttpie } from './formats/to-httpie';
import { toPython } from './formats/to-python';

const FORMATS = {
  curl: 'curl',
  fetch: 'JavaScript fetch',
  httpie: 'HTTPie',
  python: 'Python requests',
} as const;
type Format = keyof typeof FORMATS;

export interface CodeStatus {
  ok: boolean;
  message: string;
  /** What the import could not carry over, or did differently from curl. */
  details?: string[];
}

/** The last message of "Copy as" / "Import curl" (also set when a curl command is pasted into the URL bar). */
export const useCodeStatusStore = create<{ status?: CodeStatus; setStatus: (status?: CodeStatus) => void }>()((set) => ({
  status: undefined,
  setStatus: (status) => set({ status }),
}));

/** The current draft as code, to copy into a terminal or a program. */
export function codeFor(format: Format): string {
  const draft = useDraftStore.getState().draft;
  const { options } = useExchangeStore.getState();
  const outgoing = buildOutgoing(draft);
  const codeOptions = { origin: window.location.origin, followRedirects: options.followRedirects };
  switch (format) {
    case 'curl':
      return toCurl(outgoing, { ...codeOptions, multiline: true });
    case 'fetch':
      return toFetch(outgoing, codeOptions);
    case 'httpie':
      return toHttpie(outgoing, codeOptions);
    case 'python':
      return toPython(outgoing, codeOptions);
  }
}

/** Imports a curl command into the composer; the result is also shown under the code tools. */
export function importCurl(command: string): CodeStatus {
  let status: CodeStatus;
  try {
    const { draft, followRedirects, warnings, notes } = parseCurl(command, { origin: window.location.origin });
    useDraftStore.getState().load(draft);
    useExchangeStore.getState().setOption('followRedirects', followRedirects);
    const details = [...warnings, ...notes];
    status = { ok: true, message: warnings.length ? 'Imported the curl command, with differences:' : 'Imported the curl command.', details };
  } catch (error) {
    status = { ok: false, message: error instanceof CurlParseError ? `Could not import: ${error.message}` : 'Could not import that command.' };
  }
  useCodeStatusStore.getState().setStatus(status);
  return status;
}

/** "Copy as …" and "Import curl", under the request line. */
export function CodeTools() {
  const [format, setFormat] = useState<Format>('curl');
  const [shown, setShown] = useState<string>();
  const [importing, setImporting] = useState(false);
  const [command, setCommand] = useState('');
  const status = useCodeStatusStore((s) => s.status);
  const setStatus = useCodeStatusStore((s) => s.setStatus);
  const ids = { format: useId(), code: useId(), curl: useId() };

  const copy = async () => {
    const code = codeFor(format);
    setShown(code);
    try {
      await navigator.clipboard.writeText(code);
      setStatus({ ok: true, message: `Copied as ${FORMATS[format]}.` });
    } catch {
      setStatus({ ok: true, message: 'Select the code below and copy it.' });
    }
  };

  return (
    <div className="code-tools">
      <div className="code-row">
        <label htmlFor={ids.format} className="visually-hidden">
          Code format
        </label>
        <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          {Object.entries(FORMATS).map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy as {FORMATS[format]}
        </button>
        <button type="button" className="secondary" aria-expanded={importing} onClick={() => setImporting(!importing)}>
          Import curl
        </button>
      </div>
      {importing && (
        <div className="curl-import">
          <label htmlFor={ids.curl}>Paste a curl command</label>
          <textarea id={ids.curl} rows={3} value={command} onChange={(e) => setCommand(e.target.value)} spellCheck={false} placeholder="curl -i http://localhost:3000/api/books" />
          <button
            type="button"
            onClick={() => {
              if (importCurl(command).ok) {
                setImporting(false);
                setCommand('');
              }
            }}
          >
            Import
          </button>
        </div>
      )}
      {status && (
        <div role="status" className={status.ok ? 'muted' : 'warning'}>
          <p>{status.message}</p>
          {status.details && status.details.length > 0 && (
            <ul className="import-details">
              {status.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {shown && (
        <pre className="code-shown" aria-label="Code to copy" id={ids.code}>
          {shown}
        </pre>
      )}
    </div>
  );
}
