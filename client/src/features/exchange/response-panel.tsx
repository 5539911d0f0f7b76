import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Tabs } from '../../components/ui/tabs';
import { BodyView } from './body-view';
import { CookiesView } from './cookies-view';
import { headerValue, type Fix } from '../../lib/diagnose';
import type { OnSent } from '../../lib/sent-exchange';
import { useDiagnosis, useExchangeStore } from '../../stores/exchange-store';
import { HeadersTable } from './headers-table';
import { SequenceDiagram } from './sequence-diagram';
import { StatusAnnotation } from './status-annotation';
import { TypedVsSent } from './typed-vs-sent-view';
import { useResponseViewStore, type ResponseView } from './view-store';
import { WireView } from './wire-view';

// Tabs a learner opens now and then load when first opened, which keeps the first page load small.
const ServerTraceView = lazy(() => import('./server-trace-view').then((module) => ({ default: module.ServerTraceView })));
const TimingChart = lazy(() => import('./timing-chart').then((module) => ({ default: module.TimingChart })));
const loading = <p className="muted">Loading…</p>;

function emptyBodyReason(status: number, method: string): string {
  if (method === 'HEAD') return 'No body: a HEAD response carries the headers a GET would get, and never a body.';
  if (status === 204) return 'No body: 204 No Content never has one.';
  if (status === 304) return 'No body: 304 Not Modified tells you to use the copy you already have.';
  return 'The response has an empty body.';
}

/** Where the response sits below the composer (one column), a new answer is out of sight unless brought into view. */
const ONE_COLUMN = '(max-width: 800px)';

/**
 * After each send, the status line: on one-column screens it takes focus (which scrolls it into view and
 * tells a screen reader what came back); side by side it is already in view, and the learner keeps typing.
 */
function useStatusAfterSend(onSent: OnSent) {
  const status = useRef<HTMLHeadingElement>(null);
  // Counts this page's sends (not history views), so the focus waits for the render that shows the answer.
  const [sends, setSends] = useState(0);
  useEffect(() => onSent(() => setSends((n) => n + 1)), [onSent]);
  useEffect(() => {
    if (sends === 0 || !window.matchMedia(ONE_COLUMN).matches) return;
    status.current?.focus();
  }, [sends]);
  return status;
}

/**
 * The final response of the latest exchange: status explained, why this request got it, and its parts.
 * From the app level: `onSent` (each send), `onFix` (a one-click fix), `onOpenLesson` (the lesson on a status).
 */
