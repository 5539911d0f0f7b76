// Background work for the "202 Accepted, then poll" pattern (RFC 9110 §15.3.3): an export job is
// running until its ready time, then done. State is computed from the clock, so no timers run.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Book, ExportJob } from '../protocol/api-types';

/** Ceiling on jobs held across all sandboxes; the oldest are dropped beyond it. */
export const MAX_JOBS = 10_000;

interface StoredJob {
  id: string;
  sandboxId: string;
  bookId: number;
  createdAt: number;
  readyAt: number;
  /** The book as it was when the export started: the export is a snapshot. */
  snapshot: Book;
}

export interface ExportJobOptions {
  durationMs: number;
  now?: () => Date;
}

export class ExportJobService {
  readonly #jobs = new Map<string, StoredJob>();
  readonly #now: () => Date;

  constructor(private readonly options: ExportJobOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  start(sandboxId: string, book: Book): StoredJob {
    const now = this.#now().getTime();
    const job: StoredJob = {
      id: randomBytes(6).toString('hex'),
      sandboxId,
      bookId: book.id,
      createdAt: now,
      readyAt: now + this.options.durationMs,
      snapshot: book,
    };
    this.#jobs.set(`${sandboxId}/${job.id}`, job);
    while (this.#jobs.size > MAX_JOBS) this.#jobs.delete(this.#jobs.keys().next().value as string);
    return job;
  }

  find(sandboxId: string, bookId: number, jobId: string): StoredJob | undefined {
    const job = this.#jobs.get(`${sandboxId}/${jobId}`);
    return job && job.bookId === bookId ? job : undefined;
  }

  isDone(job: StoredJob): boolean {
    return this.#now().getTime() >= job.readyAt;
  }

  /** Seconds until the job is done, rounded up (for Retry-After). */
  secondsLeft(job: StoredJob): number {
    return Math.max(1, Math.ceil((job.readyAt - this.#now().getTime()) / 1000));
  }

  describe(job: StoredJob, jobUrl: string): ExportJob {
    const done = this.isDone(job);
    const span = Math.max(1, job.readyAt - job.createdAt);
    const progress = done ? 100 : Math.min(99, Math.floor(((this.#now().getTime() - job.createdAt) / span) * 100));
    return {
      id: job.id,
      bookId: job.bookId,
      state: done ? 'done' : 'running',
      progress,
      createdAt: new Date(job.createdAt).toISOString(),
      readyAt: new Date(job.readyAt).toISOString(),
      result: done ? `${jobUrl}/result` : null,
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    exportJobs: ExportJobService;
  }
}

export default fp<ExportJobOptions>(
  async (app, options) => {
    app.decorate('exportJobs', new ExportJobService(options));
  },
  { name: 'export-jobs' },
);
