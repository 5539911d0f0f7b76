// The lessons and the reference data, read and checked once at start: a broken file stops the start with the
// file and the field to fix (a ConfigError). The compiled server (dist/server) does the reading in a worker thread
// (course-data-worker.ts, built beside main.js), so the YAML parser's and the schema compiler's garbage and code
// leave with the thread instead of staying in the serving process's heap (about 5 MB of its idle memory).
// From the TypeScript sources (tests, `npm run dev`) there is no compiled worker, and the same code runs here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../config';
import type { Lesson } from '../protocol/lesson-format';
import type { ReferenceData } from '../reference/reference-data';
import type { CourseDataMessage } from './course-data-worker';

export interface CourseData {
  lessons: Lesson[];
  reference: ReferenceData;
}

/** The worker as built next to the compiled server (dist/server/course-data-worker.js). */
const COMPILED_WORKER = fileURLToPath(new URL('./course-data-worker.js', import.meta.url));

function inWorker(lessonsDir: string, referenceDir: string): Promise<CourseData> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(COMPILED_WORKER, { workerData: { lessonsDir, referenceDir } });
    worker.once('message', (message: CourseDataMessage) => {
      if ('error' in message) reject(message.config ? new ConfigError(message.error) : new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The worker reading the lessons stopped (exit code ${code}) before answering.`)));
  });
}

/** Reads and checks the reference data (`referenceDir`) and the lessons (`lessonsDir`). */
export async function loadCourseData(lessonsDir: string, referenceDir: string): Promise<CourseData> {
  if (existsSync(COMPILED_WORKER)) return inWorker(lessonsDir, referenceDir);
  const [{ loadReferenceData }, { loadLessons }] = await Promise.all([import('../reference/reference-data'), import('./load-lessons')]);
  const reference = loadReferenceData(referenceDir);
  return { lessons: loadLessons(lessonsDir), reference };
}
