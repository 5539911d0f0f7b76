// Who is making the request: a session cookie from POST /api/session, or a bearer token from
// POST /api/tokens. Reads are public; writes call requireUser(), which answers 401 with
// WWW-Authenticate (RFC 9110 §11.6.1) and says how to log in.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import type { UserRecord } from '../store/types';
import { DEMO_USERS } from '../store/seed';
import type { User } from '../protocol';
import { parseCookies, serializeCookie } from './cookies';
import type { RequestSandbox } from './sandboxes';

export const SESSION_COOKIE = 'sid';
export const REALM = 'HTTP Sandbox';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Ceiling on live sessions plus tokens; the oldest are dropped beyond it. */
const MAX_CREDENTIALS = 50_000;

interface Grant {
  sandboxId: string;
  userId: number;
  expiresAt: number;
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
export function checkSameOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && originHost === request.headers.host) return;
  throw new HttpProblem(
    'forbidden',
    `This change was sent from another site (Origin: ${origin}) with your session cookie, so it was refused to protect you from cross-site request forgery (CSRF). Send it from the sandbox itself, or authenticate with a bearer token instead of the cookie.`,
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
    for (const [secret, grant] of entries) this.#grants.set(secret, grant);
  }

  constructor(options: AuthOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  #issue(prefix: string, sandboxId: string, userId: number, ttl: number): { secret: string; expiresAt: Date } {
    const secret = `${prefix}${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.#now().getTime() + ttl;
    this.#grants.set(secret, { sandboxId, userId, expiresAt });
    this.changes += 1;
    while (this.#grants.size > MAX_CREDENTIALS) {
      const oldest = this.#grants.keys().next().value as string;
      this.#grants.delete(oldest);
    }
    return { secret, expiresAt: new Date(expiresAt) };
  }

  startSession(reply: FastifyReply, sandboxId: string, userId: number): Date {
    const { secret, expiresAt } = this.#issue('s_', sandboxId, userId, SESSION_TTL_MS);
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, secret, { maxAgeSeconds: SESSION_TTL_MS / 1000, httpOnly: true, sameSite: 'Lax' }),
    );
    return expiresAt;
  }

  endSession(request: FastifyRequest, reply: FastifyReply): boolean {
    const secret = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0 }));
    this.changes += 1;
    return secret !== undefined && this.#grants.delete(secret);
  }

  issueToken(sandboxId: string, userId: number): { token: string; expiresAt: Date } {
    const { secret, expiresAt } = this.#issue('t_', sandboxId, userId, TOKEN_TTL_MS);
    return { token: secret, expiresAt };
  }

  #lookup(secret: string, sandbox: RequestSandbox): UserRecord | undefined {
    const grant = this.#grants.get(secret);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.#now().getTime()) {
      this.#grants.delete(secret);
      return undefined;
    }
    if (grant.sandboxId !== sandbox.id) return undefined;
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
    });
  },
  { name: 'auth', dependencies: ['persistence'] },
);
