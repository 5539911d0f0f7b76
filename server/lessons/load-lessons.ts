// Reads lessons/walkthroughs/*.md, checks each against lessons/schema/lesson.schema.json, and fails at
// start with the file and the field to fix, so a broken lesson can never reach a learner.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { splitFrontMatter, type Lesson } from './lesson-format';

export class LessonFileError extends Error {}

export function loadLessons(lessonsDir: string): Lesson[] {
  const schema = JSON.parse(readFileSync(join(lessonsDir, 'schema', 'lesson.schema.json'), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const dir = join(lessonsDir, 'walkthroughs');
  const lessons: Lesson[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const path = join(dir, file);
    const parts = splitFrontMatter(readFileSync(path, 'utf8'));
    if (!parts) throw new LessonFileError(`${path} must start with front matter between two --- lines.`);
    let data: unknown;
    try {
      data = parseYaml(parts.frontMatter);
    } catch (error) {
      throw new LessonFileError(`${path}: the front matter is not valid YAML: ${(error as Error).message}`);
    }
    if (!validate(data)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(top)'} ${e.message}`);
      throw new LessonFileError(`${path} does not match the lesson format: ${problems.join('; ')}`);
    }
    const lesson = { ...(data as Omit<Lesson, 'intro'>), intro: parts.body };
    if (lessons.some((l) => l.id === lesson.id)) throw new LessonFileError(`${path}: another lesson already has the id "${lesson.id}".`);
    lessons.push(lesson);
  }
  return lessons.sort((a, b) => a.order - b.order);
}
