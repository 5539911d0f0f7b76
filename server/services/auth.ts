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

export const SESSION_COOKIE = 'sid';
export const REALM = 'HTTP Sandbox';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Ceiling on live sessions plus tokens; the oldest are dropped beyond it. */
const MAX_CREDENTIALS = 50_000;

export interface Grant {
  sandboxId: string;
  /** The sandbox's epoch when the grant was issued (see SandboxData.epoch). */
  epoch: string;
  userId: number;
  expiresAt: number;
}

export type AuthRecord = { op: 'grant'; d: string; g: Grant } | { op: 'revoke'; d: string };

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
  readonly #grants = new Map<string, Grant>();
  readonly #now: () => Date;
  /** Increases whenever a session or token is issued or ended (for snapshots). */
  changes = 0;

  exportState(): [string, Grant][] {
    const now = this.#now().getTime();
    return [...this.#grants].filter(([, grant]) => grant.expiresAt > now);
  }

  importState(entries: [string, Grant][]): void {
    for (const [digest, grant] of entries) {
      // Grants saved before epochs existed (keyed by the secret itself) are not trusted: log in again.
      if (typeof grant.epoch !== 'string' || digest.startsWith('s_') || digest.startsWith('t_')) continue;
      this.#grants.set(digest, grant);
    }
  }

  /** Ends every session and token of one user of one sandbox, except the one `keep` authenticated with. */
  revokeUser(sandbox: GrantTarget, userId: number, keep?: FastifyRequest): number {
    const kept = keep ? this.#presentedSecret(keep) : undefined;
    const keptDigest = kept ? secretDigest(kept) : undefined;
    let ended = 0;
    for (const [digest, grant] of this.#grants) {
      if (grant.sandboxId === sandbox.id && grant.userId === userId && digest !== keptDigest) {
        this.#forget(digest);
        ended += 1;
      }
    }
    return ended;
  }

  /** Ends every session and token issued in a sandbox (after a reset; its epoch already disowns them). */
  revokeSandbox(sandboxId: string): number {
    let ended = 0;
    for (const [digest, grant] of this.#grants) {
      if (grant.sandboxId === sandboxId) {
        this.#forget(digest);
        ended += 1;
      }
    }
    return ended;
  }

  /** Receives every grant and revocation (persistence journals them before answering). */
  onRecord: ((record: AuthRecord) => void) | undefined;

  #forget(digest: string): boolean {
    if (!this.#grants.delete(digest)) return false;
    this.changes += 1;
    this.onRecord?.({ op: 'revoke', d: digest });
    return true;
  }

  /** Applies a journalled grant or revocation again (at start, after the snapshot). */
  applyRecord(record: AuthRecord): void {
    if (record.op === 'grant') this.#grants.set(record.d, record.g);
    else this.#grants.delete(record.d);
  }

  /** The secret this request presents: the bearer token, else the session cookie. */
  #presentedSecret(request: FastifyRequest): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match ? match[1] : parseCookies(request.headers.cookie)[SESSION_COOKIE];
  }

  constructor(options: AuthOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  #issue(prefix: string, sandbox: GrantTarget, userId: number, ttl: number): { secret: string; expiresAt: Date } {
    const secret = `${prefix}${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.#now().getTime() + ttl;
    const digest = secretDigest(secret);
    const grant = { sandboxId: sandbox.id, epoch: sandbox.data.epoch, userId, expiresAt };
    this.#grants.set(digest, grant);
    this.changes += 1;
    this.onRecord?.({ op: 'grant', d: digest, g: grant });
    while (this.#grants.size > MAX_CREDENTIALS) {
      const oldest = this.#grants.keys().next().value as string;
      this.#forget(oldest);
    }
    return { secret, expiresAt: new Date(expiresAt) };
  }

  startSession(reply: FastifyReply, sandbox: GrantTarget, userId: number): Date {
    const { secret, expiresAt } = this.#issue('s_', sandbox, userId, SESSION_TTL_MS);
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, secret, { maxAgeSeconds: SESSION_TTL_MS / 1000, httpOnly: true, sameSite: 'Lax', secure: isHttps(reply.request) }),
    );
    return expiresAt;
  }

  endSession(request: FastifyRequest, reply: FastifyReply): boolean {
    const secret = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: isHttps(request) }));
    return secret !== undefined && this.#forget(secretDigest(secret));
  }

  issueToken(sandbox: GrantTarget, userId: number): { token: string; expiresAt: Date } {
    const { secret, expiresAt } = this.#issue('t_', sandbox, userId, TOKEN_TTL_MS);
    return { token: secret, expiresAt };
  }

  #lookup(secret: string, sandbox: RequestSandbox): UserRecord | undefined {
    const digest = secretDigest(secret);
    const grant = this.#grants.get(digest);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.#now().getTime()) {
      this.#forget(digest);
      return undefined;
    }
    if (grant.sandboxId !== sandbox.id) return undefined;
    if (grant.epoch !== sandbox.data.epoch) {
      // The sandbox was reset or evicted since: its users are other people now.
      this.#forget(digest);
      return undefined;
    }
    return sandbox.data.users.get(grant.userId);
  }

  /**
   * The signed-in user, or undefined. A bearer token that is unknown or expired is an error of its own
   * (RFC 6750 §3.1 invalid_token), so the client learns its token is the problem.
   */
  currentUser(request: FastifyRequest, sandbox: RequestSandbox): UserRecord | undefined {
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
      const user = this.#lookup(match[1]!, sandbox);
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
    const user = this.#lookup(secret, sandbox);
    if (user) checkSameOrigin(request);
    return user;
  }

  /** The signed-in user, or a 401 that explains how to log in. `action` reads like "create a book". */
  requireUser(request: FastifyRequest, sandbox: RequestSandbox, action: string): UserRecord {
    const user = this.currentUser(request, sandbox);
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
    app.persistence.register({
      name: 'sessions',
      version: () => service.changes,
      save: () => service.exportState(),
      restore: (data) => service.importState(data as [string, Grant][]),
      journal: {
        attach: (write) => {
          service.onRecord = write;
        },
        apply: (record) => service.applyRecord(record as unknown as AuthRecord),
      },
    });
  },
  { name: 'auth', dependencies: ['persistence'] },
);
