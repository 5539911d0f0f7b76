// Runs in a worker thread of the compiled server (server/lessons/course-data.ts starts it): reads and checks the
// reference data and the lessons, posts them to the server, and ends. Parsing the YAML and compiling the JSON
// Schemas leave several MB of garbage and code behind; in this thread all of it goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../config';
import type { Lesson } from '../protocol/lesson-format';
import { loadReferenceData, type ReferenceData } from '../reference/reference-data';
import { loadLessons } from './load-lessons';

/** What the worker posts: the data, or why it cannot be used (`config`: a file to fix, not a bug). */
export type CourseDataMessage = { lessons: Lesson[]; reference: ReferenceData } | { error: string; config: boolean };

const { lessonsDir, referenceDir } = workerData as { lessonsDir: string; referenceDir: string };
let message: CourseDataMessage;
try {
  const reference = loadReferenceData(referenceDir);
  message = { lessons: loadLessons(lessonsDir), reference };
} catch (error) {
  message = { error: error instanceof Error ? error.message : String(error), config: error instanceof ConfigError };
}
parentPort!.postMessage(message);
