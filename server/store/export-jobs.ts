// Where export jobs live: in memory by default, in Redis with REDIS_URL (redis/export-jobs.ts), so a job
// started on one server process is polled and downloaded on any other. A job is written once when it starts
// (its state then follows from the clock), so the store only puts and gets.
import type { Book } from '../protocol/api-types';

/** Ceiling on jobs held across all sandboxes; the oldest are dropped beyond it. */
export const MAX_JOBS = 10_000;
/** How long a job is kept after it is done: long enough to poll and download it, short enough to hold little. */
export const JOB_KEPT_MS = 60 * 60 * 1000;

export interface StoredJob {
  id: string;
  sandboxId: string;
  bookId: number;
  createdAt: number;
  readyAt: number;
  /** The book as it was when the export started: the export is a snapshot. */
  snapshot: Book;
}

export interface ExportJobStore {
  put(job: StoredJob): Promise<void>;
  get(sandboxId: string, jobId: string, now: number): Promise<StoredJob | undefined>;
}

export class MemoryExportJobStore implements ExportJobStore {
  readonly #jobs = new Map<string, StoredJob>();

  constructor(private readonly maxJobs = MAX_JOBS) {}

  async put(job: StoredJob): Promise<void> {
    this.#jobs.set(`${job.sandboxId}/${job.id}`, job);
    while (this.#jobs.size > this.maxJobs) this.#jobs.delete(this.#jobs.keys().next().value as string);
  }

  async get(sandboxId: string, jobId: string, now: number): Promise<StoredJob | undefined> {
    const job = this.#jobs.get(`${sandboxId}/${jobId}`);
    return job && now < job.readyAt + JOB_KEPT_MS ? job : undefined;
  }
}
