import { useId, useState } from 'react';
import type { BodyView as Body } from '../../../../server/protocol/api-types';
import { isJsonBody, JsonView } from './json-view';

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Pretty-prints JSON; anything else (XML, HTML, text) is shown as the text it is. */
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

/** The media type alone, lower case: "image/png" from "image/png; charset=x". */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Raster images a browser shows from a data: URL; SVG as an image cannot run its scripts. */
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)$/;

/**
 * A rendered HTML body may not run script (sandbox without allow-scripts), has an origin of its own (no
 * allow-same-origin: it cannot read the page or its cookies) and may fetch nothing, not even from the
 * sandbox (this policy comes first in its document): it is a picture of the markup.
 */
const FRAME_POLICY = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`;

function ImagePreview({ body, type }: { body: Body; type: string }) {
  if (body.truncated) return <p className="muted">The image is larger than the sandbox keeps, so it cannot be shown.</p>;
  const src = body.encoding === 'base64' ? `data:${type};base64,${body.data}` : `data:${type};charset=utf-8,${encodeURIComponent(body.data)}`;
  return <img className="body-image" src={src} alt={`The response body: a ${type} image of ${formatBytes(body.decodedSize)}`} />;
}

/** A response body — JSON as a tree, images as images, HTML as text (rendered on request) — with its sizes. */
export function BodyView({ body, contentType, emptyReason }: { body: Body | null; contentType?: string; emptyReason?: string }) {
  const [raw, setRaw] = useState(false);
  const [revealBinary, setRevealBinary] = useState(false);
  const [rendered, setRendered] = useState(false);
  const ids = { raw: useId(), render: useId() };
  if (!body || (body.data === '' && !body.truncated)) {
    return <p className="muted">{emptyReason ?? 'No body.'}</p>;
  }
  const type = mediaType(contentType);
  const size =
    body.contentEncoding !== undefined
      ? `${formatBytes(body.decodedSize)}, ${body.contentEncoding} ${formatBytes(body.wireSize)} on the wire`
      : formatBytes(body.decodedSize);
  const image = IMAGE_TYPES.test(type);
  const html = type === 'text/html' && body.encoding === 'text';
  const json = body.encoding === 'text' && !raw && isJsonBody(body.data, contentType);

  let content;
  if (image && !raw) content = <ImagePreview body={body} type={type} />;
  else if (body.encoding === 'base64') {
    content = revealBinary ? (
      <pre aria-label="Response body">{body.data}</pre>
    ) : (
      <p>
        {formatBytes(body.decodedSize)} of binary data.{' '}
        <button type="button" className="secondary" onClick={() => setRevealBinary(true)}>
          Show as base64
        </button>
      </p>
    );
  } else if (json) content = <JsonView text={body.data} />;
  else content = <pre aria-label="Response body">{raw ? body.data : prettyText(body.data, contentType)}</pre>;

  return (
    <div className="body-view">
      <div className="body-tools">
        <span className="muted">{size}</span>
        {(body.encoding === 'text' || image) && (
          <span>
            <input id={ids.raw} type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
            <label htmlFor={ids.raw}>Raw</label>
          </span>
        )}
        {html && (
          <span>
            <input id={ids.render} type="checkbox" checked={rendered} onChange={(e) => setRendered(e.target.checked)} />
            <label htmlFor={ids.render}>Render the HTML (no scripts, nothing loaded)</label>
          </span>
        )}
      </div>
      {html && rendered && (
        <iframe className="body-frame" title="The HTML response, rendered without scripts" sandbox="" referrerPolicy="no-referrer" srcDoc={`${FRAME_POLICY}${body.data}`} />
      )}
      {content}
      {body.truncated && <p className="muted">The body was longer; the sandbox kept the first {formatBytes(body.data.length)}.</p>}
    </div>
  );
}
