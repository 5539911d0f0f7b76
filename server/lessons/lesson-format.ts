// The lesson file format: Markdown with YAML front matter, one file per lesson in lessons/walkthroughs.
// Types are shared with the client (import type); the JSON Schema in lessons/schema checks the files.
import type { Goal } from './goals';

export interface LessonRequest {
  method: string;
  url: string;
  headers?: [string, string][];
  body?: string;
}

export interface LessonStep {
  title: string;
  /** What to try, in Markdown-light text (paragraphs; `code` in backticks). */
  text: string;
  /** The request the step fills into the composer. */
  request?: LessonRequest;
  goal: Goal;
  /** Revealed one at a time when an attempt misses the goal. */
  hints: string[];
  /** Shown once the goal holds. */
  explanation: string;
  /** For lessons:check: requests that reach the goal, and a wrong attempt that must not. */
  check: { setup?: LessonRequest[]; reference: LessonRequest[]; wrong: LessonRequest[] };
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

/** Every status code a goal mentions. */
export function goalCodes(goal: import('./goals').Goal): number[] {
  if ('all' in goal) return goal.all.flatMap(goalCodes);
  if ('any' in goal) return goal.any.flatMap(goalCodes);
  if ('earlier' in goal) return goalCodes(goal.earlier);
  if ('status' in goal) return Array.isArray(goal.status) ? goal.status : [goal.status];
  return [];
}

/** Splits "---\nYAML\n---\nMarkdown" into its two parts. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return match ? { frontMatter: match[1]!, body: match[2]!.trim() } : undefined;
}
