// The write-ahead journal: one JSON line per change, appended and flushed to disk (fdatasync) before the
// change is acknowledged. Appends made while a flush is in progress go out together in the next one (group
// commit), so a class writing at once costs one disk flush per batch, not one per write.
//
// A failed append (a full disk, a disk gone read-only) keeps the records in memory, rejects the waiting
// writers and reports the error; the next flush tries again, so nothing is dropped when space returns.
import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DataFileError } from './snapshot-file';

export interface JournalRecord {
  /** Sequence number: records at or below the snapshot's are already in it. */
  q: number;
  /** The part that wrote it (sandboxes, sessions). */
  p: string;
  [field: string]: unknown;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Journal {
  #handle: FileHandle | undefined;
  #seq: number;
  #pending: string[] = [];
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  /** The last write error, until a flush succeeds again. */
  failure: Error | undefined;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    seq: number,
  ) {
    this.#handle = handle;
    this.#seq = seq;
  }

  static async open(path: string, seq: number): Promise<Journal> {
    return new Journal(path, await open(path, 'a', 0o600), seq);
  }

  /** The sequence number of the last record appended. */
  get seq(): number {
    return this.#seq;
  }

  /** Records appended and not yet on disk. */
  get pending(): number {
    return this.#pending.length;
  }

  append(part: string, record: Record<string, unknown>): void {
    this.#seq += 1;
    this.#pending.push(`${JSON.stringify({ q: this.#seq, p: part, ...record })}\n`);
  }

  /** Resolves once every record appended so far is on disk; rejects when writing failed. */
  flush(): Promise<void> {
    if (this.#pending.length === 0 && !this.#flushing) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    void this.#run();
    return done;
  }

  async #run(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = (async () => {
      while (this.#waiters.length > 0 || this.#pending.length > 0) {
        const batch = this.#pending;
        const waiters = this.#waiters;
        this.#pending = [];
        this.#waiters = [];
        try {
          const data = Buffer.from(batch.join(''));
          await writeFully(this.#handle!, data);
          await this.#handle!.datasync();
          this.failure = undefined;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          // Keep the records for the next try, in order, ahead of newer ones.
          this.#pending = [...batch, ...this.#pending];
          this.failure = error as Error;
          for (const waiter of waiters) waiter.reject(error as Error);
          break;
        }
      }
    })();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Waits for a flush in progress to end. */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
  }

  /**
   * Called right after a snapshot holding every record up to `seq` is on disk: empties the journal file
   * and settles the writers of records the snapshot already holds.
   */
  truncated(): void {
    const fd = openSync(this.path, 'r+');
    try {
      ftruncateSync(fd, 0);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#pending = [];
    this.failure = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  async close(): Promise<void> {
    await this.idle();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    // A short write is not an error by itself; the next write reports why (ENOSPC).
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Reads a journal: its records in order. The last line may be cut short by a crash in the middle of an
 * append — such a record was never acknowledged and is skipped. Any other bad line is corruption: an error
 * naming the file and line.
 */
export function readJournal(path: string): JournalRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  lines.forEach((line, index) => {
    if (line === '') return;
    const last = index === lines.length - 1;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (error) {
      if (last) return;
      throw new DataFileError(path, `line ${index + 1} is not valid JSON (${(error as Error).message})`);
    }
  });
  return records;
}
