// Reads the lesson files of a lessons folder (LESSONS_DIR, default lessons/): the Markdown files in its
// walkthroughs/ folder, or in the folder itself when it has no walkthroughs/. Each is checked against the
// lesson schema that ships with the app (lessons/schema/lesson.schema.json) and against the goal rules,
// and a broken file stops the start with the file, the field and the fix — never a blank step in class.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../client-build';
import { ConfigError } from '../config';
import { LESSON_LIMITS, lessonProblems, splitFrontMatter, type Lesson } from '../protocol/lesson-format';

/** The schema lesson files are checked against: the app's own, so a copied folder cannot drift from the checker. */
export const LESSON_SCHEMA_PATH = join(PROJECT_ROOT, 'lessons', 'schema', 'lesson.schema.json');
/** Problems listed per broken file (the first few are enough to fix it). */
const PROBLEMS_SHOWN = 5;

/** A lesson file that cannot be used; the message names the file and what to fix. A configuration error. */
export class LessonFileError extends ConfigError {}

/** The folder holding the lesson files of a lessons folder. */
export function walkthroughsDir(lessonsDir: string): string {
  const nested = join(lessonsDir, 'walkthroughs');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : lessonsDir;
}

type Validator = ReturnType<Ajv2020['compile']>;

/** The lesson schema's validator, compiled for one loading and then dropped: the server checks lessons once, at start. */
function schemaValidator(): Validator {
  return new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(LESSON_SCHEMA_PATH, 'utf8')) as object);
}

/** Parses and checks one lesson file's text; throws LessonFileError naming `path` and the field. */
export function parseLesson(text: string, path: string, validate: Validator = schemaValidator()): Lesson {
  const parts = splitFrontMatter(text);
  if (!parts) throw new LessonFileError(`${path} must start with front matter: a line "---", the lesson in YAML, and another line "---".`);
  let data: unknown;
  try {
    data = parseYaml(parts.frontMatter);
  } catch (error) {
    throw new LessonFileError(`${path}: the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, PROBLEMS_SHOWN).map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'the front matter';
      const extra = e.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
      return `${where} ${e.message}${extra}`;
    });
    throw new LessonFileError(`${path} does not match the lesson format (lessons/README.md explains it): ${problems.join('; ')}.`);
  }
  const lesson = { ...(data as Omit<Lesson, 'intro'>), intro: parts.body };
  const problems = lessonProblems(lesson);
  if (problems.length > 0) throw new LessonFileError(`${path}: ${problems.slice(0, PROBLEMS_SHOWN).join(' ')}`);
  return lesson;
}

/** Loads every lesson of a lessons folder, in their `order`; throws LessonFileError on the first broken file. */
export function loadLessons(lessonsDir: string): Lesson[] {
  if (!existsSync(lessonsDir) || !statSync(lessonsDir).isDirectory()) {
    throw new LessonFileError(`The lessons folder ${lessonsDir} does not exist. Set LESSONS_DIR to a folder of lesson files, or leave it unset for the built-in lessons.`);
  }
  const dir = walkthroughsDir(lessonsDir);
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort();
  if (files.length === 0) throw new LessonFileError(`${dir} holds no lesson files (*.md). lessons/README.md shows how to write one.`);
  if (files.length > LESSON_LIMITS.lessons) throw new LessonFileError(`${dir} holds ${files.length} lesson files; at most ${LESSON_LIMITS.lessons} are allowed.`);
  const lessons: Lesson[] = [];
  const validate = schemaValidator();
  for (const file of files) {
    const path = join(dir, file);
    const size = statSync(path).size;
    if (size > LESSON_LIMITS.fileBytes) throw new LessonFileError(`${path} is ${size} bytes; a lesson file may have at most ${LESSON_LIMITS.fileBytes}. Split it into two lessons.`);
    const lesson = parseLesson(readFileSync(path, 'utf8'), path, validate);
    const sameId = lessons.find((l) => l.id === lesson.id);
    if (sameId) throw new LessonFileError(`${path}: another lesson already has the id "${lesson.id}". Ids appear in links (/lessons/<id>), so each must be unique.`);
    const sameOrder = lessons.find((l) => l.order === lesson.order);
    if (sameOrder) throw new LessonFileError(`${path}: the lesson "${sameOrder.id}" already has order ${lesson.order}. Give each lesson its own place in the list.`);
    lessons.push(lesson);
  }
  return lessons.sort((a, b) => a.order - b.order);
}
