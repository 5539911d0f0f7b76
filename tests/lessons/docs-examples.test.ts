// The example lessons an instructor copies — from README.md's "Writing a lesson" section and from
// lessons/README.md — are complete, valid lessons whose checks pass against a live sandbox, and the
// YAML snippets of lessons/README.md are valid goals and checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../server/client-build';
import { readSection } from '../../server/docs/readme-sections';
import { checkGoal, validateGoal } from '../../server/protocol/lesson-goals';
import { parseLesson } from '../../server/lessons/load-lessons';
import { wrongAttempts } from '../../server/protocol/lesson-format';
import { startServer, type TestServer } from '../helpers/server';
import { runCheckPart } from './run-check';

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const GUIDE = readFileSync(join(PROJECT_ROOT, 'lessons', 'README.md'), 'utf8');

/** The fenced blocks of a language (``` or ````) in Markdown text. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(/^(`{3,})(\w*)\n([\s\S]*?)^\1$/gm)].filter((m) => m[2] === language).map((m) => m[3]!);
}

const section = readSection(README, 'lessons');
const examples = [
  ...blocks(section ?? '', 'markdown').map((text) => ['README.md', text] as const),
  ...blocks(GUIDE, 'markdown').map((text) => ['lessons/README.md', text] as const),
];

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
});
afterAll(() => server.close());

describe('README.md', () => {
  it('has a "Writing a lesson" section between the lessons markers, with an example lesson', () => {
    expect(section).toBeDefined();
    expect(README.indexOf('<!-- lessons:start -->')).toBeGreaterThan(README.indexOf('## Writing a lesson'));
    expect(blocks(section!, 'markdown')).toHaveLength(1);
  });
});

describe.each(examples.map(([file, text], i) => [file, i, text] as const))('the example lesson in %s (#%i)', (file, _i, text) => {
  const lesson = parseLesson(text, file);

  it.each(lesson.steps.map((step, n) => [n + 1, step] as const))('step %i: the reference reaches the goal, the wrong attempt misses it', async (_n, step) => {
    const reference = await runCheckPart(server, step.check.setup ?? [], step.check.reference);
    expect(checkGoal(step.goal, reference).failures).toEqual([]);
    for (const attempt of wrongAttempts(step.check)) {
      const wrong = await runCheckPart(server, step.check.setup ?? [], attempt.requests);
      expect(checkGoal(step.goal, wrong).passed).toBe(false);
    }
  });
});

describe('the YAML snippets of lessons/README.md', () => {
  const snippets = blocks(GUIDE, 'yaml').map((text) => parseYaml(text) as Record<string, unknown>);

  it('include a goal with hints and a check with {{response.Location}}, both valid', async () => {
    const goal = snippets.find((s) => 'goal' in s)?.goal;
    expect(validateGoal(goal)).toEqual([]);
    const check = snippets.find((s) => 'check' in s)?.check as { setup: never[]; reference: never[]; wrong: never[] };
    const exchanges = await runCheckPart(server, check.setup, check.reference);
    expect(exchanges.at(-1)?.response?.status).toBe(204);
  });
});
