// With DATA_DIR, what learners made survives a restart and a crash (kill -9, power loss):
//
// - Every change to sandboxes, to sessions and tokens, and to the lifecycle of rooms and inboxes is a record
//   in a write-ahead journal (DATA_DIR/journal.jsonl), flushed to disk (fdatasync) before the response that
//   reports the change is sent. Writes that arrive together share one flush (group commit). An acknowledged
//   write is on disk.
// - Every SNAPSHOT_INTERVAL_MS, when something changed, the whole state is written to DATA_DIR/snapshot.json
//   (temporary file, fsync, rename) together with the last journal record it holds, and the journal is
//   emptied. Room broadcasts, inbox captures and activity times, which change with nearly every request a
//   class makes, are saved only here.
// - At start: the folder is locked to this server, the snapshot is read and the journal replayed over it.
//   A corrupt file stops the start with a message naming it; an unusable folder says why.
// - A failed write (a full disk) never replaces good data: the old snapshot stays, the journal keeps its
//   records in memory and tries again, the request that could not be saved is answered 503, further changes
//   to the toy API are refused with 503 until writing works again, the log says so at error level and
//   GET /readyz (and /app/health) answers 503 naming the problem.
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from '../http/problem';
import { lockDataDir } from '../store/data-dir';
import { Journal, readJournal, type JournalRecord } from '../store/journal';
import { DataFileError, readSnapshot, writeSnapshotAtomic } from '../store/snapshot-file';

export interface PersistentPart {
  /** Key in the snapshot file. */
  name: string;
  /** A number that changes whenever the part's state changes. */
  version: () => number;
  save: () => unknown;
  restore: (data: unknown) => void;
  /** Parts whose every change must survive a crash journal it: `attach` receives the function to call. */
  journal?: {
    attach: (write: (record: Record<string, unknown>) => void) => void;
    apply: (record: JournalRecord) => void;
  };
}

interface SnapshotFile {
  savedAt: string;
  /** The last journal record the snapshot holds. */
  seq?: number;
  parts: Record<string, unknown>;
}

export const SNAPSHOT_FILE = 'snapshot.json';
export const JOURNAL_FILE = 'journal.jsonl';

export interface StorageHealth {
  ok: boolean;
  storage: 'memory' | 'data-dir';
  dataDir?: string;
  /** Journal records waiting for the disk. */
  pending?: number;
  lastSnapshotAt?: string;
  problem?: string;
}

export class PersistenceService {
  readonly #parts: PersistentPart[] = [];
  #savedVersions = new Map<string, number>();
  #journal: Journal | undefined;
  #release: (() => void) | undefined;
  #lastSnapshotAt: string | undefined;
  /** Why the last snapshot could not be written, until one is. */
  snapshotFailure: Error | undefined;

  constructor(readonly dataDir: string | undefined) {}

  get enabled(): boolean {
    return this.dataDir !== undefined;
  }

  get path(): string | undefined {
    return this.dataDir ? join(this.dataDir, SNAPSHOT_FILE) : undefined;
  }

  get journalPath(): string | undefined {
    return this.dataDir ? join(this.dataDir, JOURNAL_FILE) : undefined;
  }

  register(part: PersistentPart): void {
    this.#parts.push(part);
  }

  /** Why changes cannot be saved now, if they cannot. */
  get failure(): Error | undefined {
    return this.#journal?.failure;
  }

  health(): StorageHealth {
    if (!this.enabled) return { ok: true, storage: 'memory' };
    const failure = this.failure ?? this.snapshotFailure;
    return {
      ok: failure === undefined,
      storage: 'data-dir',
      dataDir: this.dataDir,
      pending: this.#journal?.pending ?? 0,
      lastSnapshotAt: this.#lastSnapshotAt,
      ...(failure ? { problem: describeWriteError(failure, this.dataDir!) } : {}),
    };
  }

