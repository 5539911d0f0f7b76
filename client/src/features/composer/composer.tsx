import { useId, type FormEvent, type KeyboardEvent } from 'react';
import { useExchangeStore } from '../response/exchange-store';
import { COMMON_METHODS, parseHeaderLines, useDraftStore } from './draft-store';

/** Method, URL, headers and body, and a Send button; Ctrl/Cmd+Enter sends from anywhere in the form. */
export function Composer() {
  const method = useDraftStore((s) => s.method);
  const url = useDraftStore((s) => s.url);
  const headersText = useDraftStore((s) => s.headersText);
  const body = useDraftStore((s) => s.body);
  const setMethod = useDraftStore((s) => s.setMethod);
  const setUrl = useDraftStore((s) => s.setUrl);
  const setHeadersText = useDraftStore((s) => s.setHeadersText);
  const setBody = useDraftStore((s) => s.setBody);
  const phase = useExchangeStore((s) => s.phase);
  const send = useExchangeStore((s) => s.send);
  const ids = { method: useId(), url: useId(), headers: useId(), body: useId(), hint: useId() };

  const { invalid } = parseHeaderLines(headersText);
  const bodyIgnored = (method === 'GET' || method === 'HEAD') && body.trim() !== '';

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const { headers } = parseHeaderLines(headersText);
    void send({ method, url, headers, body });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
  };

  return (
    <form className="composer" aria-label="Request composer" onSubmit={submit} onKeyDown={onKeyDown}>
      <p id={ids.hint} className="hint">
        Press <kbd>Ctrl</kbd>+<kbd>Enter</kbd> or Send to send this request, then read what came back.
      </p>
      <div className="request-line">
        <label htmlFor={ids.method} className="visually-hidden">
          Method
        </label>
        <select id={ids.method} value={method} onChange={(e) => setMethod(e.target.value)}>
          {COMMON_METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <label htmlFor={ids.url} className="visually-hidden">
          URL
        </label>
        <input
          id={ids.url}
          className="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={ids.hint}
        />
        <button type="submit" disabled={phase === 'sending'}>
          {phase === 'sending' ? 'Sending…' : 'Send'}
        </button>
      </div>
      <label htmlFor={ids.headers}>Headers (one "Name: value" per line)</label>
      <textarea id={ids.headers} rows={3} value={headersText} onChange={(e) => setHeadersText(e.target.value)} spellCheck={false} />
      {invalid.length > 0 && (
        <p role="status" className="warning">
          These lines have no colon and will not be sent: {invalid.join(', ')}
        </p>
      )}
      <label htmlFor={ids.body}>Body</label>
      <textarea id={ids.body} rows={6} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
      {bodyIgnored && (
        <p role="status" className="warning">
          A {method} request has no body here: browsers refuse to send one. Switch to POST, PUT or PATCH to send it.
        </p>
      )}
    </form>
  );
}
