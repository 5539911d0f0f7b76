// Background work for the "202 Accepted, then poll" pattern (RFC 9110 §15.3.3): an export job is
// running until its ready time, then done. State is computed from the clock, so no timers run.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Book, ExportJob } from '../protocol/api-types';
import { MemoryExportJobStore, type ExportJobStore, type StoredJob } from '../store/export-jobs';
import { RedisExportJobStore } from '../store/redis/export-jobs';

export interface ExportJobOptions {
  durationMs: number;
  now?: () => Date;
  /** With REDIS_URL: jobs kept in Redis, seen by every server process. */
  redis?: Redis;
}

export class ExportJobService {
  readonly #now: () => Date;
  readonly store: ExportJobStore;

  constructor(private readonly options: ExportJobOptions) {
    this.#now = options.now ?? (() => new Date());
    this.store = options.redis ? new RedisExportJobStore(options.redis) : new MemoryExportJobStore();
  }

  async start(sandboxId: string, book: Book): Promise<StoredJob> {
    const now = this.#now().getTime();
    const job: StoredJob = {
      id: randomBytes(6).toString('hex'),
      sandboxId,
      bookId: book.id,
      createdAt: now,
      readyAt: now + this.options.durationMs,
      snapshot: book,
    };
    await this.store.put(job);
    return job;
  }

  async find(sandboxId: string, bookId: number, jobId: string): Promise<StoredJob | undefined> {
    const job = await this.store.get(sandboxId, jobId, this.#now().getTime());
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