  /** Locks DATA_DIR, restores the snapshot, replays the journal, and starts journalling. */
  async open(): Promise<{ restored: string[]; replayed: number }> {
    if (!this.dataDir) return { restored: [], replayed: 0 };
    this.#release = lockDataDir(this.dataDir);
    try {
      const file = readSnapshot<SnapshotFile>(this.path!);
      if (file !== undefined && (typeof file !== 'object' || file === null || typeof file.parts !== 'object' || file.parts === null)) {
        throw new DataFileError(this.path!, 'is not a snapshot written by this server (no "parts")');
      }
      const restored: string[] = [];
      for (const part of this.#parts) {
        if (file?.parts[part.name] === undefined) continue;
        try {
          part.restore(file.parts[part.name]);
        } catch (error) {
          throw new DataFileError(this.path!, `its "${part.name}" part cannot be restored (${(error as Error).message})`);
        }
        restored.push(part.name);
      }
      const after = file?.seq ?? 0;
      let seq = after;
      let replayed = 0;
      const byName = new Map(this.#parts.map((part) => [part.name, part]));
      for (const record of readJournal(this.journalPath!)) {
        if (typeof record.q !== 'number' || record.q <= after) continue;
        const part = byName.get(record.p);
        try {
          part?.journal?.apply(record);
        } catch (error) {
          throw new DataFileError(this.journalPath!, `record ${record.q} cannot be applied (${(error as Error).message})`);
        }
        seq = Math.max(seq, record.q);
        replayed += 1;
      }
      this.#journal = await Journal.open(this.journalPath!, seq);
      for (const part of this.#parts) part.journal?.attach((record) => this.#journal!.append(part.name, record));
      // Start from one whole snapshot and an empty journal.
      this.#compact();
      return { restored, replayed };
    } catch (error) {
      this.#release();
      this.#release = undefined;
      throw error;
    }
  }

  /** The sequence number of the last change recorded (0 without DATA_DIR). */
  get seq(): number {
    return this.#journal?.seq ?? 0;
  }

  /** Resolves once every change made so far is on disk; rejects when it cannot be written. */
  async commit(): Promise<void> {
    if (this.#journal && this.#journal.pending > 0) await this.#journal.flush();
  }

  #compact(): void {
    const parts: Record<string, unknown> = {};
    const versions = new Map<string, number>();
    for (const part of this.#parts) {
      versions.set(part.name, part.version());
      parts[part.name] = part.save();
    }
    const savedAt = new Date().toISOString();
    writeSnapshotAtomic(this.path!, { savedAt, seq: this.#journal?.seq ?? 0, parts } satisfies SnapshotFile);
    this.#journal?.truncated();
    this.#savedVersions = versions;
    this.#lastSnapshotAt = savedAt;
    this.snapshotFailure = undefined;
  }

  /** Writes a snapshot when any part changed since the last one (or always, when forced). */
  async save(force = false): Promise<boolean> {
    if (!this.#journal) return false;
    const changed = this.#parts.some((part) => this.#savedVersions.get(part.name) !== part.version());
    if (!changed && !force) return false;
    await this.#journal.idle();
    try {
      this.#compact();
    } catch (error) {
      this.snapshotFailure = error as Error;
      // The journal still holds every change; try to get its records to disk at least.
      await this.#journal.flush().catch(() => undefined);
      throw error;
    }
    return true;
  }

  async close(): Promise<void> {
    try {
      if (this.#journal) {
        await this.#journal.flush().catch(() => undefined);
        await this.save(true);
      }
    } finally {
      await this.#journal?.close();
      this.#journal = undefined;
      this.#release?.();
      this.#release = undefined;
    }
  }
}

/** What a write error means for the operator, in one sentence. */
export function describeWriteError(error: Error, dataDir: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' ? 'the disk is full' :
    code === 'EDQUOT' ? 'the disk quota is used up' :
    code === 'EROFS' ? 'the file system is read-only' :
    code === 'EACCES' || code === 'EPERM' ? 'the server may not write there' :
    `writing failed (${code ?? error.message})`;
  return `Changes cannot be saved to DATA_DIR ${dataDir}: ${why}. The last saved state is kept; free space or fix the folder, and saving resumes by itself.`;
}

declare module 'fastify' {
  interface FastifyInstance {
    persistence: PersistenceService;
  }
  interface FastifyRequest {
    /** The journal's sequence number when this request began: a higher one at onSend means it changed data. */
    journalSeqAtStart: number;
  }
}

export interface PersistenceOptions {
  dataDir?: string;
  intervalMs: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function storageProblem(service: PersistenceService, error: Error, saved: boolean): HttpProblem {
  const problem = describeWriteError(error, service.dataDir!);
  return new HttpProblem(
    'service-unavailable',
    saved
      ? `The server cannot save changes right now, so it makes none: ${problem} Try again in a minute.`
      : `Your change was made but could not be saved, so it may be lost if the server restarts: ${problem} Check it again in a minute.`,
    { headers: { 'retry-after': '60' }, extra: { storage: service.health() } },
  );
}

export default fp<PersistenceOptions>(
  async (app, options) => {
    const service = new PersistenceService(options.dataDir);
    app.decorate('persistence', service);

    // Readiness (GET /readyz and /app/health, server/routes/ops.ts) asks service.health().
    if (!service.enabled) return;
    let timer: NodeJS.Timeout | undefined;
    let reported: string | undefined;
    const report = (error: Error, what: string) => {
      const message = describeWriteError(error, service.dataDir!);
      // One error line per new problem, not one per request.
      if (message !== reported) app.log.error(`${what}: ${message} (${(error as NodeJS.ErrnoException).code ?? error.message})`);
      reported = message;
    };

    app.addHook('onReady', async () => {
      const { restored, replayed } = await service.open();
      if (restored.length || replayed) app.log.info(`Restored ${restored.join(', ') || 'nothing'} from ${service.path} and ${replayed} journalled changes`);
      timer = setInterval(() => {
        service.save().then(
          () => {
            if (!service.failure && reported) {
              app.log.info(`Saving to DATA_DIR ${service.dataDir} works again.`);
              reported = undefined;
            }
          },
          (error: Error) => report(error, 'Saving the snapshot failed'),
        );
      }, options.intervalMs);
      timer.unref();
    });

    // While nothing can be saved, the toy API makes no changes it would lose.
    // The journal's sequence number when a request began (a plain field: cheaper than a WeakMap entry per request).
    app.decorateRequest('journalSeqAtStart', 0);
    // Both hooks are synchronous unless there is something to wait for: no promise and microtask per request.
    app.addHook('onRequest', (request, _reply, done) => {
      request.journalSeqAtStart = service.seq;
      const failure = service.failure;
      if (failure && !SAFE_METHODS.has(request.method) && request.url.startsWith('/api/')) {
        done(storageProblem(service, failure, true));
        return;
      }
      done();
    });

    // An acknowledged change is on disk: the answer waits for the journal's flush.
    app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void) => {
      if (service.seq === request.journalSeqAtStart) {
        done(null, payload);
        return;
      }
      service.commit().then(
        () => done(null, payload),
        (error: Error) => {
          // A read that only touched bookkeeping (a sandbox opened, an expired token forgotten) still answers.
          if (SAFE_METHODS.has(request.method)) {
            done(null, payload);
            return;
          }
          report(error, `Saving the change of ${request.method} ${request.routeOptions.url ?? request.url} failed`);
          const problem = storageProblem(service, error, false);
          reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).removeHeader('etag').removeHeader('location');
          for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
          done(null, JSON.stringify(problem.toJSON(request.url), null, 2));
        },
      );
    });

    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      try {
        await service.close();
      } catch (error) {
        report(error as Error, 'Saving at shutdown failed');
      }
    });
  },
  { name: 'persistence' },
);
