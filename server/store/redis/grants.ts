// Sessions and tokens in Redis (REDIS_URL): a session made on one server process is valid on every other.
// P g:<digest> holds the grant (JSON) and expires with it; P gs:<sandbox> lists "<userId>:<digest>" of the
// sandbox's grants, so a password change or a reset ends them in one script.
import type { Redis } from 'ioredis';
import type { Grant, GrantStore } from '../grants';
import { Script, viaRedis } from './connection';

/** How long a sandbox's grant list is kept after its last grant: the longest credential's life. */
const LIST_TTL_MS = 24 * 60 * 60 * 1000;

// KEYS: list. ARGV: prefix + 'g:', user id or '', digest to keep or ''.
const DELETE_WHERE = `
local ended = 0
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local sep = string.find(member, ':', 1, true)
  local user, digest = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
  if (ARGV[2] == '' or user == ARGV[2]) and digest ~= ARGV[3] then
    ended = ended + redis.call('DEL', ARGV[1] .. digest)
    redis.call('SREM', KEYS[1], member)
  end
end
return ended
`;

// KEYS: grant, list. ARGV: grant JSON, ms to live, list member, list ms to live.
const PUT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
`;

export class RedisGrantStore implements GrantStore {
  readonly #deleteWhere: Script;
  readonly #put: Script;

  constructor(
    private readonly client: Redis,
    private readonly now: () => number,
    private readonly prefix = 'hs:',
  ) {
    this.#deleteWhere = new Script(client, 'hsGrantsDeleteWhere', 1, DELETE_WHERE);
    this.#put = new Script(client, 'hsGrantsPut', 2, PUT);
  }

  async put(digest: string, grant: Grant): Promise<void> {
    await this.#put.run(
      [`${this.prefix}g:${digest}`, `${this.prefix}gs:${grant.sandboxId}`],
      [JSON.stringify(grant), Math.max(1, grant.expiresAt - this.now()), `${grant.userId}:${digest}`, LIST_TTL_MS],
    );
  }

  async get(digest: string): Promise<Grant | undefined> {
    const raw = await viaRedis(this.client.get(`${this.prefix}g:${digest}`));
    return raw === null ? undefined : (JSON.parse(raw) as Grant);
  }

  async delete(digest: string): Promise<boolean> {
    return (await viaRedis(this.client.del(`${this.prefix}g:${digest}`))) === 1;
  }

  async deleteWhere(sandboxId: string, userId: number | undefined, keep?: string): Promise<number> {
    return Number(await this.#deleteWhere.run([`${this.prefix}gs:${sandboxId}`], [`${this.prefix}g:`, userId === undefined ? '' : String(userId), keep ?? '']));
  }
}
