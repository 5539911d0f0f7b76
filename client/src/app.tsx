import { lazy, Suspense, useEffect, useState } from 'react';
import type { SandboxInfo } from '../../server/protocol/api-types';
import { apiFetch } from './lib/api-client';
import { Composer } from './features/composer/composer';
import { useUrlSuggestions } from './features/composer/url-suggestions';
import { useExchangeStore } from './features/exchange/exchange-store';
import { ResponsePanel } from './features/exchange/response-panel';
import { useResponseViewStore } from './features/exchange/view-store';
import { HistoryPanel } from './features/history/history-panel';
import { DataView } from './features/data/data-view';
import { applyFix } from './features/exchange/apply-fix';
import { usePresenterStore } from './features/presenter/presenter-store';
import { useReferenceStore } from './features/reference/reference-store';
import { CopyLinkButton, useSharedDraftFromLocation } from './features/share/share-controls';

const ClassroomPanel = lazy(() => import('./features/classroom/classroom-panel'));
const LessonsPanel = lazy(() => import('./features/lessons/lessons-panel'));
const ReferenceView = lazy(() => import('./features/reference/reference-view'));
const InboxView = lazy(() => import('./features/classroom/inbox-view'));

/** The inbox a /inbox-view/<id> page shows. */
const inboxOnPage = /^\/inbox-view\/([a-z0-9]{1,40})\/?$/.exec(window.location.pathname)?.[1];

/** Whether this tab is in a room, without loading the classroom code (its store persists here). */
function inRoomAlready(): boolean {
  try {
    return Boolean(JSON.parse(window.localStorage.getItem('http-sandbox:room') ?? 'null')?.state?.membership);
  } catch {
    return false;
  }
}

/** Presenter keys (when not typing in a field): w toggles the wire view, p leaves presenter mode. */
function usePresenterKeys(presenting: boolean) {
  const setPresenting = usePresenterStore((s) => s.setPresenting);
  useEffect(() => {
    if (!presenting) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'w') {
        const { view, setView } = useResponseViewStore.getState();
        setView(view === 'wire' ? 'body' : 'wire');
      } else if (event.key === 'p') {
        setPresenting(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presenting, setPresenting]);
}

export function App() {
  const adoptSandbox = useExchangeStore((s) => s.adoptSandbox);
  // The sandbox the composer's requests use (its jar's cookie), and a tick after each exchange: the data view follows both.
  const sandbox = useExchangeStore((s) => s.jar.find((c) => c.name === 'sandbox' && c.origin === window.location.origin)?.value ?? null);
  const sentCount = useExchangeStore((s) => s.sentCount);
  const loadReference = useReferenceStore((s) => s.load);
  const presenting = usePresenterStore((s) => s.presenting);
  const setPresenting = usePresenterStore((s) => s.setPresenting);
  const urls = useUrlSuggestions();
  const shareError = useSharedDraftFromLocation();
  const [classroom, setClassroom] = useState(() => window.location.pathname.startsWith('/room/') || inRoomAlready());
  const [lessons, setLessons] = useState(() => window.location.pathname.startsWith('/lessons'));
  const [reference, setReference] = useState(() => window.location.pathname.startsWith('/reference'));
  usePresenterKeys(presenting);
  // "Lesson: …" under a status opens the lesson beside the exchange, without reloading the page.
  const openLesson = (id: string) => {
    setLessons(true);
    void import('./features/lessons/lesson-store').then(({ useLessonStore }) => useLessonStore.getState().open(id));
  };

  useEffect(() => {
    // The page's own sandbox cookie is HttpOnly; ask the server which sandbox it names, so the
    // composer's requests (sent by the server) work in the learner's own data too.
    // (Without one yet — e.g. under the dev server — ask for a private sandbox.)
    apiFetch<SandboxInfo>('/api/sandbox')
      .then((info) => (info.shared ? apiFetch<SandboxInfo>('/api/sandbox', { method: 'POST' }) : info))
      .then((info) => adoptSandbox(info.id), () => undefined);
    void loadReference();
  }, [adoptSandbox, loadReference]);

  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenting);
  }, [presenting]);

  return (
    <>
      <header className="app-header">
        <div className="brand">
          <h1>HTTP Sandbox</h1>
          <p className="muted tagline">Send real HTTP requests and read the real responses.</p>
        </div>
        <nav aria-label="Main" className="toolbar">
          <CopyLinkButton />
          <button type="button" className="secondary" aria-pressed={lessons} onClick={() => setLessons(!lessons)}>
            Lessons
          </button>
          <button type="button" className="secondary" aria-pressed={reference} onClick={() => setReference(!reference)}>
            Reference
          </button>
          <button type="button" className="secondary" aria-pressed={classroom} onClick={() => setClassroom(!classroom)}>
            Classroom
          </button>
          <button type="button" className="secondary" aria-pressed={presenting} onClick={() => setPresenting(!presenting)}>
            {presenting ? 'Leave presenter view' : 'Presenter view'}
          </button>
        </nav>
      </header>
      {shareError && (
        <p role="alert" className="banner-error">
          {shareError}
        </p>
      )}
      {inboxOnPage && (
        <Suspense fallback={<p className="muted classroom">Loading the inbox…</p>}>
          <InboxView id={inboxOnPage} />
        </Suspense>
      )}
      {classroom && (
        <Suspense fallback={<p className="muted classroom">Loading the classroom…</p>}>
          <ClassroomPanel />
        </Suspense>
      )}
      {lessons && (
        <Suspense fallback={<p className="muted lessons">Loading the lessons…</p>}>
          <LessonsPanel />
        </Suspense>
      )}
      {reference && (
        <Suspense fallback={<p className="muted reference">Loading the reference…</p>}>
          <ReferenceView />
        </Suspense>
      )}
      <main className="workspace">
        <div className="left">
          <Composer urlList="url-suggestions" />
          <HistoryPanel />
          <DataView sandbox={sandbox} sentCount={sentCount} onReset={() => applyFix({ kind: 'reset-sandbox' })} />
        </div>
        <ResponsePanel onOpenLesson={openLesson} />
      </main>
      <datalist id="url-suggestions">
        {urls.map((url) => (
          <option key={url} value={url} />
        ))}
      </datalist>
    </>
  );
}
