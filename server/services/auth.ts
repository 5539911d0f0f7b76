// Who is making the request: a session cookie from POST /api/session, or a bearer token from
// POST /api/tokens. Reads are public; writes call requireUser(), which answers 401 with
// WWW-Authenticate (RFC 9110 §11.6.1) and says how to log in.
//
// A credential dies with what it was issued for. Each grant records the sandbox's epoch (a random value
// the sandbox draws when it is created, reset, or evicted and opened anew) and the user it names; a grant
// whose sandbox has another epoch now, or whose user is gone, authenticates nobody. A password change ends
// the user's other sessions and tokens, and deleting the user ends them all. Only a SHA-256 digest of each
// secret is kept (in memory and in DATA_DIR), so a copy of the saved state logs nobody in.
import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import type { UserRecord } from '../store/types';
import { DEMO_USERS } from '../store/seed';
import type { User } from '../protocol/api-types';
import { parseCookies, serializeCookie } from './cookies';
import { isHttps, publicOrigin } from './client-address';
import type { RequestSandbox } from './sandboxes';
import type { Redis } from 'ioredis';
import { RedisGrantStore } from '../store/redis/grants';
import { MemoryGrantStore, type AuthRecord, type Grant, type GrantStore } from '../store/grants';

export const SESSION_COOKIE = 'sid';
export const REALM = 'HTTP Sandbox';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** The key a secret is kept under: its SHA-256 digest, never the secret itself. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Which sandbox incarnation a credential is for. */
export interface GrantTarget {
  id: string;
  data: { epoch: string };
}

export interface AuthOptions {
  now?: () => Date;
  /** With REDIS_URL: sessions and tokens live in Redis, valid on every server process. */
  redis?: Redis;
}

const LOGIN_HELP = `Log in with POST /api/session and the JSON body {"username": "${DEMO_USERS[0].username}", "password": "${DEMO_USERS[0].password}"} (a demo user), then send this request again: the browser sends the session cookie for you. From curl, get a token with POST /api/tokens and send it as Authorization: Bearer <token>.`;

export function publicUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie-authenticated changes: a browser always sends Origin with a cross-site
 * POST, PUT, PATCH or DELETE, so an Origin that is not this server's means another site is trying to
 * act with the learner's cookie. (SameSite=Lax already keeps the cookie off most such requests; this
 * is the second lock.) Requests without Origin — curl, scripts, the sandbox's own sender — carry no
 * ambient browser authority and pass.
 */
export function checkSameOrigin(request: FastifyRequest, action = 'change'): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // The origin the learner's browser is on, as seen through trusted proxies (an https site behind a
  // TLS-terminating proxy is https://…, though this server hears http). RFC 6454 §5 compares scheme, host and port.
  const own = publicOrigin(request);
  let sent: URL | undefined;
  try {
    sent = new URL(origin);
  } catch {
    sent = undefined;
  }
  if (sent !== undefined && own !== undefined && sent.origin === own) return;
  if (sent !== undefined && own !== undefined && sent.host === new URL(own).host) {
    throw new HttpProblem(
      'forbidden',
      `This ${action} came from ${sent.origin}, but this server was reached as ${own}: the scheme differs, so it was refused as a cross-site request (CSRF). If the site is served over HTTPS by a proxy in front of this server, the operator must name that proxy in TRUST_PROXY so the server knows the public scheme.`,
      { extra: { rule: 'same-origin-for-cookie-auth' } },
    );
  }
  const withCookie = action === 'change' ? ' with your session cookie' : '';
  const instead = action === 'change' ? 'Send it from the sandbox itself, or authenticate with a bearer token instead of the cookie.' : 'Send it from the sandbox itself, or from curl (which sends no Origin).';
  throw new HttpProblem(
    'forbidden',
    `This ${action} was sent from another site (Origin: ${origin})${withCookie}, so it was refused to protect you from cross-site request forgery (CSRF). ${instead}`,
    { extra: { rule: 'same-origin-for-cookie-auth' } },
  );
}

export class AuthService {
  readonly store: GrantStore;
  readonly #now: () => Date;

  constructor(options: AuthOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    const now = () => this.#now().getTime();
    this.store = options.redis ? new RedisGrantStore(options.redis, now) : new MemoryGrantStore(now);
  }

  /** Ends every session and token of one user of one sandbox, except the one `keep` authenticated with. */
  revokeUser(sandbox: GrantTarget, userId: number, keep?: FastifyRequest): Promise<number> {
    const kept = keep ? this.#presentedSecret(keep) : undefined;
    return this.store.deleteWhere(sandbox.id, userId, kept ? secretDigest(kept) : undefined);
  }

