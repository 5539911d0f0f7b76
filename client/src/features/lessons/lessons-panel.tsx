// The lesson player: a list with progress, and the current step beside the composer. Every exchange the
// learner sends is checked against the step's goal; a miss shows a hint, success the explanation.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { requestDraft } from '../../lib/request-draft';
import type { OnSent } from '../../lib/sent-exchange';
import { useDraftStore } from '../../stores/draft-store';
import { useSendOptionsStore } from '../../stores/send-options-store';
import { SEND_LIMITS } from '../../../../server/protocol/send-limits';
import { usePresenterStore } from '../../stores/presenter-store';
import { LessonMarkdown } from './lesson-markdown';
import { lessonPath, useLessonStore } from './lesson-store';

/** /lessons/<id>/<step> → { id, step (0-based) } */
export function lessonFromLocation(): { id: string; step?: number } | undefined {
  const match = /^\/lessons\/([a-z0-9-]+)(?:\/(\d+))?\/?$/.exec(window.location.pathname);
  return match ? { id: match[1]!, step: match[2] ? Number(match[2]) - 1 : undefined } : undefined;
}

function LessonList() {
  const list = useLessonStore(useShallow((s) => s.list));
  const progress = useLessonStore((s) => s.progress);
  const open = useLessonStore((s) => s.open);
  return (
    <ol className="lesson-list" aria-label="Lessons">
      {list.map((lesson) => {
        const done = progress[lesson.id]?.done.length ?? 0;
        return (
          <li key={lesson.id}>
            <a
              href={lessonPath(lesson.id, progress[lesson.id]?.step ?? 0)}
              onClick={(event) => {
                event.preventDefault();
                void open(lesson.id);
              }}
            >
              {lesson.title}
            </a>{' '}
            <span className="muted">
              {done}/{lesson.steps} steps{done === lesson.steps ? ' ✓' : ''}
            </span>
            <br />
            <span className="muted">{lesson.summary}</span>
          </li>
        );
      })}
    </ol>
  );
}

