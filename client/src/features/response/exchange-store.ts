// The latest exchange: idle, sending, a response, or an error that stopped the request.
import { create } from 'zustand';
import { sendRequest, type ComposedRequest, type ReceivedResponse } from '../../lib/send-request';

export interface ExchangeState {
  phase: 'idle' | 'sending' | 'done' | 'failed';
  response: ReceivedResponse | null;
  error: string | null;
  send: (request: ComposedRequest) => Promise<void>;
}

export const useExchangeStore = create<ExchangeState>()((set) => ({
  phase: 'idle',
  response: null,
  error: null,
  send: async (request) => {
    set({ phase: 'sending', error: null });
    try {
      const response = await sendRequest(request);
      set({ phase: 'done', response });
    } catch (error) {
      set({ phase: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  },
}));
