import { useId, useState } from 'react';
import type { InboxLink, InboxResponse } from '../../../../server/protocol/classroom-types';
import { ApiError, apiFetch } from '../../lib/api-client';

/** Lets an inbox's owner choose what it answers (status, one header per line, body), to see how clients react. */
export function InboxResponseEditor({ inbox }: { inbox: InboxLink }) {
  const [status, setStatus] = useState('200');
  const [headers, setHeaders] = useState('Content-Type: application/json');
  const [body, setBody] = useState('{"ok": true}');
  const [message, setMessage] = useState<string>();
  const ids = { status: useId(), headers: useId(), body: useId() };
  const save = async () => {
    const pairs = headers
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf(':');
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as [string, string];
      });
    try {
      const saved = await apiFetch<InboxResponse>(`/app/inboxes/${inbox.id}/response`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${inbox.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: Number(status), headers: pairs, body, bodyEncoding: 'text' }),
      });
      setMessage(`Saved: the inbox now answers ${saved.status}.`);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : String(error));
    }
  };
  return (
    <details className="inbox-response">
      <summary>What the inbox answers</summary>
      <label htmlFor={ids.status}>Status</label>
      <input id={ids.status} inputMode="numeric" value={status} onChange={(e) => setStatus(e.target.value.replace(/\D/g, '').slice(0, 3))} />
      <label htmlFor={ids.headers}>Headers (one "Name: value" per line)</label>
      <textarea id={ids.headers} rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} spellCheck={false} />
      <label htmlFor={ids.body}>Body</label>
      <textarea id={ids.body} rows={3} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
      <button type="button" onClick={() => void save()}>
        Save the inbox's answer
      </button>
      {message && <p role="status">{message}</p>}
    </details>
  );
}
