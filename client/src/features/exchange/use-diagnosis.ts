import { useMemo } from 'react';
import { diagnose, type Diagnosis } from './diagnose';
import { useExchangeStore } from './exchange-store';

/** The diagnosis of the latest exchange (recomputed only when the transcript changes). */
export function useDiagnosis(): Diagnosis | undefined {
  const transcript = useExchangeStore((s) => s.transcript);
  return useMemo(() => {
    const last = transcript?.exchanges.at(-1);
    return last ? diagnose(last) : undefined;
  }, [transcript]);
}
