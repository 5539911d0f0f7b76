// With DATA_DIR set, everything learners made (sandboxes, sessions, and any other part that registers)
// is saved to one snapshot file — atomically, every few seconds when something changed, and at
// shutdown — and restored at start, so a restart in the middle of a class loses nothing.
import { join } from 'node:path';
import fp from 'fastify-plugin';
import { readSnapshot, writeSnapshotAtomic } from '../store/snapshot-file';

export interface PersistentPart {
  /** Key in the snapshot file. */
  name: string;
  /** A number that changes whenever the part's state changes. */
  version: () => number;
  save: () => unknown;
  restore: (data: unknown) => void;
}

interface SnapshotFile {
  savedAt: string;
  parts: Record<string, unknown>;
}

export const SNAPSHOT_FILE = 'snapshot.json';

export class PersistenceService {
  readonly #parts: PersistentPart[] = [];
  #savedVersions = new Map<string, number>();

  constructor(readonly dataDir: string | undefined) {}

  get enabled(): boolean {
    return this.dataDir !== undefined;
  }

  get path(): string | undefined {
    return this.dataDir ? join(this.dataDir, SNAPSHOT_FILE) : undefined;
  }

  register(part: PersistentPart): void {
    this.#parts.push(part);
  }

  restore(): { restored: string[] } {
    const path = this.path;
    if (!path) return { restored: [] };
    const file = readSnapshot<SnapshotFile>(path);
    if (!file) return { restored: [] };
    const restored: string[] = [];
    for (const part of this.#parts) {
      if (file.parts[part.name] === undefined) continue;
      part.restore(file.parts[part.name]);
      this.#savedVersions.set(part.name, part.version());
      restored.push(part.name);
    }
    return { restored };
  }

  /** Saves when any part changed since the last save (or always, when forced). */
  save(force = false): boolean {
    const path = this.path;
    if (!path) return false;
    const changed = this.#parts.some((part) => this.#savedVersions.get(part.name) !== part.version());
    if (!changed && !force) return false;
    const parts: Record<string, unknown> = {};
    const versions = new Map<string, number>();
    for (const part of this.#parts) {
      versions.set(part.name, part.version());
      parts[part.name] = part.save();
    }
    writeSnapshotAtomic(path, { savedAt: new Date().toISOString(), parts } satisfies SnapshotFile);
    this.#savedVersions = versions;
    return true;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    persistence: PersistenceService;
  }
}

export interface PersistenceOptions {
  dataDir?: string;
  intervalMs: number;
}

export default fp<PersistenceOptions>(
  async (app, options) => {
    const service = new PersistenceService(options.dataDir);
    app.decorate('persistence', service);
    if (!service.enabled) return;
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      const { restored } = service.restore();
      if (restored.length) app.log.info(`Restored ${restored.join(', ')} from ${service.path}`);
      timer = setInterval(() => {
        try {
          service.save();
        } catch (error) {
          app.log.error({ err: error }, 'saving the snapshot failed');
        }
      }, options.intervalMs);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      service.save();
    });
  },
  { name: 'persistence' },
);
