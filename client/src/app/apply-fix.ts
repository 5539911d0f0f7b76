// Carries out a one-click fix from the diagnosis: an edit to the draft, a send option, or a request the
// page sends for the learner (a login, a reset) as its own exchange, kept in history, leaving their draft.
import type { Fix } from '../lib/diagnose';
import { loginDraft, resetSandboxDraft } from '../lib/request-draft';
import { useDraftStore } from '../stores/draft-store';
import { useSendOptionsStore } from '../stores/send-options-store';
import { sendRequest } from './send-request';

export function applyFix(fix: Fix): void {
  const draft = useDraftStore.getState();
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
      useSendOptionsStore.getState().setOption('followRedirects', true);
      return;
    case 'login':
      // Sent as its own exchange, so the learner sees the Set-Cookie.
      void sendRequest(loginDraft());
      return;
    case 'reset-sandbox':
      void sendRequest(resetSandboxDraft());
      return;
  }
}
