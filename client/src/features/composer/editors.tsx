// The composer's tab panels: query parameters (kept in sync with the URL), headers, body and auth.
import { useId, useState } from 'react';
import { KeyValueTable } from '../../components/ui/key-value-table';
import { useReferenceStore } from '../../stores/reference-store';
import { queryRowsOf, row, type BodyType, type MultipartRow } from '../../lib/draft';
import { useDraftStore } from '../../stores/draft-store';

/** Query parameters, read from the URL and written back to it on every edit. */
export function QueryEditor() {
  const url = useDraftStore((s) => s.draft.url);
  const setQuery = useDraftStore((s) => s.setQuery);
  const rows = queryRowsOf(url).map((r, index) => ({ id: `q${index}`, ...r, enabled: true }));
  const update = (id: string, patch: { name?: string; value?: string }) =>
    setQuery(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  return (
    <KeyValueTable
      noun="query parameter"
      rows={rows}
      noToggle
      onChange={update}
      onRemove={(id) => setQuery(rows.filter((r) => r.id !== id))}
      onAdd={() => setQuery([...rows, { name: 'name', value: '' }])}
    />
  );
}

export const HEADER_NAMES_LIST = 'header-names';

export function HeadersEditor({ highlight }: { highlight: readonly string[] }) {
  const headers = useDraftStore((s) => s.draft.headers);
  const updateRow = useDraftStore((s) => s.updateRow);
  const removeRow = useDraftStore((s) => s.removeRow);
  const addRow = useDraftStore((s) => s.addRow);
  const reference = useReferenceStore((s) => s.headers);
  const describe = (name: string) => {
    const info = reference.get(name.trim().toLowerCase());
    return info ? `${info.name}: ${info.meaning}${info.rfc ? ` (${info.rfc})` : ''}` : undefined;
  };
  const valueList = (name: string) => (reference.get(name.trim().toLowerCase())?.values?.length ? `header-values-${name.trim().toLowerCase()}` : undefined);
  return (
    <>
      <KeyValueTable
        noun="header"
        rows={headers}
        onChange={(id, patch) => updateRow('headers', id, patch)}
        onRemove={(id) => removeRow('headers', id)}
        onAdd={() => addRow('headers')}
        nameList={HEADER_NAMES_LIST}
        valueList={valueList}
        describe={describe}
        highlight={highlight}
      />
      <datalist id={HEADER_NAMES_LIST}>
        {[...reference.values()].map((h) => (
          <option key={h.name} value={h.name} />
        ))}
      </datalist>
      {[...reference.values()]
        .filter((h) => h.values?.length)
        .map((h) => (
          <datalist key={h.name} id={`header-values-${h.name.toLowerCase()}`}>
            {h.values!.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        ))}
    </>
  );
}

const BODY_TYPES: { id: BodyType; label: string }[] = [
  { id: 'none', label: 'None' },
  { id: 'json', label: 'JSON' },
  { id: 'form', label: 'Form (urlencoded)' },
  { id: 'multipart', label: 'Multipart (files)' },
  { id: 'text', label: 'Text' },
  { id: 'xml', label: 'XML' },
  { id: 'binary', label: 'Binary (a file as the body)' },
];

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Largest file a learner may attach (the send endpoint has its own limit too). */
const MAX_FILE_BYTES = 512 * 1024;

export function BodyEditor({ highlightFields }: { highlightFields: readonly string[] }) {
  const bodyType = useDraftStore((s) => s.draft.bodyType);
  const body = useDraftStore((s) => s.draft.body);
  const form = useDraftStore((s) => s.draft.form);
  const multipart = useDraftStore((s) => s.draft.multipart);
  const setBodyType = useDraftStore((s) => s.setBodyType);
  const setBody = useDraftStore((s) => s.setBody);
  const file = useDraftStore((s) => s.draft.file);
  const setFile = useDraftStore((s) => s.setFile);
  const [fileProblem, setFileProblem] = useState<string>();
  const updateRow = useDraftStore((s) => s.updateRow);
  const removeRow = useDraftStore((s) => s.removeRow);
  const addRow = useDraftStore((s) => s.addRow);
  const ids = { type: useId(), body: useId(), file: useId() };

  return (
    <div className="body-editor">
      <label htmlFor={ids.type}>Body type</label>
      <select id={ids.type} value={bodyType} onChange={(e) => setBodyType(e.target.value as BodyType)}>
        {BODY_TYPES.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
      {(bodyType === 'json' || bodyType === 'text' || bodyType === 'xml') && (
        <>
          <label htmlFor={ids.body}>Body</label>
          <textarea
            id={ids.body}
            className={highlightFields.length ? 'highlight' : undefined}
            rows={8}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            spellCheck={false}
          />
          {highlightFields.length > 0 && (
            <p className="muted">The server objected to: {highlightFields.map((f) => `"${f}"`).join(', ')}.</p>
          )}
        </>
      )}
      {bodyType === 'form' && (
        <KeyValueTable
          noun="form field"
          rows={form}
          onChange={(id, patch) => updateRow('form', id, patch)}
          onRemove={(id) => removeRow('form', id)}
          onAdd={() => addRow('form')}
          highlight={highlightFields}
        />
      )}
      {bodyType === 'multipart' && (
        <KeyValueTable<MultipartRow>
          noun="part"
          rows={multipart}
          onChange={(id, patch) => updateRow('multipart', id, patch)}
          onRemove={(id) => removeRow('multipart', id)}
          onAdd={() => addRow('multipart')}
          extra={(part) => (
            <label className="file-pick">
              <span className="visually-hidden">File for part {part.name || '(unnamed)'}</span>
              <input
                type="file"
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  if (!file) return updateRow('multipart', part.id, { file: undefined });
                  if (file.size > MAX_FILE_BYTES) {
                    e.target.value = '';
                    window.alert(`${file.name} is ${Math.round(file.size / 1024)} KB; attach files up to ${MAX_FILE_BYTES / 1024} KB.`);
                    return;
                  }
                  updateRow('multipart', part.id, {
                    file: { name: file.name, type: file.type, data: await readFile(file) },
                    value: file.name,
                  });
                }}
              />
            </label>
          )}
        />
      )}
      {bodyType === 'binary' && (
        <>
          <label htmlFor={ids.file}>File to send as the body</label>
          <input
            id={ids.file}
            type="file"
            onChange={async (e) => {
              const picked = e.target.files?.[0];
              if (!picked) return;
              if (picked.size > MAX_FILE_BYTES) {
                e.target.value = '';
                setFileProblem(`${picked.name} is ${Math.round(picked.size / 1024)} KB; send files up to ${MAX_FILE_BYTES / 1024} KB.`);
                return;
              }
              setFileProblem(undefined);
              setFile({ name: picked.name, type: picked.type, data: await readFile(picked) });
            }}
          />
          {fileProblem && (
            <p role="alert" className="warning">
              {fileProblem}
            </p>
          )}
          <p className="muted">
            {file
              ? `Sending ${file.name}: ${Math.floor((file.data.length * 3) / 4) - (file.data.match(/=*$/)?.[0].length ?? 0)} bytes, exactly as they are.`
              : 'Choose a file: its bytes are the whole body, exactly as they are.'}
          </p>
        </>
      )}
      {bodyType === 'none' && <p className="muted">No body will be sent.</p>}
    </div>
  );
}

/** Auth: None, Basic, Bearer, or a session cookie (`onLogin` sends the demo login for the learner). */
export function AuthEditor({ onLogin }: { onLogin: () => void }) {
  const auth = useDraftStore((s) => s.draft.auth);
  const setAuth = useDraftStore((s) => s.setAuth);
  const ids = { kind: useId(), user: useId(), pass: useId(), token: useId() };
  return (
    <div className="auth-editor">
      <label htmlFor={ids.kind}>Authentication</label>
      <select
        id={ids.kind}
        value={auth.kind}
        onChange={(e) => {
          const kind = e.target.value;
          if (kind === 'basic') setAuth({ kind, username: 'ada', password: 'lovelace' });
          else if (kind === 'bearer') setAuth({ kind, token: '' });
          else if (kind === 'session') setAuth({ kind, cookie: '' });
          else setAuth({ kind: 'none' });
        }}
      >
        <option value="none">None (cookies from earlier responses are still sent)</option>
        <option value="basic">Basic (username and password)</option>
        <option value="bearer">Bearer token</option>
        <option value="session">Session cookie (log in once)</option>
      </select>
      {auth.kind === 'session' && (
        <div className="auth-fields">
          <p className="muted">
            Log in once with POST /api/session: the response's Set-Cookie is kept, and the sandbox sends the cookie with your next requests, as a
            browser would.
          </p>
          <button type="button" className="secondary" onClick={onLogin}>
            Log in as the demo user ada
          </button>
        </div>
      )}
      {auth.kind === 'basic' && (
        <div className="auth-fields">
          <label htmlFor={ids.user}>Username</label>
          <input id={ids.user} value={auth.username} autoComplete="off" onChange={(e) => setAuth({ ...auth, username: e.target.value })} />
          <label htmlFor={ids.pass}>Password</label>
          <input id={ids.pass} value={auth.password} autoComplete="off" onChange={(e) => setAuth({ ...auth, password: e.target.value })} />
          <p className="muted">Sent as Authorization: Basic with base64 of username:password — encoded, not encrypted.</p>
        </div>
      )}
      {auth.kind === 'bearer' && (
        <div className="auth-fields">
          <label htmlFor={ids.token}>Token</label>
          <input id={ids.token} value={auth.token} autoComplete="off" spellCheck={false} onChange={(e) => setAuth({ ...auth, token: e.target.value })} />
          <p className="muted">Get one from POST /api/tokens with a username and password.</p>
        </div>
      )}
    </div>
  );
}

export { row };
