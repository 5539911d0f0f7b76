// Lesson progress (kept in the browser across reloads) and the attempt at the current step: the
// exchanges sent since the step began, hints shown, and whether the goal holds.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Exchange } from '../../../../server/protocol/api-types';
import type { Lesson, LessonSummary } from '../../../../server/protocol/lesson-format';
import { checkGoal } from '../../../../server/protocol/lesson-goals';
import { apiFetch } from '../../lib/api-client';

export interface LessonProgress {
  /** Current step, 0-based. */
  step: number;
  /** Steps completed, 0-based indexes. */
  done: number[];
}

export interface Attempt {
  history: Exchange[];
  /** The exchanges sent before this step began (the previous step's), for goals that refer to their Location or ETag. */
  before: Exchange[];
  hintsShown: number;
  passed: boolean;
  /** Why the last attempt missed the goal. */
  failures: string[];
  /** The hint the lesson gave for the condition that failed first, shown before the step's general hints. */
  conditionHint?: string;
}

export interface LessonStore {
  list: LessonSummary[];
  lessons: Record<string, Lesson>;
  openId: string | null;
  progress: Record<string, LessonProgress>;
  attempt: Attempt;
  /** The latest exchanges sent from this page, in a lesson or not (not kept across reloads). */
  recent: Exchange[];
  error: string | null;
  loadList: () => Promise<void>;
  open: (id: string, step?: number) => Promise<void>;
  close: () => void;
  goTo: (step: number) => void;
  record: (exchanges: Exchange[]) => void;
  moreHint: () => void;
}

const FRESH: Attempt = { history: [], before: [], hintsShown: 0, passed: false, failures: [] };
/** Exchanges kept per attempt (goals look at the last few). */
const KEEP = 10;

/** The lesson path for the address bar: /lessons/<id>/<step, 1-based>. */
export function lessonPath(id: string, step: number): string {
  return `/lessons/${id}/${step + 1}`;
}

export const useLessonStore = create<LessonStore>()(
  persist(
    (set, get) => ({
      list: [],
      lessons: {},
      openId: null,
      progress: {},
      attempt: FRESH,
      recent: [],
      error: null,
      loadList: async () => {
        try {
          set({ list: await apiFetch<LessonSummary[]>('/app/lessons'), error: null });
        } catch (error) {
          set({ error: (error as Error).message });
        }
      },
      open: async (id, step) => {
        try {
          const lesson = get().lessons[id] ?? (await apiFetch<Lesson>(`/app/lessons/${encodeURIComponent(id)}`));
          const saved = get().progress[id] ?? { step: 0, done: [] };
          const at = Math.min(Math.max(step ?? saved.step, 0), lesson.steps.length - 1);
          set((s) => ({
            lessons: { ...s.lessons, [id]: lesson },
            openId: id,
            progress: { ...s.progress, [id]: { ...saved, step: at } },
            // What was sent before the step began (a book created in the composer) counts for its references.
            attempt: { ...FRESH, before: s.recent },
            error: null,
          }));
        } catch (error) {
          set({ error: (error as Error).message });
        }
      },
      close: () => set({ openId: null, attempt: FRESH }),
      goTo: (step) => {
        const id = get().openId;
        const lesson = id ? get().lessons[id] : undefined;
        if (!id || !lesson || step < 0 || step >= lesson.steps.length) return;
        set((s) => ({ progress: { ...s.progress, [id]: { ...(s.progress[id] ?? { done: [] }), step } }, attempt: { ...FRESH, before: s.recent } }));
      },
      record: (exchanges) => {
        const { openId, lessons, progress, attempt } = get();
        const lesson = openId ? lessons[openId] : undefined;
        const recent = [...get().recent, ...exchanges].slice(-KEEP);
        if (!openId || !lesson || attempt.passed) {
          set({ recent });
          return;
        }
        const at = progress[openId]?.step ?? 0;
        const history = [...attempt.history, ...exchanges].slice(-KEEP);
        const result = checkGoal(lesson.steps[at]!.goal, history, attempt.before);
        const done = result.passed ? [...new Set([...(progress[openId]?.done ?? []), at])] : (progress[openId]?.done ?? []);
        set({
          attempt: {
            history,
            before: attempt.before,
            passed: result.passed,
            failures: result.failures,
            ...(result.failed[0]?.hint ? { conditionHint: result.failed[0].hint } : {}),
            // A miss reveals the first hint; further hints only when asked.
            hintsShown: result.passed ? attempt.hintsShown : Math.max(1, attempt.hintsShown),
          },
          progress: { ...progress, [openId]: { step: at, done } },
          recent,
        });
      },
      moreHint: () => set((s) => ({ attempt: { ...s.attempt, hintsShown: s.attempt.hintsShown + 1 } })),
    }),
    { name: 'http-sandbox:lessons', version: 1, partialize: (s) => ({ progress: s.progress }) },
  ),
);

/** Where the learner stands in the open lesson (steps 1-based), as a student shares it with the room; undefined with no lesson open. */
export function openLessonProgress(): { lessonId: string; step: number; steps: number; completed: boolean } | undefined {
  const { openId, lessons, progress } = useLessonStore.getState();
  const lesson = openId ? lessons[openId] : undefined;
  const at = openId ? progress[openId] : undefined;
  if (!lesson || !at) return undefined;
  return { lessonId: lesson.id, step: at.step + 1, steps: lesson.steps.length, completed: at.done.length === lesson.steps.length };
}
