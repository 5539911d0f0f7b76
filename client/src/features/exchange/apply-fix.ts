// Carries out a one-click fix from the diagnosis.
import { emptyDraft, row, type Draft } from '../composer/draft';
import { useDraftStore } from '../composer/draft-store';
import type { Fix } from './diagnose';
import { useExchangeStore } from './exchange-store';

/** The demo login the 401 fix sends: the same request a learner could type. */
export function loginDraft(): Draft {
  return {
    ...emptyDraft(),
    method: 'POST',
    url: '/api/session',
    headers: [row('Content-Type', 'application/json')],
    bodyType: 'json',
    body: JSON.stringify({ username: 'ada', password: 'lovelace' }, null, 2),
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
      void exchange.send(loginDraft());
      return;
    case 'reset-sandbox':
      void exchange.send({ ...emptyDraft(), method: 'POST', url: '/api/sandbox/reset', headers: [] });
      return;
  }
}
