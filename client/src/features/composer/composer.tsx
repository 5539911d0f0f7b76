import { useEffect, useId, useState, type FormEvent } from 'react';
import { Tabs } from '../../components/ui/tabs';
import type { Fix } from '../../lib/diagnose';
import type { SendDraft } from '../../lib/sent-exchange';
import { useDiagnosis, useExchangeStore } from '../../stores/exchange-store';
import { useSendOptionsStore } from '../../stores/send-options-store';
import { draftWarnings, impliedContentType, queryRowsOf } from '../../lib/draft';
import { useDraftStore } from '../../stores/draft-store';
import { AuthEditor, BodyEditor, HeadersEditor, QueryEditor } from './editors';
import { RequestLine } from './request-line';
import { CodeTools } from './code-tools';
import { TimeoutField } from './timeout-field';
import { expandDraft } from '../../lib/variables';
import { VariablesPanel } from './variables-panel';
import { useVariablesStore } from './variables-store';

type Section = 'query' | 'headers' | 'body' | 'auth';

/** Sends the current draft unless a send is under way or the method is empty. */
function sendIfReady(send: SendDraft): void {
  if (useExchangeStore.getState().phase === 'sending' || useDraftStore.getState().draft.method === '') return;
  void send(useDraftStore.getState().draft);
}

/** Ctrl/Cmd+Enter sends from anywhere on the page, from the first load (not only inside the composer). */
function useSendShortcut(send: SendDraft): void {
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.altKey || event.repeat) return;
      // The curl import box has its own button; Ctrl+Enter there should not send the old request.
      if ((event.target as HTMLElement | null)?.closest?.('.curl-import')) return;
      event.preventDefault();
      sendIfReady(send);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [send]);
}

/**
 * The request composer: request line, then query, headers, body and auth; Send or Ctrl/Cmd+Enter hands the
 * draft to `send`, and the auth tab's "Log in" to `onFix` (both from the app level).
 */
export function Composer({ urlList, send, onFix }: { urlList?: string; send: SendDraft; onFix: (fix: Fix) => void }) {
  const draft = useDraftStore((s) => s.draft);
  const setHeader = useDraftStore((s) => s.setHeader);
  const phase = useExchangeStore((s) => s.phase);
  const followRedirects = useSendOptionsStore((s) => s.options.followRedirects);
  const setOption = useSendOptionsStore((s) => s.setOption);
  const diagnosis = useDiagnosis();
  const [section, setSection] = useState<Section>('headers');
  const hintId = useId();
  const followId = useId();

  const variables = useVariablesStore((s) => s.values);
  // Warnings are about what will be sent: the draft with its variables filled in.
  const { draft: expanded, missing } = expandDraft(draft, variables);
  const warnings = [
    ...draftWarnings(expanded),
    ...missing.map((name) => ({
      target: 'url' as const,
      message: `{{${name}}} has no value yet, so it is sent as written. Give it one under Variables${name === 'token' ? ', or send POST /api/tokens to get one' : ''}.`,
    })),
  ];
  const implied = impliedContentType(draft);
  const queryCount = queryRowsOf(draft.url).length;
  const headerCount = draft.headers.filter((h) => h.enabled && h.name).length;
  const cause = diagnosis?.composer;

  // When the diagnosis points into the composer, open the part it points at.
  useEffect(() => {
    if (!cause) return;
    if (cause.headers.some((h) => draft.headers.some((row) => row.name.toLowerCase() === h))) setSection('headers');
    else if (cause.body || cause.bodyFields.length) setSection('body');
    else if (cause.query.length) setSection('query');
    else if (cause.headers.includes('content-type') || cause.headers.includes('accept')) setSection('headers');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [diagnosis]);

  useSendShortcut(send);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    sendIfReady(send);
  };

  return (
    <>
      <form className="composer" aria-label="Request composer" onSubmit={submit}>
        <p id={hintId} className="hint">
          Press <kbd>Ctrl</kbd>+<kbd>Enter</kbd> or Send to send this request, then read what came back.
        </p>
        <RequestLine sending={phase === 'sending'} hintId={hintId} urlList={urlList} highlightMethod={cause?.method} />
        <CodeTools />
        <div className="send-options">
          <span className="send-option">
            <input id={followId} type="checkbox" checked={followRedirects} onChange={(e) => setOption('followRedirects', e.target.checked)} />
            <label htmlFor={followId}>Follow redirects</label>
          </span>
          <TimeoutField />
        </div>
        {warnings.length > 0 && (
          <ul className="warnings" aria-label="Warnings">
            {warnings.map((w) => (
              <li key={w.message} className="warning">
                {w.message}
                {w.target === 'content-type' && implied && !draft.headers.some((h) => h.enabled && h.name.toLowerCase() === 'content-type') && (
                  <button type="button" className="secondary fix" onClick={() => setHeader('Content-Type', implied)}>
                    Add Content-Type: {implied}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <Tabs
          label="Request parts"
          selected={section}
          onSelect={(id) => setSection(id as Section)}
          items={[
            { id: 'query', label: 'Query', badge: queryCount || undefined },
            { id: 'headers', label: 'Headers', badge: headerCount || undefined },
            { id: 'body', label: 'Body', badge: draft.bodyType === 'none' ? undefined : draft.bodyType.toUpperCase() },
            { id: 'auth', label: 'Auth', badge: draft.auth.kind === 'none' ? undefined : draft.auth.kind },
          ]}
        >
          {section === 'query' && <QueryEditor />}
          {section === 'headers' && <HeadersEditor highlight={cause?.headers ?? []} />}
          {section === 'body' && <BodyEditor highlightFields={cause?.bodyFields ?? []} />}
          {section === 'auth' && <AuthEditor onLogin={() => onFix({ kind: 'login' })} />}
        </Tabs>
      </form>
      <VariablesPanel />
    </>
  );
}
