// DATA_DIR belongs to one server at a time, and only to the user the server runs as. At start the folder is
// created (0700) and checked for writing, and a lock file holding the server's process id is made with
// O_EXCL: a second server on the same folder refuses to start instead of overwriting the first one's data.
// A lock left by a server that died (kill -9) names a process that no longer runs, and is taken over.
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config';

export const LOCK_FILE = 'server.lock';

/** A DATA_DIR this server cannot use: says which folder, why, and what to do. */
export class DataDirError extends ConfigError {}

/** Locks held by this process (a second app in the same process must not share one either). */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message ?? String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** Prepares and locks DATA_DIR; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!statSync(dataDir).isDirectory()) throw new Error('it is not a folder');
  } catch (error) {
    throw new DataDirError(`DATA_DIR ${dataDir} cannot be used (${describe(error)}). Point DATA_DIR at a folder this server may create and write.`);
  }
  try {
    // Learners' data is nobody else's business.
    chmodSync(dataDir, 0o700);
  } catch {
    // A folder owned by someone else keeps its mode; the files themselves are still 0600.
  }
  const lock = join(dataDir, LOCK_FILE);
  if (heldHere.has(lock)) {
    throw new DataDirError(`DATA_DIR ${dataDir} is already in use by another server in this process. Give each server its own DATA_DIR.`);
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DataDirError(`DATA_DIR ${dataDir} is not writable (${describe(error)}). Give the server's user write access to it, or point DATA_DIR elsewhere.`);
      }
      let owner = NaN;
      try {
        owner = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        // Unreadable: treated as stale below.
      }
      if (alive(owner) && owner !== process.pid) {
        throw new DataDirError(`DATA_DIR ${dataDir} is in use by another server (process ${owner}, see ${lock}). Two servers on one DATA_DIR would overwrite each other's data: stop the other one, or give this one its own DATA_DIR.`);
      }
      rmSync(lock, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(lock);
    return () => {
      heldHere.delete(lock);
      rmSync(lock, { force: true });
    };
  }
  throw new DataDirError(`DATA_DIR ${dataDir}: could not take the lock ${lock}. Remove it if no server is running.`);
}
