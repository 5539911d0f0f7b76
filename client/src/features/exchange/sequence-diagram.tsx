import type { Transcript } from '../../../../server/protocol/api-types';

const WIDTH = 360;
const ROW = 46;
const LEFT = 50;
const RIGHT = WIDTH - 50;

function clip(text: string, max = 38): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface Arrow {
  from: 'client' | 'server';
  label: string;
  kind: 'connect' | 'request' | 'response' | 'error';
  /** When it happened, from the start of the exchange (under the arrow). */
  time?: string;
  /** 2xx…5xx for a response: its colour says the class at a glance. */
  statusClass?: string;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** The arrows of the whole transcript: connect, request and response per hop. */
export function sequenceArrows(transcript: Transcript): Arrow[] {
  const arrows: Arrow[] = [];
  for (const exchange of transcript.exchanges) {
    const url = new URL(exchange.request.url);
    const t = exchange.timings;
    if (t.connectMs !== undefined) {
      arrows.push({ from: 'client', label: `TCP connect to ${url.host}`, kind: 'connect', time: `connected after ${ms(t.connectMs)}` });
    }
    const request: Arrow = { from: 'client', label: `${exchange.request.method} ${url.pathname}${url.search}`, kind: 'request' };
    if (t.requestSentMs !== undefined) request.time = `sent by ${ms(t.requestSentMs)}`;
    arrows.push(request);
    const done = `complete at ${ms(t.completeMs)}`;
    if (exchange.response) {
      const response: Arrow = {
        from: 'server',
        label: `${exchange.response.status} ${exchange.response.reason}`,
        kind: 'response',
        statusClass: `${String(exchange.response.status)[0]}xx`,
        time: t.firstByteMs !== undefined ? `first byte at ${ms(t.firstByteMs)}, ${done}` : done,
      };
      arrows.push(response);
    } else {
      arrows.push({ from: 'server', label: exchange.error ? `✕ ${exchange.error.code}` : '✕ no response', kind: 'error', time: `gave up at ${ms(t.completeMs)}` });
    }
  }
  return arrows;
}

/** An SVG sequence diagram of the exchange: client and server lifelines, one arrow per message. */
export function SequenceDiagram({ transcript }: { transcript: Transcript }) {
  const arrows = sequenceArrows(transcript);
  const height = 40 + arrows.length * ROW;
  const description = arrows.map((a) => `${a.from === 'client' ? 'Client to server' : 'Server to client'}: ${a.label}${a.time ? ` (${a.time})` : ''}`).join('. ');
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
          <g key={index} className={`seq-${arrow.kind}${arrow.statusClass ? ` seq-status-${arrow.statusClass}` : ''}`}>
            <text x={WIDTH / 2} y={y - 6} textAnchor="middle" className="seq-label">
              {clip(arrow.label)}
            </text>
            <line x1={x1} y1={y} x2={arrow.kind === 'error' ? (x1 + x2) / 2 : x2} y2={y} markerEnd="url(#seq-arrow)" strokeDasharray={arrow.kind === 'connect' ? '4 3' : undefined} />
            {arrow.time && (
              <text x={WIDTH / 2} y={y + 13} textAnchor="middle" className="seq-time">
                {arrow.time}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