export function ResponsePanel({ onSent, onFix, onOpenLesson }: { onSent: OnSent; onFix: (fix: Fix) => void; onOpenLesson?: (id: string) => void }) {
  const status = useStatusAfterSend(onSent);
  const phase = useExchangeStore((s) => s.phase);
  const transcript = useExchangeStore((s) => s.transcript);
  const problem = useExchangeStore((s) => s.problem);
  const diagnosis = useDiagnosis();
  const view = useResponseViewStore((s) => s.view);
  const setView = useResponseViewStore((s) => s.setView);

  if (phase === 'failed' && problem) {
    return (
      <section className="response" aria-label="Response">
        <div role="alert" className="send-problem">
          <h2>{problem.title}</h2>
          <p>{problem.detail}</p>
        </div>
      </section>
    );
  }
  const exchange = transcript?.exchanges.at(-1);
  if (!transcript || !exchange) {
    return (
      <section className="response" aria-label="Response" aria-busy={phase === 'sending'}>
        <p className="muted">{phase === 'sending' ? 'Sending…' : 'No response yet.'}</p>
      </section>
    );
  }
  const response = exchange.response;
  const hops = transcript.exchanges.length;
  return (
    <section className="response" aria-label="Response" aria-busy={phase === 'sending'}>
      {response ? (
        <h2 ref={status} tabIndex={-1} className={`status status-${String(response.status)[0]}xx`}>
          <span className="status-code">{response.status}</span> {response.reason}
          <small className="muted">
            {' '}
            · {Math.round(exchange.timings.completeMs)} ms{hops > 1 ? ` · after ${hops - 1} redirect${hops > 2 ? 's' : ''}` : ''}
          </small>
        </h2>
      ) : (
        <h2 ref={status} tabIndex={-1} className="status status-error">
          No response
        </h2>
      )}
      {exchange.error && (
        <div role="alert" className="send-problem">
          <p>{exchange.error.message}</p>
          {exchange.error.received !== undefined && (
            <figure className="received">
              <figcaption>What arrived before the connection ended ({exchange.error.received.length} characters), as received:</figcaption>
              <pre aria-label="Bytes received">{exchange.error.received}</pre>
            </figure>
          )}
        </div>
      )}
      {exchange.warnings && exchange.warnings.length > 0 && (
        <ul className="warnings" aria-label="What went out differently">
          {exchange.warnings.map((warning) => (
            <li key={warning} className="warning">
              {warning}
            </li>
          ))}
        </ul>
      )}
      {response && <StatusAnnotation status={response.status} onOpenLesson={onOpenLesson} />}
      {diagnosis && (diagnosis.summary || diagnosis.fixes.length > 0) && (
        <div className="diagnosis" role="note" aria-label="Why this response">
          {diagnosis.summary && <p>{diagnosis.summary}</p>}
          {diagnosis.fixes.length > 0 && (
            <div className="fixes">
              {diagnosis.fixes.map(({ label, fix }) => (
                <button key={label} type="button" className="secondary fix" onClick={() => onFix(fix)}>
                  {label}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      <SequenceDiagram transcript={transcript} />
      <Tabs
        label="Response parts"
        selected={view}
        onSelect={(id) => setView(id as ResponseView)}
        items={[
          { id: 'body', label: 'Body' },
          { id: 'headers', label: 'Headers', badge: response?.headers.length },
          { id: 'cookies', label: 'Cookies' },
          { id: 'wire', label: 'Wire' },
          { id: 'sent', label: 'Typed vs sent' },
          { id: 'timing', label: 'Timing' },
          ...(exchange.trace ? [{ id: 'server', label: exchange.trace.steps.some((step) => step.outcome === 'refused') ? 'Server ⚠' : 'Server' }] : []),
        ]}
      >
        {view === 'body' &&
          (response ? (
            <BodyView body={response.body} contentType={headerValue(response.headers, 'content-type')} emptyReason={emptyBodyReason(response.status, exchange.request.method)} />
          ) : (
            <p className="muted">No response arrived, so there is no body; what happened is said above.</p>
          ))}
        {view === 'headers' && (
          <>
            <h3>Response headers</h3>
            {response && <HeadersTable label="Response headers" headers={response.headers} highlight={diagnosis?.responseHeaders} />}
            {response && response.trailers.length > 0 && (
              <>
                <h3>Trailers</h3>
                <HeadersTable label="Trailers" headers={response.trailers} />
              </>
            )}
            <h3>Request headers as sent</h3>
            <HeadersTable label="Request headers" headers={exchange.request.headers} highlight={diagnosis?.composer.headers} />
          </>
        )}
        {view === 'cookies' && <CookiesView exchange={exchange} />}
        {view === 'wire' &&
          transcript.exchanges.map((hop, index) => (
            <div key={index}>
              {hops > 1 && <h3>Hop {index + 1}</h3>}
              <WireView exchange={hop} />
            </div>
          ))}
        {view === 'sent' &&
          transcript.exchanges.map((hop, index) => (
            <div key={index}>
              {hops > 1 && <h3>Hop {index + 1}</h3>}
              {hop.typedVsSent ? (
                <TypedVsSent rows={hop.typedVsSent} />
              ) : (
                <p className="muted">{hop.error ? 'Nothing went on the wire, so there is nothing to compare.' : 'This exchange was recorded before the sandbox kept typed and sent side by side; send it again to see them.'}</p>
              )}
            </div>
          ))}
        {view === 'timing' && (
          <Suspense fallback={loading}>
            <TimingChart timings={exchange.timings} />
          </Suspense>
        )}
        {view === 'server' &&
          (exchange.trace ? (
            <Suspense fallback={loading}>
              <ServerTraceView trace={exchange.trace} />
            </Suspense>
          ) : (
            <p className="muted">The server X-ray shows what the toy API did with a request under /api/ sent from here; this one was not traced.</p>
          ))}
      </Tabs>
    </section>
  );
}
