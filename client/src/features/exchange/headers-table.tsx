import { useId } from 'react';
import type { WireHeader } from '../../../../server/protocol/api-types';
import { useReferenceStore } from '../../stores/reference-store';

function HeaderName({ name }: { name: string }) {
  const info = useReferenceStore((s) => s.headers.get(name.toLowerCase()));
  const tipId = useId();
  if (!info) return <>{name}</>;
  return (
    <span className="explained">
      <button type="button" className="header-name" aria-describedby={tipId}>
        {name}
      </button>
      <span role="tooltip" id={tipId} className="tooltip">
        {info.meaning}
        {info.rfc ? ` (${info.rfc})` : ''}
      </span>
    </span>
  );
}

/** Headers in the order received, duplicates kept; each name explained on hover and on focus. */
export function HeadersTable({ headers, highlight = [], label }: { headers: readonly WireHeader[]; highlight?: readonly string[]; label: string }) {
  const hot = new Set(highlight.map((h) => h.toLowerCase()));
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="headers" aria-label={label}>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={`${name}-${index}`} className={hot.has(name.toLowerCase()) ? 'highlight' : undefined}>
            <th scope="row">
              <HeaderName name={name} />
            </th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
