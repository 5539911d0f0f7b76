// The app level: it composes the features. Each feature gets what it needs from another as a prop (the
// one send use-case, its `onSent` subscription, a one-click fix, a lesson to open), so features never
// import each other (tests/structure/client-imports.test.ts keeps it so).
import { lazy, Suspense, useEffect, useState } from 'react';
import type { SandboxInfo } from '../../../server/protocol/api-types';
import { apiFetch } from '../lib/api-client';
import { Composer } from '../features/composer/composer';
import { useUrlSuggestions } from '../features/composer/url-suggestions';
import { DataView } from '../features/data/data-view';
import { useDataStore } from '../features/data/data-store';
import { ResponsePanel } from '../features/exchange/response-panel';
import { useResponseViewStore } from '../features/exchange/view-store';
import { HistoryPanel } from '../features/history/history-panel';
import { CopyLinkButton, useSharedDraftFromLocation } from '../features/share/share-controls';
import { useCookieJarStore, useSandboxId } from '../stores/cookie-jar-store';
import { usePresenterStore } from '../stores/presenter-store';
import { useReferenceStore } from '../stores/reference-store';
import { applyFix } from './apply-fix';
import { onSent, sendRequest } from './send-request';

const ClassroomPanel = lazy(() => import('../features/classroom/classroom-panel'));
const LessonsPanel = lazy(() => import('../features/lessons/lessons-panel'));
const ReferenceView = lazy(() => import('../features/reference/reference-view'));
const InboxView = lazy(() => import('../features/classroom/inbox-view'));

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

/** The open lesson's step, for a student who shares it with the room (the lessons code loads on demand). */
const openLessonProgress = () => import('../features/lessons/lesson-store').then((lessons) => lessons.openLessonProgress());

/** A student's shared data on the instructor's screen. */
const showData = (shown: { sandbox: string; label: string }) => useDataStore.getState().show(shown);

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
  const adoptSandbox = useCookieJarStore((s) => s.adoptSandbox);
  // The sandbox the composer's requests use (its jar's cookie): the data view shows it.
  const sandbox = useSandboxId(window.location.origin);
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
    void import('../features/lessons/lesson-store').then(({ useLessonStore }) => useLessonStore.getState().open(id));
  };

  useEffect(() => {
    // The page's own sandbox cookie is HttpOnly; ask the server which sandbox it names, so the
    // composer's requests (sent by the server) work in the learner's own data too.
    // (Without one yet — e.g. under the dev server — ask for a private sandbox.)
    apiFetch<SandboxInfo>('/api/sandbox')
      .then((info) => (info.shared ? apiFetch<SandboxInfo>('/api/sandbox', { method: 'POST' }) : info))
      .then((info) => adoptSandbox(info.id, window.location.origin), () => undefined);
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
          <ClassroomPanel onSent={onSent} lessonProgress={openLessonProgress} showData={showData} />
        </Suspense>
      )}
      {lessons && (
        <Suspense fallback={<p className="muted lessons">Loading the lessons…</p>}>
          <LessonsPanel onSent={onSent} />
        </Suspense>
      )}
      {reference && (
        <Suspense fallback={<p className="muted reference">Loading the reference…</p>}>
          <ReferenceView />
        </Suspense>
      )}
      <main className="workspace">
        <div className="left">
          <Composer urlList="url-suggestions" send={sendRequest} onFix={applyFix} />
          <HistoryPanel send={sendRequest} />
          <DataView sandbox={sandbox} onSent={onSent} onReset={() => applyFix({ kind: 'reset-sandbox' })} />
        </div>
        <ResponsePanel onSent={onSent} onFix={applyFix} onOpenLesson={openLesson} />
      </main>
      <datalist id="url-suggestions">
        {urls.map((url) => (
          <option key={url} value={url} />
        ))}
      </datalist>
    </>
  );
}
