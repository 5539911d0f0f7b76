import { useEffect } from 'react';
import { apiFetch } from './lib/api-client';
import type { SandboxInfo } from '../../server/protocol';
import { Composer } from './features/composer/composer';
import { useExchangeStore } from './features/exchange/exchange-store';
import { ResponsePanel } from './features/exchange/response-panel';
import { HistoryPanel } from './features/history/history-panel';
import { useUrlSuggestions } from './features/composer/url-suggestions';
import { useReferenceStore } from './features/reference/reference-store';

export function App() {
  const adoptSandbox = useExchangeStore((s) => s.adoptSandbox);
  const loadReference = useReferenceStore((s) => s.load);
  const urls = useUrlSuggestions();
  useEffect(() => {
    // The page's own sandbox cookie is HttpOnly; ask the server which sandbox it names, so the
    // composer's requests (sent by the server) work in the learner's own data too.
    apiFetch<SandboxInfo>('/api/sandbox').then((info) => {
      if (!info.shared) adoptSandbox(info.id);
    }, () => undefined);
    void loadReference();
  }, [adoptSandbox, loadReference]);

  return (
    <>
      <header className="app-header">
        <h1>HTTP Sandbox</h1>
        <p className="muted">Send real HTTP requests and read the real responses.</p>
      </header>
      <main className="workspace">
        <div className="left">
          <Composer urlList="url-suggestions" />
          <HistoryPanel />
        </div>
        <ResponsePanel />
      </main>
      <datalist id="url-suggestions">
        {urls.map((url) => (
          <option key={url} value={url} />
        ))}
      </datalist>
    </>
  );
}
