import { useId, useMemo, useState } from 'react';
import { create } from 'zustand';
import { DEMO_LOGIN } from '../../lib/request-draft';
import { requestToSend } from '../../lib/request-to-send';
import { useCookieJarStore } from '../../stores/cookie-jar-store';
import { useSendOptionsStore } from '../../stores/send-options-store';
import type { OutgoingRequest } from '../../lib/draft';
import { useDraftStore } from '../../stores/draft-store';
import { useVariablesStore } from './variables-store';
import { COPY_FORMATS, copyRequest, type CopyFormat, type SecretChoice } from './copy-request';
import { hasSecrets, PASSWORD_PLACEHOLDER, secretsIn, type CopySecrets } from './formats/copy-auth';
import { CurlParseError } from './formats/curl-parse-error';
import { SEND_LIMITS } from '../../../../server/protocol/send-limits';

export interface CodeStatus {
  ok: boolean;
  message: string;
  /** What the import could not carry over, or did differently from curl. */
  details?: string[];
}

interface CodeToolsStore {
  /** The last message of "Copy as" / "Import curl" (also set when a curl command is pasted into the URL bar). */
  status?: CodeStatus;
  setStatus: (status?: CodeStatus) => void;
  secretChoice: SecretChoice;
  setSecretChoice: (choice: SecretChoice) => void;
}

export const useCodeStatusStore = create<CodeToolsStore>()((set) => ({
  status: undefined,
  setStatus: (status) => set({ status }),
  secretChoice: 'include',
  setSecretChoice: (secretChoice) => set({ secretChoice }),
}));

/** The request the composer would send (draft and the page's cookies), and what in it is secret. */
function currentRequest(
  draft = useDraftStore.getState().draft,
  jar = useCookieJarStore.getState().cookies,
  useCookies = useSendOptionsStore.getState().options.useCookies,
  variables = useVariablesStore.getState().values,
): { request: OutgoingRequest; secrets: CopySecrets; sandbox: boolean } {
  const { outgoing } = requestToSend(draft, { jar, useCookies, origin: window.location.origin, variables });
  const sandbox = outgoing.headers.some(([name, value]) => name.toLowerCase() === 'cookie' && /(?:^|;\s*)sandbox=/.test(value));
  return { request: outgoing, secrets: secretsIn(outgoing), sandbox };
}

/** The current request as code, to copy into a terminal or a program: exactly what Send sends. */
export function codeFor(format: CopyFormat, secrets: SecretChoice = useCodeStatusStore.getState().secretChoice): string {
  const { options } = useSendOptionsStore.getState();
  const { login } = useCookieJarStore.getState();
  const origin = window.location.origin;
  const username = login?.origin === origin ? login.username : undefined;
  return copyRequest(format, {
    request: currentRequest().request,
    origin,
    followRedirects: options.followRedirects,
    timeoutMs: options.timeoutMs,
    secrets,
    login: { username, password: username === DEMO_LOGIN.username ? DEMO_LOGIN.password : undefined },
  });
}

/** What the copy carries that matters outside the page, and the choice for secrets, beside the button. */
function CopyNote() {
  const draft = useDraftStore((s) => s.draft);
  const jar = useCookieJarStore((s) => s.cookies);
  const useCookies = useSendOptionsStore((s) => s.options.useCookies);
  const variables = useVariablesStore((s) => s.values);
  const { secrets, sandbox } = useMemo(() => currentRequest(draft, jar, useCookies, variables), [draft, jar, useCookies, variables]);
  const login = useCookieJarStore((s) => s.login);
  const choice = useCodeStatusStore((s) => s.secretChoice);
  const setChoice = useCodeStatusStore((s) => s.setSecretChoice);
  const name = useId();
  const what = [secrets.sessionCookie && 'your session cookie (sid)', secrets.bearer && 'a bearer token'].filter(Boolean).join(' and ');
  const who = login ? `as ${login.username}` : 'as you';
  const knownPassword = login?.username === DEMO_LOGIN.username;
  return (
    <div className="copy-note">
      {sandbox && <p className="muted">The copy sends your sandbox cookie, so it reads and writes the same data as this page.</p>}
      {hasSecrets(secrets) && (
        <fieldset className="copy-secret">
          <legend>
            The copy would carry {what}: anyone who gets it can act {who} until it expires.
          </legend>
          <label>
            <input type="radio" name={name} value="include" checked={choice === 'include'} onChange={() => setChoice('include')} /> Include it (the copy works as it is)
          </label>
          <label>
            <input type="radio" name={name} value="placeholder" checked={choice === 'placeholder'} onChange={() => setChoice('placeholder')} /> Leave it out: the copy logs in for a new token first
            {knownPassword ? ' (with the public demo password)' : ` (put your password in place of ${PASSWORD_PLACEHOLDER})`}
          </label>
        </fieldset>
      )}
    </div>
  );
}

/** Imports a curl command into the composer; the result is also shown under the code tools. */
export async function importCurl(command: string): Promise<CodeStatus> {
  let status: CodeStatus;
  try {
    // The curl reader is loaded on first use, not with the page: most visits never import a command.
    const { parseCurl } = await import('./formats/parse-curl');
    const { draft, followRedirects, timeoutMs, warnings, notes } = parseCurl(command, { origin: window.location.origin });
    useDraftStore.getState().load(draft);
    useSendOptionsStore.getState().setOption('followRedirects', followRedirects);
    // curl's -m/--max-time, or the sandbox's default (curl itself has no limit on the whole exchange).
    useSendOptionsStore.getState().setOption('timeoutMs', timeoutMs ?? SEND_LIMITS.defaultTimeoutMs);
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
  const [format, setFormat] = useState<CopyFormat>('curl');
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
      setStatus({ ok: true, message: `Copied as ${COPY_FORMATS[format]}.` });
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
        <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value as CopyFormat)}>
          {Object.entries(COPY_FORMATS).map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy as {COPY_FORMATS[format]}
        </button>
        <button type="button" className="secondary" aria-expanded={importing} onClick={() => setImporting(!importing)}>
          Import curl
        </button>
      </div>
      <CopyNote />
      {importing && (
        <div className="curl-import">
          <label htmlFor={ids.curl}>Paste a curl command</label>
          <textarea id={ids.curl} rows={3} value={command} onChange={(e) => setCommand(e.target.value)} spellCheck={false} placeholder="curl -i http://localhost:3000/api/books" />
          <button
            type="button"
            onClick={() => {
              void importCurl(command).then((result) => {
                if (!result.ok) return;
                setImporting(false);
                setCommand('');
              });
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
