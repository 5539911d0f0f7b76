import { useId, useState } from 'react';
import { useExchangeStore } from '../exchange/exchange-store';
import { buildOutgoing } from './draft';
import { useDraftStore } from './draft-store';
import { CurlImportError, parseCurl } from './code/parse-curl';
import { toCurl, toFetch, toHttpie, toPython } from './code/to-code';

const FORMATS = {
  curl: 'curl',
  fetch: 'JavaScript fetch',
  httpie: 'HTTPie',
  python: 'Python requests',
} as const;
type Format = keyof typeof FORMATS;

/** The current draft as code, to copy into a terminal or a program. */
export function codeFor(format: Format): string {
  const draft = useDraftStore.getState().draft;
  const { options } = useExchangeStore.getState();
  const outgoing = buildOutgoing(draft);
  const origin = window.location.origin;
  switch (format) {
    case 'curl':
      return toCurl(outgoing, { origin, followRedirects: options.followRedirects });
    case 'fetch':
      return toFetch(outgoing, origin);
    case 'httpie':
      return toHttpie(outgoing, origin);
    case 'python':
      return toPython(outgoing, origin);
  }
}

/** Imports a curl command into the composer; returns a message for the learner. */
export function importCurl(command: string): { ok: boolean; message: string } {
  try {
    const { draft, followRedirects, warnings } = parseCurl(command);
    useDraftStore.getState().load(draft);
    useExchangeStore.getState().setOption('followRedirects', followRedirects);
    return { ok: true, message: ['Imported the curl command.', ...warnings].join(' ') };
  } catch (error) {
    return { ok: false, message: error instanceof CurlImportError ? `Could not import: ${error.message}` : 'Could not import that command.' };
  }
}

/** "Copy as …" and "Import curl", under the request line. */
export function CodeTools() {
  const [format, setFormat] = useState<Format>('curl');
  const [shown, setShown] = useState<string>();
  const [importing, setImporting] = useState(false);
  const [command, setCommand] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; message: string }>();
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
              const result = importCurl(command);
              setStatus(result);
              if (result.ok) {
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
        <p role="status" className={status.ok ? 'muted' : 'warning'}>
          {status.message}
        </p>
      )}
      {shown && (
        <pre className="code-shown" aria-label="Code to copy" id={ids.code}>
          {shown}
        </pre>
      )}
    </div>
  );
}