function StepPanel() {
  const openId = useLessonStore((s) => s.openId);
  const lesson = useLessonStore((s) => (s.openId ? s.lessons[s.openId] : undefined));
  const progress = useLessonStore((s) => (s.openId ? s.progress[s.openId] : undefined));
  const attempt = useLessonStore((s) => s.attempt);
  const goTo = useLessonStore((s) => s.goTo);
  const close = useLessonStore((s) => s.close);
  const moreHint = useLessonStore((s) => s.moreHint);
  const loadDraft = useDraftStore((s) => s.load);
  const setOption = useSendOptionsStore((s) => s.setOption);
  if (!openId || !lesson || !progress) return null;
  const at = progress.step;
  const step = lesson.steps[at]!;
  const fill = () => {
    if (!step.request) return;
    loadDraft(requestDraft(step.request));
    // The step's request includes whether redirects are followed (a 308 step needs them off) and how long
    // to wait (a timeout step needs a short one; every other step the default).
    setOption('followRedirects', step.request.followRedirects === true);
    setOption('timeoutMs', step.request.timeoutMs ?? SEND_LIMITS.defaultTimeoutMs);
  };
  return (
    <div className="lesson-step">
      <p className="muted">
        <button type="button" className="link-button" onClick={close}>
          All lessons
        </button>{' '}
        › {lesson.title}
      </p>
      <h2>
        Step {at + 1} of {lesson.steps.length}: {step.title}
        {progress.done.includes(at) ? ' ✓' : ''}
      </h2>
      {at === 0 && (
        <div className="lesson-intro">
          <LessonMarkdown>{lesson.intro.replace(/^# .*\n+/, '')}</LessonMarkdown>
        </div>
      )}
      <LessonMarkdown>{step.text}</LessonMarkdown>
      {step.request && (
        <button type="button" className="secondary" onClick={fill}>
          Fill in the request
        </button>
      )}
      {attempt.passed ? (
        <div className="lesson-success" role="status">
          <p>
            <strong>Well done.</strong>
          </p>
          <LessonMarkdown>{step.explanation}</LessonMarkdown>
          {at + 1 < lesson.steps.length ? (
            <button type="button" onClick={() => goTo(at + 1)}>
              Next step
            </button>
          ) : (
            <p>You finished this lesson.</p>
          )}
        </div>
      ) : (
        attempt.history.length > 0 && (
          <div className="lesson-hint" role="status">
            <p>Not yet: {attempt.failures[0]}.</p>
            {attempt.conditionHint && (
              <p>
                <span className="label">For this mistake:</span> <LessonMarkdown inline>{attempt.conditionHint}</LessonMarkdown>
              </p>
            )}
            {step.hints
              .filter((hint) => hint !== attempt.conditionHint)
              .slice(0, attempt.conditionHint ? attempt.hintsShown - 1 : attempt.hintsShown)
              .map((hint, i) => (
                <p key={i}>
                  <span className="label">Hint {i + 1}:</span> <LessonMarkdown inline>{hint}</LessonMarkdown>
                </p>
              ))}
            {attempt.hintsShown - (attempt.conditionHint ? 1 : 0) < step.hints.filter((hint) => hint !== attempt.conditionHint).length && (
              <button type="button" className="secondary" onClick={moreHint}>
                Another hint
              </button>
            )}
          </div>
        )
      )}
      <div className="lesson-nav">
        <button type="button" className="secondary" disabled={at === 0} onClick={() => goTo(at - 1)}>
          Previous step
        </button>
        <button type="button" className="secondary" disabled={at + 1 >= lesson.steps.length} onClick={() => goTo(at + 1)}>
          Skip to the next step
        </button>
      </div>
    </div>
  );
}

/** Keeps the address bar on /lessons/<id>/<step>, checks each new exchange, and answers the presenter's n key. */
function useLessonSync(onSent: OnSent) {
  const openId = useLessonStore((s) => s.openId);
  const step = useLessonStore((s) => (s.openId ? s.progress[s.openId]?.step : undefined));
  const presenting = usePresenterStore((s) => s.presenting);
  useEffect(() => {
    const path = openId && step !== undefined ? lessonPath(openId, step) : '/lessons';
    if (window.location.pathname !== path) history.replaceState(null, '', path + window.location.search);
  }, [openId, step]);
  // Every hop of the send, so a goal can look at the redirects before the final answer (earlier).
  useEffect(() => onSent(({ transcript }) => useLessonStore.getState().record(transcript.exchanges)), [onSent]);
  useEffect(() => {
    if (!presenting) return;
    const onKey = (event: KeyboardEvent) => {
      if ((event.target as HTMLElement).closest('input, textarea, select') || event.key !== 'n') return;
      const s = useLessonStore.getState();
      if (s.openId) s.goTo((s.progress[s.openId]?.step ?? 0) + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presenting]);
}

/** The lessons beside the composer; `onSent` (from the app level) brings each send to the step's goal check. */
export default function LessonsPanel({ onSent }: { onSent: OnSent }) {
  const openId = useLessonStore((s) => s.openId);
  const error = useLessonStore((s) => s.error);
  const loadList = useLessonStore((s) => s.loadList);
  const open = useLessonStore((s) => s.open);
  // Read the deep link during the first render, before the address-bar sync rewrites it.
  const [target] = useState(lessonFromLocation);
  useLessonSync(onSent);
  useEffect(() => {
    void loadList();
    if (target) void open(target.id, target.step);
  }, [loadList, open, target]);
  return (
    <section className="lessons" aria-label="Lessons">
      {error && (
        <p role="alert" className="banner-error">
          {error}
        </p>
      )}
      {openId ? <StepPanel /> : <LessonList />}
    </section>
  );
}
