import type { Timings } from '../../../../server/protocol/api-types';

interface Phase {
  name: string;
  start: number;
  end: number;
  note: string;
}

/** The phases of one exchange from its timing points (a reused or local connection has fewer). */
export function timingPhases(t: Timings): Phase[] {
  const phases: Phase[] = [];
  let at = 0;
  const add = (name: string, end: number | undefined, note: string) => {
    if (end === undefined || end < at) return;
    phases.push({ name, start: at, end, note });
    at = end;
  };
  if (t.dnsMs !== undefined) add('DNS lookup', t.dnsMs, 'finding the server’s address');
  add('TCP connect', t.connectMs, 'opening the connection');
  add('Request sent', t.requestSentMs, 'writing the request bytes');
  add('Waiting', t.firstByteMs, 'the server working on it (time to first byte)');
  add('Download', t.completeMs, 'reading the response');
  return phases;
}

const COLORS = ['#7c5cbf', '#0b5cad', '#2d7d46', '#b35c00', '#5b6b7a'];

/** Horizontal bars for each phase, with a table of the same numbers for screen readers. */
export function TimingChart({ timings }: { timings: Timings }) {
  const phases = timingPhases(timings);
  const total = Math.max(timings.completeMs, 0.01);
  return (
    <figure className="timing-chart">
      <figcaption>Where the {timings.completeMs.toFixed(1)} ms went</figcaption>
      <div className="timing-bars" aria-hidden="true">
        {phases.map((phase, index) => (
          <div key={phase.name} className="timing-row">
            <span className="timing-label">{phase.name}</span>
            <span className="timing-track">
              <span
                className="timing-bar"
                style={{
                  marginLeft: `${(phase.start / total) * 100}%`,
                  width: `${Math.max(0.5, ((phase.end - phase.start) / total) * 100)}%`,
                  background: COLORS[index % COLORS.length],
                }}
              />
            </span>
            <span className="timing-ms">{(phase.end - phase.start).toFixed(1)} ms</span>
          </div>
        ))}
      </div>
      {/* A wrapper holds the table: a table does not shrink to the 1 px a hidden box has, and would widen the page. */}
      <div className="visually-hidden">
        <table>
          <caption>Timing of each phase</caption>
          <tbody>
            {phases.map((phase) => (
              <tr key={phase.name}>
                <th scope="row">{phase.name}</th>
                <td>{(phase.end - phase.start).toFixed(1)} ms</td>
                <td>{phase.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
