// Atomic snapshot files: write to a temporary file in the same folder, flush it to disk, then rename
// over the old snapshot. A crash at any moment leaves either the old snapshot or the new one, whole; a
// write that fails (a full disk) removes the temporary file and leaves the old snapshot as it was.
// Files are readable by their owner only (0600): they hold learners' data and credential digests.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config';

/** A data file that cannot be read: names the file and what is wrong with it, without a stack. */
export class DataFileError extends ConfigError {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}. Move the file aside to start without it, or put back a backup copy.`);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  // writeSync may write less than asked (a nearly full disk); the next call then throws ENOSPC.
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

export function writeSnapshotAtomic(path: string, data: unknown): void {
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeAll(fd, Buffer.from(JSON.stringify(data)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  // Make the rename itself durable.
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export function readSnapshot<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DataFileError(path, `is not a valid snapshot (${(error as Error).message})`);
  }
}
