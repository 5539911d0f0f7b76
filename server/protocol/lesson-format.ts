// The lesson file format: Markdown with YAML front matter, one file per lesson in lessons/walkthroughs.
// Pure (no Node APIs): the client imports the types and helpers; the JSON Schema in lessons/schema and
// lessonProblems() below check the files at start and in lessons:check. lessons/README.md explains it all.
import { RESPONSE_REFERENCE, validateGoal, type Goal } from './lesson-goals';

/** Limits on lesson files, so one oversized or runaway file cannot slow the start or the player. */
export const LESSON_LIMITS = {
  /** Largest lesson file, in bytes. */
  fileBytes: 64 * 1024,
  /** Most lesson files in a lessons folder. */
  lessons: 100,
  /** Most steps in one lesson. */
  steps: 12,
  /** Most hints in one step. */
  hints: 6,
  /** Most requests in one step's check (setup, reference or wrong). */
  checkRequests: 8,
} as const;

export interface LessonRequest {
  method: string;
  /** A path on the sandbox, such as /api/books?page=2. */
  url: string;
  headers?: [string, string][];
  body?: string;
  /** Follow redirects (each hop becomes an exchange of the step). Default false, as the composer. */
  followRedirects?: boolean;
  /**
   * How long the client waits for the whole send before it gives up, in ms (SEND_LIMITS.minTimeoutMs to
   * maxTimeoutMs). Default SEND_LIMITS.defaultTimeoutMs, as the composer; "Fill in the request" sets it.
   */
  timeoutMs?: number;
}

/**
 * Requests lessons:check sends for a step, each in a fresh sandbox with its own cookie jar: `setup` first
 * (its exchanges are not part of the step), then `reference` must reach the goal and `wrong` must not.
 * In check requests, `{{response.Name}}` stands for the header Name of the latest response that had one
 * (for example `{{response.Location}}` or `{{response.ETag}}`), and `{{response.body.field}}` for a field of
 * the latest JSON body that had it (`{{response.body.token}}`), since ids and tags are only known at run time.
 */
export interface LessonCheck {
  setup?: LessonRequest[];
  reference: LessonRequest[];
  /** The wrong attempts, each with the shortcut it tries; or (the short form) one attempt as a list of requests. */
  wrong: WrongAttempt[] | LessonRequest[];
}

/** One way to miss the goal — a likely mistake or a shortcut — that lessons:check proves does not pass. */
export interface WrongAttempt {
  /** What the attempt tries, in a few words ("the status page instead of a real refusal"). */
  shortcut: string;
  requests: LessonRequest[];
}

/** A step's wrong attempts, whichever form the file uses. */
export function wrongAttempts(check: LessonCheck): WrongAttempt[] {
  const items = check.wrong as (WrongAttempt | LessonRequest)[];
  if (items.every((item) => 'requests' in item)) return items as WrongAttempt[];
  return [{ shortcut: 'the wrong attempt', requests: items as LessonRequest[] }];
}

export interface LessonStep {
  title: string;
  /** What to try, in Markdown (rendered without raw HTML). */
  text: string;
  /** The request the step fills into the composer. */
  request?: LessonRequest;
  goal: Goal;
  /** Revealed one at a time when an attempt misses the goal. */
  hints: string[];
  /** Shown once the goal holds. */
  explanation: string;
  check: LessonCheck;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  order: number;
  /** The Markdown body under the front matter. */
  intro: string;
  steps: LessonStep[];
}

export interface LessonSummary {
  id: string;
  title: string;
  summary: string;
  order: number;
  steps: number;
  /** Status codes the lesson's goals ask for (so a response viewer can link a code to its lesson). */
  codes: number[];
}

/** Every status code a goal mentions (final and interim). */
export function goalCodes(goal: Goal): number[] {
  if ('all' in goal) return goal.all.flatMap(goalCodes);
  if ('any' in goal) return goal.any.flatMap(goalCodes);
  if ('earlier' in goal) return goalCodes(goal.earlier);
  if ('status' in goal) return Array.isArray(goal.status) ? goal.status : [goal.status];
  if ('interim' in goal) return [goal.interim];
  return [];
}

/** The list entry of a lesson. */
export function summarise(lesson: Lesson): LessonSummary {
  const { id, title, summary, order, steps } = lesson;
  const codes = [...new Set(steps.flatMap((step) => goalCodes(step.goal)))].sort((a, b) => a - b);
  return { id, title, summary, order, steps: steps.length, codes };
}

/** Splits "---\nYAML\n---\nMarkdown" into its two parts. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } | undefined {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n([\s\S]*))?$/.exec(text);
  return match ? { frontMatter: match[1]!, body: (match[2] ?? '').trim() } : undefined;
}

const TEMPLATE = RESPONSE_REFERENCE;

/**
 * A check request with each `{{response.Name}}` replaced by `latest(Name)`: that header of the latest
 * response that had one. Throws when no response had it, naming it, so a broken check says why.
 */
export function fillFromResponse(request: LessonRequest, latest: (headerName: string) => string | undefined): LessonRequest {
  const fill = (text: string) =>
    text.replace(TEMPLATE, (_all, name: string) => {
      const value = latest(name);
      if (value === undefined) throw new Error(`{{response.${name}}}: no response so far had ${name.startsWith('body.') ? `a "${name.slice(5)}" field in its JSON body` : `a ${name} header`}`);
      return value;
    });
  return {
    ...request,
    url: fill(request.url),
    ...(request.headers ? { headers: request.headers.map(([n, v]) => [n, fill(v)] as [string, string]) } : {}),
    ...(request.body !== undefined ? { body: fill(request.body) } : {}),
  };
}

function usesTemplate(request: LessonRequest): boolean {
  const texts = [request.url, request.body ?? '', ...(request.headers ?? []).map(([, v]) => v)];
  return texts.some((text) => new RegExp(TEMPLATE.source).test(text));
}

/**
 * What the JSON Schema cannot say: goals that are not well-formed, placeholders outside check requests,
 * a check that cannot fill a placeholder. Each problem names the step and field to fix.
 */
export function lessonProblems(lesson: Pick<Lesson, 'steps'>): string[] {
  const problems: string[] = [];
  lesson.steps.forEach((step, index) => {
    const where = `steps[${index}] ("${step.title}")`;
    problems.push(...validateGoal(step.goal, `${where}.goal`));
    if (step.request && usesTemplate(step.request)) {
      problems.push(`${where}.request uses {{response.…}}, which only check requests may use; write what the learner should paste instead, such as "paste the ETag here".`);
    }
    const runs: [string, LessonRequest[]][] = [
      ['setup', step.check.setup ?? []],
      ['reference', step.check.reference],
      ...wrongAttempts(step.check).map((attempt, i): [string, LessonRequest[]] => [step.check.wrong.length > 0 && 'requests' in step.check.wrong[0]! ? `wrong[${i}].requests` : 'wrong', attempt.requests]),
    ];
    for (const [part, requests] of runs) {
      requests.forEach((request, i) => {
        const isFirstOfRun = part === 'setup' ? i === 0 : i === 0 && (step.check.setup ?? []).length === 0;
        if (isFirstOfRun && usesTemplate(request)) problems.push(`${where}.check.${part}[${i}] uses {{response.…}}, but no response came before it.`);
      });
    }
  });
  return problems;
}
