import type { HeaderComparison } from '../../../../server/protocol/api-types';

const KIND_WORDS: Record<HeaderComparison['kind'], string> = {
  same: 'as typed',
  'added-by-client': 'added by the client',
  'added-by-page': 'added by the page',
  changed: 'changed',
  dropped: 'not sent',
};

/** Each header: what the learner typed, what went on the wire, and why they differ (rows from the server). */
export function TypedVsSent({ rows }: { rows: readonly HeaderComparison[] }) {
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
            <td data-label="You typed">{row.typed ?? '—'}</td>
            <td data-label="On the wire">{row.sent ?? '—'}</td>
            <td data-label="Why">
              <strong>{KIND_WORDS[row.kind]}</strong>
              {row.note ? `: ${row.note}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
