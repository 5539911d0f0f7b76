import { Composer } from './features/composer/composer';
import { ResponseView } from './features/response/response-view';

export function App() {
  return (
    <>
      <header className="app-header">
        <h1>HTTP Sandbox</h1>
        <p className="muted">Send real HTTP requests and read the real responses.</p>
      </header>
      <main className="workspace">
        <Composer />
        <ResponseView />
      </main>
    </>
  );
}
