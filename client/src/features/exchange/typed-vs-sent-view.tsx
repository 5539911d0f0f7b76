import type { WireHeader } from '../../../../server/protocol';
import type { OutgoingRequest } from '../composer/draft';
import { compareTypedWithSent } from '../composer/formats/typed-vs-sent';

const KIND_WORDS = {
  same: 'as typed',
  'added-by-client': 'added',
  changed: 'changed',
  dropped: 'not sent',
} as const;

/** Each header: what the learner typed, what went on the wire, and why they differ. */
export function TypedVsSent({ typed, sent }: { typed: OutgoingRequest; sent: readonly WireHeader[] }) {
  const rows = compareTypedWithSent(typed, sent);
  return (
    <table className="headers typed-vs-sent" aria-label="Typed versus sent headers">
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">You typed</th>
          <th scope="col">On the wire</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={`${row.name}-${index}`} className={`diff-${row.kind}`}>
            <th scope="row">{row.name}</th>
            <td>{row.typed ?? '—'}</td>
            <td>{row.sent ?? '—'}</td>
            <td>
              <strong>{KIND_WORDS[row.kind]}</strong>
              {row.note ? `: ${row.note}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