  /** Ends every session and token issued in a sandbox (after a reset; its epoch already disowns them). */
  revokeSandbox(sandboxId: string): Promise<number> {
    return this.store.deleteWhere(sandboxId, undefined);
  }

  /** The secret this request presents: the bearer token, else the session cookie. */
  #presentedSecret(request: FastifyRequest): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match ? match[1] : parseCookies(request.headers.cookie)[SESSION_COOKIE];
  }

  async #issue(prefix: string, sandbox: GrantTarget, userId: number, ttl: number): Promise<{ secret: string; expiresAt: Date }> {
    const secret = `${prefix}${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.#now().getTime() + ttl;
    await this.store.put(secretDigest(secret), { sandboxId: sandbox.id, epoch: sandbox.data.epoch, userId, expiresAt });
    return { secret, expiresAt: new Date(expiresAt) };
  }

  async startSession(reply: FastifyReply, sandbox: GrantTarget, userId: number): Promise<Date> {
    const { secret, expiresAt } = await this.#issue('s_', sandbox, userId, SESSION_TTL_MS);
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, secret, { maxAgeSeconds: SESSION_TTL_MS / 1000, httpOnly: true, sameSite: 'Lax', secure: isHttps(reply.request) }),
    );
    return expiresAt;
  }

  async endSession(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const secret = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: isHttps(request) }));
    return secret !== undefined && (await this.store.delete(secretDigest(secret)));
  }

  issueToken(sandbox: GrantTarget, userId: number): Promise<{ secret: string; expiresAt: Date }> {
    return this.#issue('t_', sandbox, userId, TOKEN_TTL_MS);
  }

  async #lookup(secret: string, sandbox: RequestSandbox): Promise<UserRecord | undefined> {
    const digest = secretDigest(secret);
    const grant = await this.store.get(digest);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.#now().getTime()) {
      await this.store.delete(digest);
      return undefined;
    }
    if (grant.sandboxId !== sandbox.id) return undefined;
    if (grant.epoch !== sandbox.data.epoch) {
      // The sandbox was reset or evicted since: its users are other people now.
      await this.store.delete(digest);
      return undefined;
    }
    return sandbox.data.users.get(grant.userId);
  }

  /**
   * The signed-in user, or undefined. A bearer token that is unknown or expired is an error of its own
   * (RFC 6750 §3.1 invalid_token), so the client learns its token is the problem.
   */
  async currentUser(request: FastifyRequest, sandbox: RequestSandbox): Promise<UserRecord | undefined> {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) {
        throw new HttpProblem(
          'authentication-required',
          `The Authorization header must be "Bearer <token>", but it starts with ${JSON.stringify(authorization.split(' ')[0])}. Get a token with POST /api/tokens. ${LOGIN_HELP}`,
          { headers: { 'www-authenticate': `Bearer realm="${REALM}"` } },
        );
      }
      const user = await this.#lookup(match[1]!, sandbox);
      if (!user) {
        throw new HttpProblem(
          'authentication-required',
          `The bearer token is unknown or has expired, or it belongs to another sandbox than "${sandbox.id}". Get a new one with POST /api/tokens.`,
          { headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token"` } },
        );
      }
      return user;
    }
    const secret = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    if (!secret) return undefined;
    const user = await this.#lookup(secret, sandbox);
    if (user) checkSameOrigin(request);
    return user;
  }

  /** The signed-in user, or a 401 that explains how to log in. `action` reads like "create a book". */
  async requireUser(request: FastifyRequest, sandbox: RequestSandbox, action: string): Promise<UserRecord> {
    const user = await this.currentUser(request, sandbox);
    if (user) return user;
    const hadCookie = parseCookies(request.headers.cookie)[SESSION_COOKIE] !== undefined;
    throw new HttpProblem(
      'authentication-required',
      `You must be logged in to ${action}: reading is public, but every change needs a user. ${hadCookie ? 'Your session cookie has expired or was logged out. ' : ''}${LOGIN_HELP}`,
      { headers: { 'www-authenticate': `Bearer realm="${REALM}"` } },
    );
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
  }
}

export default fp<AuthOptions>(
  async (app, options) => {
    const service = new AuthService(options);
    app.decorate('auth', service);
    const store = service.store;
    if (store instanceof MemoryGrantStore) {
      app.persistence.register({
        name: 'sessions',
        version: () => store.changes,
        save: () => store.exportState(),
        restore: (data) => store.importState(data as [string, Grant][]),
        journal: {
          attach: (write) => {
            store.onRecord = write;
          },
          apply: (record) => store.applyRecord(record as unknown as AuthRecord),
        },
      });
    }
  },
  { name: 'auth', dependencies: ['persistence'] },
);
