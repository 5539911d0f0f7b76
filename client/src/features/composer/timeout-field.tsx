// The send's timeout, in seconds: how long the sandbox's client waits for the whole exchange before it
// gives up. HTTP itself sets no such limit (RFC 9112 §9.5); when to stop waiting is the client's choice.
import { useEffect, useId, useState } from 'react';
import { SEND_LIMITS } from '../../../../server/protocol/send-limits';
import { useSendOptionsStore } from '../../stores/send-options-store';

const MIN_S = SEND_LIMITS.minTimeoutMs / 1000;
const MAX_S = SEND_LIMITS.maxTimeoutMs / 1000;

/** 10000 → "10", 1500 → "1.5". */
export function secondsText(ms: number): string {
  return String(ms / 1000);
}

/** The ms a typed number of seconds means, or undefined when it is not a number within the limits. */
export function timeoutFromText(text: string): number | undefined {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d*\.?\d+$|^\d+\.$/.test(trimmed)) return undefined;
  const ms = Math.round(Number(trimmed) * 1000);
  return ms >= SEND_LIMITS.minTimeoutMs && ms <= SEND_LIMITS.maxTimeoutMs ? ms : undefined;
}

export function TimeoutField() {
  const timeoutMs = useSendOptionsStore((s) => s.options.timeoutMs);
  const setOption = useSendOptionsStore((s) => s.setOption);
  const [text, setText] = useState(() => secondsText(timeoutMs));
  const id = useId();
  const helpId = useId();
  const valid = timeoutFromText(text) !== undefined;

  // A lesson's "Fill in the request" may set the timeout: show it unless the text already says so.
  useEffect(() => {
    if (timeoutFromText(text) !== timeoutMs) setText(secondsText(timeoutMs));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [timeoutMs]);

  return (
    <span className="timeout-field">
      <label htmlFor={id}>Timeout</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={MIN_S}
        max={MAX_S}
        step={0.1}
        value={text}
        aria-invalid={valid ? undefined : true}
        aria-describedby={helpId}
        onChange={(event) => {
          setText(event.target.value);
          const ms = timeoutFromText(event.target.value);
          if (ms !== undefined) setOption('timeoutMs', ms);
        }}
        onBlur={() => {
          if (valid) return;
          // A number out of range becomes the nearest limit; anything else gives back the timeout in use.
          const seconds = Number(text.trim().replace(',', '.'));
          if (text.trim() !== '' && Number.isFinite(seconds)) {
            const ms = Math.min(SEND_LIMITS.maxTimeoutMs, Math.max(SEND_LIMITS.minTimeoutMs, Math.round(seconds * 1000)));
            setOption('timeoutMs', ms);
            setText(secondsText(ms));
          } else {
            setText(secondsText(timeoutMs));
          }
        }}
      />
      <span id={helpId} className={valid ? undefined : 'timeout-error'} aria-live="polite">
        {valid ? 'seconds' : `seconds: give ${MIN_S} to ${MAX_S} (sends wait ${secondsText(timeoutMs)} s until you do)`}
      </span>
    </span>
  );
}
