// The latest exchange on screen: the transcript the server returned for the last send (or the one
// picked from history or the classroom feed), or the problem that stopped the send. Sending itself is
// the app level's job (client/src/app/send-request.ts); this store only holds what the learner sees.
import { useMemo } from 'react';
import { create } from 'zustand';
import type { ProblemDetails, Transcript } from '../../../server/protocol/api-types';
import { diagnose, type Diagnosis } from '../lib/diagnose';

export interface ExchangeStore {
  phase: 'idle' | 'sending' | 'done' | 'failed';
  transcript: Transcript | null;
  problem: ProblemDetails | null;
  /** A send has started: the last answer stays on screen, marked busy. */
  sending: () => void;
  /** A send came back (whatever its status). */
  received: (transcript: Transcript) => void;
  /** The send endpoint refused or could not be reached. */
  failed: (problem: ProblemDetails) => void;
  /** Shows an earlier exchange again (from history, or the instructor's feed). */
  show: (transcript: Transcript) => void;
}

export const useExchangeStore = create<ExchangeStore>()((set) => ({
  phase: 'idle',
  transcript: null,
  problem: null,
  sending: () => set({ phase: 'sending', problem: null }),
  received: (transcript) => set({ phase: 'done', transcript, problem: null }),
  failed: (problem) => set({ phase: 'failed', problem, transcript: null }),
  show: (transcript) => set({ phase: 'done', transcript, problem: null }),
}));

/** The diagnosis of the latest exchange (recomputed only when the transcript changes). */
export function useDiagnosis(): Diagnosis | undefined {
  const transcript = useExchangeStore((s) => s.transcript);
  return useMemo(() => {
    const last = transcript?.exchanges.at(-1);
    return last ? diagnose(last) : undefined;
  }, [transcript]);
}
