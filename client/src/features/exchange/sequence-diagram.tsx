import type { Transcript } from '../../../../server/protocol';

const WIDTH = 360;
const ROW = 34;
const LEFT = 50;
const RIGHT = WIDTH - 50;

function clip(text: string, max = 38): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Arrow {
  from: 'client' | 'server';
  label: string;
  kind: 'connect' | 'request' | 'response' | 'error';
}

/** The arrows of the whole transcript: connect, request and response per hop. */
export function sequenceArrows(transcript: Transcript): Arrow[] {
  const arrows: Arrow[] = [];
  for (const exchange of transcript.exchanges) {
    const url = new URL(exchange.request.url);
    if (exchange.timings.connectMs !== undefined) arrows.push({ from: 'client', label: `TCP connect to ${url.host}`, kind: 'connect' });
    arrows.push({ from: 'client', label: `${exchange.request.method} ${url.pathname}${url.search}`, kind: 'request' });
    if (exchange.response) {
      arrows.push({ from: 'server', label: `${exchange.response.status} ${exchange.response.reason}`, kind: 'response' });
    } else {
      arrows.push({ from: 'server', label: exchange.error ? `✕ ${exchange.error.code}` : '✕ no response', kind: 'error' });
    }
  }
  return arrows;
}

/** An SVG sequence diagram of the exchange: client and server lifelines, one arrow per message. */
export function SequenceDiagram({ transcript }: { transcript: Transcript }) {
  const arrows = sequenceArrows(transcript);
  const height = 40 + arrows.length * ROW + 10;
  const description = arrows.map((a) => `${a.from === 'client' ? 'Client to server' : 'Server to client'}: ${a.label}`).join('. ');
  return (
    <svg className="sequence" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Sequence of the exchange. ${description}.`}>
      <title>Sequence of the exchange</title>
      <defs>
        <marker id="seq-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
        </marker>
      </defs>
      <text x={LEFT} y="18" textAnchor="middle" className="seq-actor">Client</text>
      <text x={RIGHT} y="18" textAnchor="middle" className="seq-actor">Server</text>
      <line x1={LEFT} y1="26" x2={LEFT} y2={height - 6} className="seq-lifeline" />
      <line x1={RIGHT} y1="26" x2={RIGHT} y2={height - 6} className="seq-lifeline" />
      {arrows.map((arrow, index) => {
        const y = 48 + index * ROW;
        const [x1, x2] = arrow.from === 'client' ? [LEFT, RIGHT] : [RIGHT, LEFT];
        return (
          <g key={index} className={`seq-${arrow.kind}`}>
            <text x={WIDTH / 2} y={y - 6} textAnchor="middle" className="seq-label">
              {clip(arrow.label)}
            </text>
            <line x1={x1} y1={y} x2={arrow.kind === 'error' ? (x1 + x2) / 2 : x2} y2={y} markerEnd="url(#seq-arrow)" strokeDasharray={arrow.kind === 'connect' ? '4 3' : undefined} />
          </g>
        );
      })}
    </svg>
  );
}
