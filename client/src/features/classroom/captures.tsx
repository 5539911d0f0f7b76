// Requests that reached an inbox, as a class reads them: the newest first with their raw request open,
// older ones folded; and a curl line to copy, for sending one from a terminal.
import { useState } from 'react';
import type { CapturedRequest } from '../../../../server/protocol/classroom-types';

/** Captures shown open (raw headers visible) at the top of the list; older ones are folded. */
const OPEN_NEWEST = 3;

function userAgent(capture: CapturedRequest): string {
  return capture.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? 'no User-Agent';
}

export function CaptureList({ captures }: { captures: CapturedRequest[] }) {
  if (captures.length === 0) return <p className="muted">Nothing has arrived yet.</p>;
  const newestFirst = [...captures].reverse();
  return (
    <ol className="capture-list" aria-label="Captured requests">
      {newestFirst.map((capture, index) => (
        <li key={`${capture.inboxId}-${capture.seq}`}>
          <details open={index < OPEN_NEWEST}>
            <summary>
              <span className="muted">#{capture.seq}</span>{' '}
              <code>
                {capture.method} {capture.target}
              </code>{' '}
              <span className="user-agent">{userAgent(capture)}</span>{' '}
              <span className="muted">from {capture.remoteAddress}</span>
            </summary>
            <pre aria-label={`Raw request #${capture.seq}`}>{capture.raw}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** A command in a box, with a button that copies it. */
export function CopyableCurl({ command, label }: { command: string; label: string }) {
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied('Copied. Paste it into a terminal.');
    } catch {
      setCopied('The browser did not let the page copy: select the command and copy it yourself.');
    }
  };
  return (
    <div className="copyable">
      <pre aria-label={label}>{command}</pre>
      <button type="button" className="secondary" onClick={() => void copy()}>
        Copy the curl command
      </button>
      {copied && <span role="status">{copied}</span>}
    </div>
  );
}
