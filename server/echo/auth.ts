// Authentication: Basic (and hidden Basic), Bearer, and Digest with a real challenge and check.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { HttpProblem } from '../http/problem';
import { READ_ONLY, endpoint, type EchoRequest, type EchoRoute } from './endpoint';
import { bodyOf, sendJson } from './reply';

const DIGEST_REALM = 'HTTP Sandbox';

function basicCredentials(request: EchoRequest): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const basic = (hidden: boolean) => (request: EchoRequest, reply: FastifyReply) => {
  const credentials = basicCredentials(request);
  if (credentials && credentials.user === request.params.user && credentials.password === request.params.passwd) {
    return sendJson(reply, { authenticated: true, user: credentials.user });
  }
  if (hidden) return reply.code(404).send();
  return reply.code(401).header('www-authenticate', 'Basic realm="Fake Realm"').send();
};

/** Digest access authentication (RFC 7616): a 401 challenge, then the client's hashed answer is checked. */
function digest(request: EchoRequest, reply: FastifyReply, algorithm: string) {
  const { qop = '', user = '', passwd = '' } = request.params;
  const hashName = { MD5: 'md5', 'SHA-256': 'sha256' }[algorithm.toUpperCase() === 'SHA-256' ? 'SHA-256' : algorithm.toUpperCase()];
  if (!hashName || !['auth', 'auth-int'].includes(qop)) {
    throw new HttpProblem('invalid-path', 'Use /digest-auth/auth/<user>/<password> (qop auth or auth-int), optionally ending in /MD5 or /SHA-256.');
  }
  const h = (text: string) => createHash(hashName).update(text).digest('hex');
  const header = request.headers.authorization ?? '';
  if (/^Digest\s/i.test(header)) {
    const fields: Record<string, string> = {};
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) fields[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
    const ha1 = h(`${user}:${DIGEST_REALM}:${passwd}`);
    const ha2 = fields.qop === 'auth-int' ? h(`${request.method}:${fields.uri}:${h(bodyOf(request).toString('latin1'))}`) : h(`${request.method}:${fields.uri}`);
    const expected = fields.qop ? h(`${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`) : h(`${ha1}:${fields.nonce}:${ha2}`);
    if (fields.username === user && fields.response === expected) return sendJson(reply, { authenticated: true, user });
  }
  const nonce = randomBytes(16).toString('hex');
  const opaque = createHash('md5').update(`${DIGEST_REALM}:${user}`).digest('hex');
  return reply
    .code(401)
    .header('www-authenticate', `Digest realm="${DIGEST_REALM}", qop="${qop}", nonce="${nonce}", opaque="${opaque}", algorithm=${algorithm.toUpperCase()}`)
    .send();
}

export const AUTH: readonly EchoRoute[] = [
  endpoint(
    { path: '/basic-auth/:user/:passwd', methods: READ_ONLY, group: 'auth', description: 'Needs Basic auth with the user and password in the path.', teaches: '401 and WWW-Authenticate: Basic.', samples: ['/basic-auth/ada/lovelace'] },
    basic(false),
  ),
  endpoint(
    { path: '/hidden-basic-auth/:user/:passwd', methods: READ_ONLY, group: 'auth', description: 'Like basic-auth, but answers 404 instead of 401.', teaches: 'Hiding that a resource exists.', samples: ['/hidden-basic-auth/ada/lovelace'] },
    basic(true),
  ),
  endpoint(
    { path: '/bearer', methods: READ_ONLY, group: 'auth', description: 'Needs any Authorization: Bearer token.', teaches: 'Bearer tokens (RFC 6750).', samples: ['/bearer'] },
    (request, reply) => {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return reply.code(401).header('www-authenticate', 'Bearer').send();
      return sendJson(reply, { authenticated: true, token });
    },
  ),
  endpoint(
    { path: '/digest-auth/:qop/:user/:passwd', methods: READ_ONLY, group: 'auth', description: 'Needs HTTP Digest auth (qop auth or auth-int, MD5 or SHA-256 via /:algorithm).', teaches: 'Challenge and response: the password never crosses the wire.', samples: ['/digest-auth/auth/ada/lovelace'] },
    (request, reply) => digest(request, reply, 'MD5'),
  ),
  endpoint(
    { path: '/digest-auth/:qop/:user/:passwd/:algorithm', methods: READ_ONLY, group: 'auth', description: 'Digest auth with a chosen algorithm (MD5, SHA-256).', teaches: 'Digest algorithms.', samples: ['/digest-auth/auth/ada/lovelace/SHA-256'] },
    (request, reply) => digest(request, reply, request.params.algorithm ?? 'MD5'),
  ),
];
