// Carries out a one-click fix from the diagnosis.
import { emptyDraft, row, type Draft } from '../composer/draft';
import { useDraftStore } from '../composer/draft-store';
import type { Fix } from './diagnose';
import { useHistoryStore } from '../history/history-store';
import { useExchangeStore } from './exchange-store';

/** Sends a request the page makes for the learner (a login, a reset) as its own exchange, kept in history. */
async function sendForLearner(draft: Draft): Promise<void> {
  const transcript = await useExchangeStore.getState().send(draft);
  if (transcript) useHistoryStore.getState().add(draft, transcript);
}

/** The demo account the 401 fix logs in with; its password is public (problem bodies and lessons quote it). */
export const DEMO_LOGIN = { username: 'ada', password: 'lovelace' } as const;

/** The demo login the 401 fix sends: the same request a learner could type. */
export function loginDraft(): Draft {
  return {
    ...emptyDraft(),
    method: 'POST',
    url: '/api/session',
    headers: [row('Content-Type', 'application/json')],
    bodyType: 'json',
    body: JSON.stringify(DEMO_LOGIN, null, 2),
  };
}

export function applyFix(fix: Fix): void {
  const draft = useDraftStore.getState();
  const exchange = useExchangeStore.getState();
  switch (fix.kind) {
    case 'set-header':
      draft.setHeader(fix.name, fix.value);
      return;
    case 'remove-header': {
      const target = draft.draft.headers.find((h) => h.name.toLowerCase() === fix.name.toLowerCase());
      if (target) draft.removeRow('headers', target.id);
      return;
    }
    case 'set-method':
      draft.setMethod(fix.method);
      return;
    case 'follow-redirects':
      exchange.setOption('followRedirects', true);
      return;
    case 'login':
      // Sends the login as its own exchange (so the learner sees the Set-Cookie), keeping their draft.
      void sendForLearner(loginDraft());
      return;
    case 'reset-sandbox':
      void sendForLearner({ ...emptyDraft(), method: 'POST', url: '/api/sandbox/reset', headers: [] });
      return;
  }
}
