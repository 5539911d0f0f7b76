import { useId, useState } from 'react';
import type { BodyView as Body } from '../../../../server/protocol';

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Pretty-prints JSON; anything else (XML, HTML, text) is shown as the text it is — never rendered. */
export function prettyText(data: string, contentType: string | undefined): string {
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(data)) {
    try {
      return JSON.stringify(JSON.parse(data), null, 2);
    } catch {
      return data;
    }
  }
  return data;
}

/** A response body, pretty or raw, with its size on the wire and after decoding. */
export function BodyView({ body, contentType, emptyReason }: { body: Body | null; contentType?: string; emptyReason?: string }) {
  const [raw, setRaw] = useState(false);
  const [revealBinary, setRevealBinary] = useState(false);
  const id = useId();
  if (!body || (body.data === '' && !body.truncated)) {
    return <p className="muted">{emptyReason ?? 'No body.'}</p>;
  }
  const size =
    body.contentEncoding !== undefined
      ? `${formatBytes(body.decodedSize)}, ${body.contentEncoding} ${formatBytes(body.wireSize)} on the wire`
      : formatBytes(body.decodedSize);
  return (
    <div className="body-view">
      <div className="body-tools">
        <span className="muted">{size}</span>
        {body.encoding === 'text' && (
          <>
            <input id={id} type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
            <label htmlFor={id}>Raw</label>
          </>
        )}
      </div>
      {body.encoding === 'base64' ? (
        revealBinary ? (
          <pre aria-label="Response body">{body.data}</pre>
        ) : (
          <p>
            {formatBytes(body.decodedSize)} of binary data.{' '}
            <button type="button" className="secondary" onClick={() => setRevealBinary(true)}>
              Show as base64
            </button>
          </p>
        )
      ) : (
        <pre aria-label="Response body">{raw ? body.data : prettyText(body.data, contentType)}</pre>
      )}
      {body.truncated && <p className="muted">The body was longer; the sandbox kept the first {formatBytes(body.data.length)}.</p>}
    </div>
  );
}
