// The Server-Timing header (W3C Server Timing, §3) of a traced request: one metric per stage that took
// part, with its total duration and a description, so the wire view and the browser's dev tools show the
// same phases as the X-ray.
import { STAGE_ORDER } from './tracer';
import type { TraceStep } from './trace-types';

/** A description as a quoted-string (RFC 9110 §5.6.4) of visible ASCII (a header value is bytes, and
 *  a title may say "running → done"): quotes and backslashes escaped. */
function quoted(text: string): string {
  const ascii = text
    .replace(/→/g, '->')
    .replace(/[’‘]/g, "'")
    .replace(/[^\x20-\x7e]/g, '?');
  return `"${ascii.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function serverTiming(steps: readonly TraceStep[], totalMs: number): string {
  const byStage = new Map<string, { ms: number; title: string }>();
  for (const step of steps) {
    const seen = byStage.get(step.stage);
    if (seen) seen.ms += step.durationMs;
    else byStage.set(step.stage, { ms: step.durationMs, title: step.title });
  }
  const metrics = STAGE_ORDER.filter((stage) => byStage.has(stage)).map((stage) => {
    const { ms, title } = byStage.get(stage)!;
    return `${stage};dur=${ms.toFixed(3)};desc=${quoted(title.slice(0, 80))}`;
  });
  metrics.push(`total;dur=${totalMs.toFixed(3)}`);
  return metrics.join(', ');
}
