import { useId, useState } from 'react';
import type { Exchange } from '../../../../server/protocol/api-types';

/** One message's bytes, line by line, with CR LF shown on demand and the head/body boundary marked. */
function WireMessage({ title, raw, showEndings }: { title: string; raw: string; showEndings: boolean }) {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = headEnd === -1 ? raw : raw.slice(0, headEnd);
  const body = headEnd === -1 ? '' : raw.slice(headEnd + 4);
  const lines = head.split('\r\n');
  const ending = showEndings ? <span className="crlf" aria-label="CR LF">␍␊</span> : null;
  return (
    <figure className="wire-message">
      <figcaption>{title}</figcaption>
      <ol className="wire-lines" aria-label={title}>
        {lines.map((line, index) => (
          <li key={index} className={index === 0 ? 'start-line' : undefined}>
            <code>{line}</code>
            {ending}
          </li>
        ))}
        {headEnd !== -1 && (
          <li className="blank-line" aria-label="Empty line: the headers end here">
            <code>{showEndings ? '' : ' '}</code>
            {ending}
          </li>
        )}
      </ol>
      {body !== '' && (
        <pre className="wire-body" aria-label={`${title} body`}>
          {body}
        </pre>
      )}
    </figure>
  );
}

/** The request and the response exactly as they crossed the wire, side by side. */
export function WireView({ exchange }: { exchange: Exchange }) {
  const [showEndings, setShowEndings] = useState(false);
  const id = useId();
  return (
    <div className="wire-view">
      <div className="wire-tools">
        <input id={id} type="checkbox" checked={showEndings} onChange={(e) => setShowEndings(e.target.checked)} />
        <label htmlFor={id}>Show line endings (CR LF)</label>
      </div>
      <div className="wire-columns">
        <WireMessage title="Request as sent" raw={exchange.request.raw} showEndings={showEndings} />
        {exchange.response ? (
          <WireMessage title="Response as received" raw={exchange.response.raw} showEndings={showEndings} />
        ) : (
          <figure className="wire-message">
            <figcaption>No response</figcaption>
            <p>{exchange.error?.message}</p>
          </figure>
        )}
      </div>
    </div>
  );
}
