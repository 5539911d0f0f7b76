import { useExchangeStore } from './exchange-store';

/** Status line, headers and body of the latest response. */
export function ResponseView() {
  const phase = useExchangeStore((s) => s.phase);
  const response = useExchangeStore((s) => s.response);
  const error = useExchangeStore((s) => s.error);

  if (phase === 'failed') {
    return (
      <section className="response" aria-label="Response">
        <p role="alert">The request did not complete: {error}</p>
      </section>
    );
  }
  if (!response) {
    return (
      <section className="response" aria-label="Response">
        <p className="muted">No response yet.</p>
      </section>
    );
  }
  const statusClass = `status status-${String(response.status)[0]}xx`;
  return (
    <section className="response" aria-label="Response" aria-busy={phase === 'sending'}>
      <h2 className={statusClass}>
        <span>{response.status}</span> {response.statusText}
        <small className="muted"> in {response.durationMs} ms</small>
      </h2>
      <h3>Headers</h3>
      <table className="headers">
        <tbody>
          {response.headers.map(([name, value], index) => (
            <tr key={`${name}-${index}`}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Body</h3>
      {response.body === '' ? <p className="muted">(empty body)</p> : <pre aria-label="Response body">{response.body}</pre>}
    </section>
  );
}
