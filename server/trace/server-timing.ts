// The Server-Timing header (W3C Server Timing, §3) of a traced request: one metric per stage that took
// part, with its total duration and a description, so the wire view and the browser's dev tools show the
// same phases as the X-ray.
import { STAGE_ORDER } from './tracer';
import type { TraceStep } from '../protocol/trace-types';

/** A description as a quoted-string (RFC 9110 §5.6.4) of visible ASCII (a header value is bytes, and
 *  a title may say "running → done"): quotes and backslashes escaped. */
function quoted(text: string): string {
  const ascii = text
    .replace(/→/g, '->')
    .replace(/[’‘]/g, "'")
    .replace(/[^\x20-\x7e]/g, '?');
  return `"${ascii.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * A step's share of the time is from when it began until the next step began (the last one: until the
 * answer), so the phases add up to the whole request: what happened between two recorded points counts
 * for the earlier one.
 */
const WEIGHT: Record<TraceStep['outcome'], number> = { info: 0, pass: 1, refused: 2 };

export function serverTiming(steps: readonly TraceStep[], totalMs: number): string {
  const byStage = new Map<string, { ms: number; title: string; weight: number }>();
  steps.forEach((step, index) => {
    const until = index + 1 < steps.length ? steps[index + 1]!.atMs : totalMs;
    const ms = Math.max(step.durationMs, until - step.atMs);
    // The description is the step that says most about the stage: a refusal, else a decision (a write
    // rather than the reads around it), else the latest note.
    const weight = WEIGHT[step.outcome];
    const seen = byStage.get(step.stage);
    if (!seen) byStage.set(step.stage, { ms, title: step.title, weight });
    else {
      seen.ms += ms;
      if (weight >= seen.weight) Object.assign(seen, { title: step.title, weight });
    }
  });
  const metrics = STAGE_ORDER.filter((stage) => byStage.has(stage)).map((stage) => {
    const { ms, title } = byStage.get(stage)!;
    return `${stage};dur=${ms.toFixed(3)};desc=${quoted(title.slice(0, 80))}`;
  });
  metrics.push(`total;dur=${totalMs.toFixed(3)}`);
  return metrics.join(', ');
}
