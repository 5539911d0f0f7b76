// The one way the page sends a request, whoever asks (the composer's Send, history's "Send again", a
// one-click fix): build it from the draft (variables filled in, the jar's cookies added), post it to
// /app/send, keep the cookies it set and the variables it captured, show it, record it in history, and
// tell every feature listening (lessons, the classroom, the data view).
import type { Transcript } from '../../../server/protocol/api-types';
import { ApiError, postJson } from '../lib/api-client';
import type { Draft } from '../lib/draft';
import { requestToSend } from '../lib/request-to-send';
import type { OnSent, SentExchange } from '../lib/sent-exchange';
import { capturedFrom } from '../lib/variables';
import { useCookieJarStore } from '../stores/cookie-jar-store';
import { useExchangeStore } from '../stores/exchange-store';
import { usableTimeout, useSendOptionsStore } from '../stores/send-options-store';
import { useHistoryStore } from '../features/history/history-store';
import { useVariablesStore } from '../features/composer/variables-store';

const SEND_ENDPOINT = '/app/send';

const listeners = new Set<(sent: SentExchange) => void>();

export const onSent: OnSent = (listener) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

export async function sendRequest(draft: Draft): Promise<Transcript | null> {
  const { options } = useSendOptionsStore.getState();
  const variables = useVariablesStore.getState().values;
  const jar = useCookieJarStore.getState().cookies;
  const { outgoing, addedByPage } = requestToSend(draft, { jar, useCookies: options.useCookies, origin: window.location.origin, variables });
  useExchangeStore.getState().sending();
  let transcript: Transcript;
  try {
    transcript = await postJson<Transcript>(SEND_ENDPOINT, {
      ...outgoing,
      addedByPage,
      // The server X-ray of toy-API requests (the server adds X-Sandbox-Trace: 1, shown as added by the page).
      options: { followRedirects: options.followRedirects, timeoutMs: usableTimeout(options.timeoutMs), trace: true },
    });
  } catch (error) {
    useExchangeStore.getState().failed(
      error instanceof ApiError && error.problem
        ? error.problem
        : { type: 'about:blank', title: 'Send failed', status: 0, detail: error instanceof Error ? error.message : String(error) },
    );
    return null;
  }
  useCookieJarStore.getState().keepFrom(transcript);
  useVariablesStore.getState().capture(capturedFrom(transcript));
  useExchangeStore.getState().received(transcript);
  useHistoryStore.getState().add(draft, transcript);
  for (const listener of [...listeners]) listener({ draft, transcript });
  return transcript;
}
