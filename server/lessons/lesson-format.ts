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
}

/** Splits "---\nYAML\n---\nMarkdown" into its two parts. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return match ? { frontMatter: match[1]!, body: match[2]!.trim() } : undefined;
}
