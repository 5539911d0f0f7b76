// Loading lesson files: a good folder loads in order; a broken file stops the start with a message that
// names the file, the field and the fix — an instructor never meets a blank step in class.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { buildServer, PROJECT_ROOT } from '../../server/client-build';
import { ConfigError } from '../../server/config';
import { LESSON_LIMITS, splitFrontMatter } from '../../server/protocol/lesson-format';
import { LESSON_SCHEMA_PATH, LessonFileError, loadLessons } from '../../server/lessons/load-lessons';
import { SEND_LIMITS } from '../../server/protocol/send-limits';

function lessonText(overrides: { id?: string; order?: number; step?: string } = {}): string {
  const step =
    overrides.step ??
    `  - title: Ask for the books
    text: Send GET /api/books and look at the status.
    request: { method: GET, url: /api/books }
    goal: { status: 200 }
    hints: [Use GET and /api/books.]
    explanation: 200 OK means it worked.
    check:
      reference: [{ method: GET, url: /api/books }]
      wrong: [{ method: GET, url: /api/bookz }]`;
  return `---\nid: ${overrides.id ?? 'first'}\ntitle: A first lesson\nsummary: What a status code says.\norder: ${overrides.order ?? 1}\nsteps:\n${step}\n---\n\n# A first lesson\n\nIntroduction.\n`;
}

/** A lessons folder with walkthroughs/ holding these files. */
function folder(files: Record<string, string>, nested = true): string {
  const root = mkdtempSync(join(tmpdir(), 'lessons-'));
  const dir = nested ? join(root, 'walkthroughs') : root;
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return root;
}

describe('a good lessons folder', () => {
  it('loads the lessons in their order, with the Markdown below the front matter as the introduction', () => {
    const lessons = loadLessons(folder({ 'b.md': lessonText({ id: 'second', order: 2 }), 'a.md': lessonText({ id: 'first', order: 1 }), 'README.md': 'Not a lesson.' }));
    expect(lessons.map((l) => l.id)).toEqual(['first', 'second']);
    expect(lessons[0]!.intro).toBe('# A first lesson\n\nIntroduction.');
    expect(lessons[0]!.steps[0]!.goal).toEqual({ status: 200 });
  });

  it('may hold the lesson files directly, without a walkthroughs folder', () => {
    expect(loadLessons(folder({ 'a.md': lessonText() }, false))).toHaveLength(1);
  });

  it('reads Windows line endings and a byte order mark', () => {
    expect(loadLessons(folder({ 'a.md': `\uFEFF${lessonText().replaceAll('\n', '\r\n')}` }))[0]!.id).toBe('first');
  });
});

describe('a broken lesson file stops the start, saying what to fix', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['no front matter', { 'a.md': '# Just Markdown\n' }, /a\.md must start with front matter: a line "---"/],
    ['front matter that is not YAML', { 'a.md': '---\nid: [unclosed\n---\n' }, /a\.md: the front matter is not valid YAML/],
    ['a step without hints', { 'a.md': lessonText().replace('    hints: [Use GET and /api/books.]\n', '') }, /a\.md does not match the lesson format.*steps\.0 must have required property 'hints'/],
    ['a misspelt field', { 'a.md': lessonText().replace('explanation:', 'explanaton:') }, /steps\.0 must NOT have additional properties \("explanaton"\)/],
    ['a misspelt condition', { 'a.md': lessonText().replace('goal: { status: 200 }', 'goal: { stauts: 200 }') }, /steps\.0\.goal must NOT have additional properties \("stauts"\)/],
    ['two conditions without all', { 'a.md': lessonText().replace('goal: { status: 200 }', 'goal: { status: 200, method: GET }') }, /steps\[0\] \("Ask for the books"\)\.goal must have exactly one condition/],
    ['a broken regular expression', { 'a.md': lessonText().replace('goal: { status: 200 }', "goal: { path: '^/api/(books' }") }, /goal\.path is not a valid regular expression/],
    ['a placeholder in the request the learner sees', { 'a.md': lessonText().replace('request: { method: GET, url: /api/books }', "request: { method: GET, url: '{{response.Location}}' }") }, /only check requests may use/],
    ['a placeholder with nothing before it', { 'a.md': lessonText().replace('reference: [{ method: GET, url: /api/books }]', "reference: [{ method: GET, url: '{{response.Location}}' }]") }, /check\.reference\[0\] uses \{\{response\.…\}\}, but no response came before it/],
    ['a timeout shorter than the send endpoint allows', { 'a.md': lessonText().replace('request: { method: GET, url: /api/books }', 'request: { method: GET, url: /api/books, timeoutMs: 50 }') }, /steps\.0\.request\.timeoutMs must be >= 100/],
    ['a timeout longer than the send endpoint allows', { 'a.md': lessonText().replace('reference: [{ method: GET, url: /api/books }]', 'reference: [{ method: GET, url: /api/books, timeoutMs: 60000 }]') }, /timeoutMs must be <= 30000/],
    ['a timeout in seconds', { 'a.md': lessonText().replace('request: { method: GET, url: /api/books }', 'request: { method: GET, url: /api/books, timeoutMs: 1.5 }') }, /steps\.0\.request\.timeoutMs must be integer/],
    ['an id that is not a slug', { 'a.md': lessonText({ id: 'My Lesson' }) }, /id must match pattern/],
    ['two lessons with one id', { 'a.md': lessonText(), 'b.md': lessonText({ order: 2 }) }, /b\.md: another lesson already has the id "first"/],
    ['two lessons in one place', { 'a.md': lessonText(), 'b.md': lessonText({ id: 'other' }) }, /b\.md: the lesson "first" already has order 1/],
    ['a file too large', { 'a.md': `${lessonText()}${'x'.repeat(LESSON_LIMITS.fileBytes)}` }, /a\.md is \d+ bytes; a lesson file may have at most 65536/],
    ['no lesson files', {}, /holds no lesson files/],
  ])('%s', (_name, files, message) => {
    const dir = folder(files);
    expect(() => loadLessons(dir)).toThrow(LessonFileError);
    expect(() => loadLessons(dir)).toThrow(message);
  });

  it('a folder that does not exist', () => {
    expect(() => loadLessons('/nonexistent/lessons')).toThrow(/The lessons folder \/nonexistent\/lessons does not exist\. Set LESSONS_DIR/);
  });

  it('is a configuration error, so the server refuses to start', async () => {
    const dir = folder({ 'a.md': lessonText().replace('hints: [Use GET and /api/books.]', 'hints: []') });
    const error = await buildApp({ lessonsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/a\.md does not match the lesson format.*steps\.0\.hints must NOT have fewer than 1 items/);
  });
});

