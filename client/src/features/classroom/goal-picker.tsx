// What a "try this" push asks of students, so the roster can show who got there: nothing, a status code,
// or the goal of a lesson step (written and checked by the lesson's author, so shortcuts do not count).
import { useEffect, useId, useState } from 'react';
import type { Goal } from '../../../../server/protocol/lesson-goals';
import type { Lesson, LessonSummary } from '../../../../server/protocol/lesson-format';
import { apiFetch } from '../../lib/api-client';

export interface ChosenGoal {
  goal: Goal;
  description: string;
}

type Kind = 'none' | 'status' | 'lesson';

export function GoalPicker({ onChange }: { onChange: (goal: ChosenGoal | undefined) => void }) {
  const [kind, setKind] = useState<Kind>('none');
  const [status, setStatus] = useState('304');
  const [lessons, setLessons] = useState<LessonSummary[]>([]);
  const [lessonId, setLessonId] = useState('');
  const [lesson, setLesson] = useState<Lesson>();
  const [step, setStep] = useState(0);
  const [error, setError] = useState<string>();
  const ids = { kind: useId(), status: useId(), lesson: useId(), step: useId() };

  useEffect(() => {
    if (kind !== 'lesson' || lessons.length > 0) return;
    apiFetch<LessonSummary[]>('/app/lessons').then(setLessons, (e: Error) => setError(e.message));
  }, [kind, lessons.length]);

  useEffect(() => {
    if (!lessonId) return;
    apiFetch<Lesson>(`/app/lessons/${encodeURIComponent(lessonId)}`).then(
      (loaded) => {
        setLesson(loaded);
        setStep(0);
      },
      (e: Error) => setError(e.message),
    );
  }, [lessonId]);

  useEffect(() => {
    if (kind === 'status') {
      const code = Number(status);
      onChange(Number.isInteger(code) && code >= 100 && code <= 599 ? { goal: { status: code }, description: `any request answered ${code}` } : undefined);
    } else if (kind === 'lesson' && lesson?.steps[step]) {
      onChange({ goal: lesson.steps[step].goal, description: `${lesson.title}: ${lesson.steps[step].title}` });
    } else {
      onChange(undefined);
    }
  }, [kind, status, lesson, step, onChange]);

  return (
    <div className="goal-picker">
      <label htmlFor={ids.kind}>Goal for the roster</label>
      <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        <option value="none">No goal</option>
        <option value="status">The answer has a status code</option>
        <option value="lesson">A lesson step's goal</option>
      </select>
      {kind === 'status' && (
        <>
          <label htmlFor={ids.status}>Status code</label>
          <input id={ids.status} inputMode="numeric" value={status} maxLength={3} size={4} onChange={(e) => setStatus(e.target.value.replace(/\D/g, ''))} />
        </>
      )}
      {kind === 'lesson' && (
        <>
          <label htmlFor={ids.lesson}>Lesson</label>
          <select id={ids.lesson} value={lessonId} onChange={(e) => setLessonId(e.target.value)}>
            <option value="">Choose a lesson…</option>
            {lessons.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title}
              </option>
            ))}
          </select>
          {lesson && lesson.id === lessonId && (
            <>
              <label htmlFor={ids.step}>Step</label>
              <select id={ids.step} value={step} onChange={(e) => setStep(Number(e.target.value))}>
                {lesson.steps.map((s, index) => (
                  <option key={index} value={index}>
                    {index + 1}. {s.title}
                  </option>
                ))}
              </select>
            </>
          )}
        </>
      )}
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
