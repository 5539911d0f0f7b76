// Export jobs in Redis (REDIS_URL): a job started on one server process is polled and downloaded on every
// other. P job:<sandbox>/<id> holds the job (JSON) and expires JOB_KEPT_MS after it is done; P job-index
// (sorted by start time) holds at most MAX_JOBS, dropping the oldest, in the same script as the write.
import type { Redis } from 'ioredis';
import { JOB_KEPT_MS, MAX_JOBS, type ExportJobStore, type StoredJob } from '../export-jobs';
import { Script, trimIndexLua, viaRedis } from './connection';

// KEYS: job, index. ARGV: job JSON, ms to live, start time, most jobs.
const PUT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
${trimIndexLua('KEYS[2]', 'ARGV[3]', 'ARGV[2]', 'ARGV[4]')}
`;

export class RedisExportJobStore implements ExportJobStore {
  readonly #put: Script;

  constructor(
    private readonly client: Redis,
    private readonly prefix = 'hs:',
    private readonly maxJobs = MAX_JOBS,
  ) {
    this.#put = new Script(client, 'hsExportJobPut', 2, PUT);
  }

  #key(sandboxId: string, jobId: string): string {
    return `${this.prefix}job:${sandboxId}/${jobId}`;
  }

  async put(job: StoredJob): Promise<void> {
    const ttl = Math.max(1, job.readyAt - job.createdAt + JOB_KEPT_MS);
    await this.#put.run([this.#key(job.sandboxId, job.id), `${this.prefix}job-index`], [JSON.stringify(job), ttl, job.createdAt, this.maxJobs]);
  }

  async get(sandboxId: string, jobId: string, now: number): Promise<StoredJob | undefined> {
    const saved = await viaRedis(this.client.get(this.#key(sandboxId, jobId)));
    if (saved === null) return undefined;
    const job = JSON.parse(saved) as StoredJob;
    return now < job.readyAt + JOB_KEPT_MS ? job : undefined;
  }
}
