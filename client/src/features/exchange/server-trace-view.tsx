// The "Server" tab: the server X-ray of a toy-API request — the path it took through the server, as a
// picture (router → hooks → validation → handler → store → serialiser → response), then each step to
// expand. The step that refused is marked and said first, in plain words.
import type { RequestTrace, TraceStage, TraceStep } from '../../../../server/protocol/trace-types';

/** The parts of the server a request passes, and the stages each holds. */
const PARTS: { name: string; stages: TraceStage[] }[] = [
  { name: 'Router', stages: ['routing'] },
  { name: 'Hooks', stages: ['sandbox', 'faults', 'rate-limit', 'csrf', 'authentication'] },
  { name: 'Validation', stages: ['validation'] },
  { name: 'Handler', stages: ['authorization', 'negotiation', 'conditional', 'job'] },
  { name: 'Store', stages: ['store', 'cache'] },
  { name: 'Serialiser', stages: ['serialization'] },
];

const STAGE_NAMES: Record<TraceStage, string> = {
  routing: 'Routing',
  sandbox: 'Sandbox',
  faults: 'Fault switches',
  'rate-limit': 'Rate limit',
  csrf: 'Origin check (CSRF)',
  authentication: 'Authentication',
  validation: 'Validation',
  authorization: 'Authorisation',
  negotiation: 'Content negotiation',
  conditional: 'Conditional request',
  store: 'Store',
  cache: 'Cache',
  job: 'Background job',
  serialization: 'Serialisation',
};

type PartState = 'pass' | 'refused' | 'skipped';

function partState(steps: readonly TraceStep[], stages: readonly TraceStage[], refusedAt: number): PartState {
  const mine = steps.map((step, index) => ({ step, index })).filter(({ step }) => stages.includes(step.stage));
  if (mine.some(({ step }) => step.outcome === 'refused')) return 'refused';
  // The answer is always written, a refusal included: the serialiser is never skipped.
  if (stages.includes('serialization') && mine.length > 0) return 'pass';
  if (mine.length === 0 || (refusedAt !== -1 && mine.every(({ index }) => index > refusedAt))) return 'skipped';
  return 'pass';
}

function ms(value: number): string {
  return value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`;
}

function Facts({ step }: { step: TraceStep }) {
  const facts = Object.entries(step.facts ?? {});
  return (
    <>
      {facts.length > 0 && (
        <table className="headers trace-facts">
          <tbody>
            {facts.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{value === null ? '—' : String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.changes && step.changes.length > 0 && (
        <table className="headers trace-changes" aria-label="What changed">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {step.changes.map((change) => (
              <tr key={change.field}>
                <th scope="row">{change.field}</th>
                <td>{change.before === null ? '—' : String(change.before)}</td>
                <td>{change.after === null ? '—' : String(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Where to read about a step: its status code or header in the Reference (a new tab keeps this exchange). */
function LearnLink({ learn }: { learn: NonNullable<TraceStep['learn']> }) {
  const href = learn.kind === 'status' ? `/reference#status-${learn.id}` : learn.kind === 'header' ? `/reference#header-${learn.id.toLowerCase()}` : `/lessons/${learn.id}/1`;
  const text = learn.kind === 'status' ? `${learn.id} in the Reference` : learn.kind === 'header' ? `${learn.id} in the Reference` : 'the lesson';
  return (
    <p className="muted">
      Read more:{' '}
      <a href={href} target="_blank" rel="noopener">
        {text}
      </a>
    </p>
  );
}

export function ServerTraceView({ trace }: { trace: RequestTrace }) {
  const refusedAt = trace.steps.findIndex((step) => step.outcome === 'refused');
  const refused = refusedAt === -1 ? undefined : trace.steps[refusedAt];
  return (
    <div className="server-trace">
      {refused && (
        <div className="trace-refusal" role="note" aria-label="Where the server said no">
          <p>
            <strong>Refused at {STAGE_NAMES[refused.stage].toLowerCase()}:</strong> {refused.title}
          </p>
          {refused.why && <p>{refused.why}</p>}
        </div>
      )}
      <ol className="trace-path" aria-label="The request's path through the server">
        {PARTS.map((part) => {
          const state = partState(trace.steps, part.stages, refusedAt);
          return (
            <li key={part.name} className={`trace-part trace-${state}`} aria-label={`${part.name}: ${state === 'pass' ? 'passed' : state === 'refused' ? 'refused the request' : 'not reached'}`}>
              {part.name}
            </li>
          );
        })}
        <li className={`trace-part trace-response status-${String(trace.status)[0]}xx`} aria-label={`Response: ${trace.status}`}>
          {trace.status}
        </li>
      </ol>
      <p className="muted">
        {trace.route ? (
          <>
            Route <code>{trace.route}</code> ·{' '}
          </>
        ) : null}
        {trace.steps.length} steps in {ms(trace.totalMs)} · the same phases are in the Server-Timing header.
        {trace.truncated ? ' More steps happened than a trace keeps.' : ''}
      </p>
      <ol className="trace-steps" aria-label="Steps on the server">
        {trace.steps.map((step, index) => (
          <li key={index} className={`trace-step trace-${step.outcome}`}>
            <details open={step.outcome === 'refused' || (step.changes?.length ?? 0) > 0}>
              <summary>
                <span className="trace-stage">{STAGE_NAMES[step.stage]}</span> {step.title}{' '}
                <span className="muted">
                  +{ms(step.atMs)}
                  {step.durationMs > 0 ? `, ${ms(step.durationMs)}` : ''}
                </span>
              </summary>
              {step.why && <p>{step.why}</p>}
              <Facts step={step} />
              {step.learn && <LearnLink learn={step.learn} />}
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}
