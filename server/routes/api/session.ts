// Logging in: a session cookie for browsers (POST /api/session) and bearer tokens for curl and
// scripts (POST /api/tokens). Authentication is "who are you"; authorisation happens in each route.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { JSON_ONLY } from '../../http/json-body';
import { HttpProblem } from '../../http/problem';
import { CredentialsSchema, SandboxQuerySchema, SessionSchema, TokenSchema } from '../../protocol/toy-api-schemas';
import { publicUser, REALM } from '../../services/auth';
import { verifyPassword } from '../../services/passwords';
import type { RequestSandbox } from '../../services/sandboxes';
import { DEMO_USERS } from '../../store/seed';
import type { UserRecord } from '../../store/types';
import { NoContent, declareResource, problemResponses } from './collection';


/** Failed log-ins per account per address (rate-limits.ts), so one password cannot be guessed quickly. */
export const LOGIN_FAILURE_BUCKET = 'login-failures';

async function checkCredentials(
  request: FastifyRequest,
  sandbox: RequestSandbox,
  credentials: { username: string; password: string },
): Promise<UserRecord> {
  const username = credentials.username.toLowerCase();
  // A guess costs a token before the password is checked (so parallel guesses cannot all slip through);
  // a right password gives it back.
  const account = `${sandbox.id}/${username}`;
  await request.server.rateLimits.take(LOGIN_FAILURE_BUCKET, request, account);
  const user = (await sandbox.data.users.list()).find((u) => u.username === username);
  // Verify against a hash even for unknown users, so timing does not reveal which usernames exist.
  const ok = await verifyPassword(credentials.password, user?.passwordHash ?? DUMMY_HASH);
  if (user && ok) {
    await request.server.rateLimits.refund(LOGIN_FAILURE_BUCKET, request, account);
    return user;
  }
  throw new HttpProblem(
    'invalid-credentials',
    `That username and password do not match a user in sandbox "${sandbox.id}". Check both (passwords are case-sensitive); the demo users are ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(' and ')}.`,
    { headers: { 'www-authenticate': `Bearer realm="${REALM}"` } },
  );
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const session: FastifyPluginAsyncTypebox = async (app) => {
  declareResource(app, '/session', ['GET', 'POST', 'DELETE']);
  declareResource(app, '/tokens', ['POST']);

  const whoAmI = async (request: FastifyRequest) => {
    const sandbox = await app.sandboxes.forRequest(request);
    return { sandbox, user: await app.auth.currentUser(request, sandbox) };
  };

  // A learner logs in: 201 and a Set-Cookie (HttpOnly, SameSite=Lax) that the browser sends back.
  app.post(
    '/session',
    {
      config: { accepts: JSON_ONLY, rateLimit: 'login' },
      schema: { tags: ['users'], summary: 'Log in (sets a session cookie)', querystring: SandboxQuerySchema, body: CredentialsSchema, response: { 201: SessionSchema, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = await checkCredentials(request, sandbox, request.body);
      const expiresAt = await app.auth.startSession(reply, sandbox, user.id);
      reply.header('cache-control', 'no-store').header('location', '/api/session');
      return reply.code(201).send({ user: publicUser(user), expiresAt: expiresAt.toISOString() });
    },
  );

  // A learner asks "who am I?": 200 with the user, or 401 when not logged in.
  app.get(
    '/session',
    { schema: { tags: ['users'], summary: 'Who am I?', querystring: SandboxQuerySchema, response: { 200: Type.Object({ user: SessionSchema.properties.user }), ...problemResponses } } },
    async (request, reply) => {
      const { user, sandbox } = await whoAmI(request);
      if (!user) await app.auth.requireUser(request, sandbox, 'see who you are');
      return reply.header('cache-control', 'no-store').send({ user: publicUser(user!) });
    },
  );

  // A learner logs out: 204, and a Set-Cookie with Max-Age=0 that makes the browser forget the cookie.
  app.delete(
    '/session',
    { schema: { tags: ['users'], summary: 'Log out', querystring: SandboxQuerySchema, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      await app.auth.endSession(request, reply);
      return reply.code(204).send();
    },
  );

  // A curl user gets a bearer token to send as Authorization: Bearer <token>.
  app.post(
    '/tokens',
    {
      config: { accepts: JSON_ONLY, rateLimit: 'login' },
      schema: { tags: ['users'], summary: 'Get a bearer token', querystring: SandboxQuerySchema, body: CredentialsSchema, response: { 201: TokenSchema, ...problemResponses } },
    },
    async (request, reply) => {
      const sandbox = await app.sandboxes.forRequest(request);
      const user = await checkCredentials(request, sandbox, request.body);
      const { secret: token, expiresAt } = await app.auth.issueToken(sandbox, user.id);
      // Tokens are secrets: no cache may keep them (RFC 6749 §5.1).
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString() });
    },
  );
};

export default session;