/** Starts the server from `args` with LESSONS_DIR set to `dir`; resolves with how it exited. */
function startWith(args: string[], dir: string): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env, LESSONS_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 30_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

describe('npm start with LESSONS_DIR pointing at a broken lesson', () => {
  const broken = () => folder({ 'a.md': lessonText().replace('goal: { status: 200 }', 'goal: { status: 200, method: GET }') });
  const message = /^Cannot start: .*a\.md: steps\[0\] \("Ask for the books"\)\.goal must have exactly one condition, but has status and method/;

  it('exits at once with the file and the field to fix, and no stack trace', async () => {
    const result = await startWith(['--import', 'tsx', join(PROJECT_ROOT, 'server', 'main.ts')], broken());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('says the same from the compiled server, which reads the lessons in a worker thread', async () => {
    // A build of its own inside dist/ (packages resolve from the project), so no other test's build is disturbed.
    const outDir = mkdtempSync(join(PROJECT_ROOT, 'dist', 'lessons-test-server-'));
    try {
      await buildServer(outDir);
      expect(existsSync(join(outDir, 'course-data-worker.js'))).toBe(true);
      const result = await startWith([join(outDir, 'main.js')], broken());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the format', () => {
  it('has the same limits in the schema as in the loader', () => {
    const schema = JSON.parse(readFileSync(LESSON_SCHEMA_PATH, 'utf8'));
    expect(schema.properties.steps.maxItems).toBe(LESSON_LIMITS.steps);
    expect(schema.$defs.step.properties.hints.maxItems).toBe(LESSON_LIMITS.hints);
    for (const part of ['setup', 'reference']) expect(schema.$defs.step.properties.check.properties[part].maxItems).toBe(LESSON_LIMITS.checkRequests);
    // wrong: up to 8 attempts, each of up to 8 requests (or the short form, one attempt of up to 8 requests).
    for (const form of schema.$defs.step.properties.check.properties.wrong.oneOf) expect(form.maxItems).toBe(LESSON_LIMITS.checkRequests);
    expect(schema.$defs.wrongAttempt.properties.requests.maxItems).toBe(LESSON_LIMITS.checkRequests);
  });

  it('lets a request set a timeout within the send endpoint’s limits, which the loader keeps', () => {
    const schema = JSON.parse(readFileSync(LESSON_SCHEMA_PATH, 'utf8'));
    expect(schema.$defs.request.properties.timeoutMs).toMatchObject({ type: 'integer', minimum: SEND_LIMITS.minTimeoutMs, maximum: SEND_LIMITS.maxTimeoutMs });
    expect(schema.$defs.request.properties.timeoutMs.description).toContain(String(SEND_LIMITS.defaultTimeoutMs));
    const text = lessonText().replace('request: { method: GET, url: /api/books }', 'request: { method: GET, url: /delay/3, timeoutMs: 1000 }');
    const [lesson] = loadLessons(folder({ 'a.md': text }));
    expect(lesson!.steps[0]!.request).toEqual({ method: 'GET', url: '/delay/3', timeoutMs: 1000 });
  });

  it.each([
    ['---\na: 1\n---\nBody', { frontMatter: 'a: 1', body: 'Body' }],
    ['---\na: 1\n---', { frontMatter: 'a: 1', body: '' }],
    ['---\r\na: 1\r\n---\r\n\r\nBody\r\n', { frontMatter: 'a: 1', body: 'Body' }],
    ['a: 1\n', undefined],
  ])('splits front matter from %j', (text, parts) => {
    expect(splitFrontMatter(text)).toEqual(parts);
  });
});
