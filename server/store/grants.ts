// Where sessions and tokens are kept, by the SHA-256 digest of their secret (never the secret itself):
// in memory by default (journalled to DATA_DIR like sandboxes), in Redis with REDIS_URL (redis-grants.ts).
// The rules about what a grant is worth (expiry, epoch, revocation) live in services/auth.ts, once.

export interface Grant {
  sandboxId: string;
  /** The sandbox's epoch when the grant was issued (see SandboxData.epoch). */
  epoch: string;
  userId: number;
  expiresAt: number;
}

export type AuthRecord = { op: 'grant'; d: string; g: Grant } | { op: 'revoke'; d: string };

export interface GrantStore {
  /** Keeps a grant until its expiresAt. */
  put(digest: string, grant: Grant): Promise<void>;
  get(digest: string): Promise<Grant | undefined>;
  /** Forgets a grant; false when there was none. */
  delete(digest: string): Promise<boolean>;
  /** Forgets every grant of a sandbox, or of one user in it, except the one with digest `keep`; how many. */
  deleteWhere(sandboxId: string, userId: number | undefined, keep?: string): Promise<number>;
}

/** Ceiling on live sessions plus tokens held in memory; the oldest are dropped beyond it. */
const MAX_CREDENTIALS = 50_000;

export class MemoryGrantStore implements GrantStore {
  readonly #grants = new Map<string, Grant>();
  /** Increases whenever a session or token is issued or ended (for snapshots). */
  changes = 0;
  /** Receives every grant and revocation (persistence journals them before answering). */
  onRecord: ((record: AuthRecord) => void) | undefined;

  constructor(private readonly now: () => number) {}

  async put(digest: string, grant: Grant): Promise<void> {
    this.#grants.set(digest, grant);
    this.changes += 1;
    this.onRecord?.({ op: 'grant', d: digest, g: grant });
    while (this.#grants.size > MAX_CREDENTIALS) this.#forget(this.#grants.keys().next().value as string);
  }

  async get(digest: string): Promise<Grant | undefined> {
    return this.#grants.get(digest);
  }

  async delete(digest: string): Promise<boolean> {
    return this.#forget(digest);
  }

  async deleteWhere(sandboxId: string, userId: number | undefined, keep?: string): Promise<number> {
    let ended = 0;
    for (const [digest, grant] of this.#grants) {
      if (grant.sandboxId === sandboxId && (userId === undefined || grant.userId === userId) && digest !== keep) {
        this.#forget(digest);
        ended += 1;
      }
    }
    return ended;
  }

  #forget(digest: string): boolean {
    if (!this.#grants.delete(digest)) return false;
    this.changes += 1;
    this.onRecord?.({ op: 'revoke', d: digest });
    return true;
  }

  exportState(): [string, Grant][] {
    const now = this.now();
    return [...this.#grants].filter(([, grant]) => grant.expiresAt > now);
  }

  importState(entries: [string, Grant][]): void {
    for (const [digest, grant] of entries) {
      // Grants saved before epochs existed (keyed by the secret itself) are not trusted: log in again.
      if (typeof grant.epoch !== 'string' || digest.startsWith('s_') || digest.startsWith('t_')) continue;
      this.#grants.set(digest, grant);
    }
  }

  /** Applies a journalled grant or revocation again (at start, after the snapshot). */
  applyRecord(record: AuthRecord): void {
    if (record.op === 'grant') this.#grants.set(record.d, record.g);
    else this.#grants.delete(record.d);
  }
}
