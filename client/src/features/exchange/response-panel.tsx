import { Tabs } from '../../components/ui/tabs';
import { applyFix } from './apply-fix';
import { useExchangeStore } from './exchange-store';
import { StatusAnnotation } from './status-annotation';
import { useDiagnosis } from './use-diagnosis';
import { useResponseViewStore, type ResponseView } from './view-store';


/** The final response of the latest exchange: status explained, why this request got it, and its parts. */
export function ResponsePanel() {
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
  if (!exchange) {
    return (
      <section className="response" aria-label="Response" aria-busy={phase === 'sending'}>
        <p className="muted">{phase === 'sending' ? 'Sending…' : 'No response yet.'}</p>
      </section>
    );
  }
  const response = exchange.response;
  return (
    <section className="response" aria-label="Response" aria-busy={phase === 'sending'}>
      {response ? (
        <h2 className={`status status-${String(response.status)[0]}xx`}>
          <span className="status-code">{response.status}</span> {response.reason}
          <small className="muted"> · {Math.round(exchange.timings.completeMs)} ms</small>
        </h2>
      ) : (
        <h2 className="status status-error">No response</h2>
      )}
      {response && <StatusAnnotation status={response.status} />}
      {diagnosis && (diagnosis.summary || diagnosis.fixes.length > 0) && (
        <div className="diagnosis" role="note" aria-label="Why this response">
          {diagnosis.summary && <p>{diagnosis.summary}</p>}
          {diagnosis.fixes.map(({ label, fix }) => (
            <button key={label} type="button" className="secondary fix" onClick={() => applyFix(fix)}>
              {label}
            </button>
          ))}
        </div>
      )}
      <Tabs
        label="Response parts"
        selected={view}
        onSelect={(id) => setView(id as ResponseView)}
        items={[
          { id: 'body', label: 'Body' },
          { id: 'headers', label: 'Headers', badge: response?.headers.length },
          { id: 'wire', label: 'Wire' },
        ]}
      >
        {view === 'body' &&
          (response?.body && response.body.data !== '' ? (
            <pre aria-label="Response body">{response.body.data}</pre>
          ) : (
            <p className="muted">(empty body)</p>
          ))}
        {view === 'headers' && response && (
          <table className="headers">
            <tbody>
              {response.headers.map(([name, value], index) => (
                <tr key={`${name}-${index}`} className={diagnosis?.responseHeaders.includes(name.toLowerCase()) ? 'highlight' : undefined}>
                  <th scope="row">{name}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {view === 'wire' && (
          <div className="wire-simple">
            <h3>Request</h3>
            <pre aria-label="Request as sent">{exchange.request.raw}</pre>
            <h3>Response</h3>
            <pre aria-label="Response as received">{response?.raw ?? exchange.error?.message}</pre>
          </div>
        )}
      </Tabs>
    </section>
  );
}
