import { useId, useState } from 'react';
import { TCHAR_CLASS } from '../../../../server/protocol/http-syntax';
import { COMMON_METHODS, useDraftStore } from '../../stores/draft-store';
import { importCurl } from './code-tools';
import { looksLikeCurl } from './formats/looks-like-curl';

/** A character a method name cannot have (RFC 9110 §9.1: a method is a token); typing one drops it. */
const NOT_TCHAR = new RegExp(`[^${TCHAR_CLASS}]`, 'g');

export interface RequestLineProps {
  sending: boolean;
  hintId: string;
  /** datalist id with URL suggestions. */
  urlList?: string;
  highlightMethod?: boolean;
}

/** Method (common or custom), URL, and Send. */
export function RequestLine({ sending, hintId, urlList, highlightMethod }: RequestLineProps) {
  const method = useDraftStore((s) => s.draft.method);
  const url = useDraftStore((s) => s.draft.url);
  const setMethod = useDraftStore((s) => s.setMethod);
  const setUrl = useDraftStore((s) => s.setUrl);
  const ids = { method: useId(), custom: useId(), url: useId() };
  const isCommon = (COMMON_METHODS as readonly string[]).includes(method);
  const [custom, setCustom] = useState(!isCommon);

  return (
    <div className="request-line">
      <label htmlFor={ids.method} className="visually-hidden">
        Method
      </label>
      <select
        id={ids.method}
        className={`method${highlightMethod ? ' highlight' : ''}`}
        value={custom ? 'custom' : method}
        onChange={(e) => {
          if (e.target.value === 'custom') {
            setCustom(true);
            setMethod('');
          } else {
            setCustom(false);
            setMethod(e.target.value);
          }
        }}
      >
        {COMMON_METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <>
          <label htmlFor={ids.custom} className="visually-hidden">
            Custom method
          </label>
          <input
            id={ids.custom}
            className="custom-method"
            value={method}
            placeholder="e.g. PURGE"
            onChange={(e) => setMethod(e.target.value.toUpperCase().replace(NOT_TCHAR, ''))}
            spellCheck={false}
            autoComplete="off"
          />
        </>
      )}
      <label htmlFor={ids.url} className="visually-hidden">
        URL
      </label>
      <input
        id={ids.url}
        className="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        onPaste={(e) => {
          // Pasting a whole curl command into the URL bar imports it.
          const text = e.clipboardData.getData('text');
          if (!looksLikeCurl(text)) return;
          e.preventDefault();
          void importCurl(text);
        }}
        list={urlList}
        // The URL is what a learner changes first: ready for typing on load.
        autoFocus
        spellCheck={false}
        autoComplete="off"
        aria-describedby={hintId}
      />
      <button type="submit" className="send" disabled={sending || method === ''} aria-keyshortcuts="Control+Enter Meta+Enter">
        {sending ? 'Sending…' : 'Send'}
      </button>
    </div>
  );
}
