// Reading the key a request carries for a room or an inbox, and the problems when it is missing or wrong.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';

/** The key from `Authorization: Bearer <key>`, or from `?key=` (EventSource cannot send headers). */
export function keyOf(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const query = (request.query as Record<string, unknown> | undefined)?.key;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/** 401: no key at all (RFC 9110 §15.5.2: the client can fix it by sending credentials). */
export function keyRequired(what: string, where: string, realm: string): HttpProblem {
  return new HttpProblem(
    'key-required',
    `Reading or changing ${what} needs its key. Send it as the header Authorization: Bearer <key> (or ?key=<key> in the URL of an event stream). ${where}`,
    { headers: { 'www-authenticate': `Bearer realm="${realm}"` } },
  );
}

/** 403: a key that does not open this room or inbox (RFC 9110 §15.5.4). */
export function wrongKey(what: string, where: string): HttpProblem {
  return new HttpProblem('wrong-key', `That key does not open ${what}. ${where}`);
}
