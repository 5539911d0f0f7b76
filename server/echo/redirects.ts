// Redirects, which never leave this server: relative and absolute chains, and any 3xx to a path of ours.
import { HttpProblem } from '../http/problem';
import { ALL_METHODS, READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { ECHO_LIMITS } from './limits';
import { count, ownOrigin, query } from './reply';

/** Only paths on this server: no open redirects (an absolute URL or //host is refused). */
function ownPath(target: string): string {
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
    throw new HttpProblem(
      'invalid-query',
      `The sandbox only redirects to its own paths, and ${JSON.stringify(target.slice(0, 100))} is not one: an endpoint that redirects anywhere would let anyone send visitors to another site. Use a path such as /get.`,
    );
  }
  return target;
}

export const REDIRECTS: readonly EchoRoute[] = [
  endpoint(
    { path: '/redirect/:n', methods: READ_ONLY, group: 'redirects', description: 'Redirects n times (relative Location), then lands on /get.', teaches: 'Clients follow 302 by reading Location.', samples: ['/redirect/3'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/redirect/3');
      return reply.code(302).header('location', n <= 1 ? '/get' : `/relative-redirect/${n - 1}`).send();
    },
  ),
  endpoint(
    { path: '/relative-redirect/:n', methods: READ_ONLY, group: 'redirects', description: 'Redirects n times with relative Locations.', teaches: 'Location may be a relative reference (RFC 9110 §10.2.2).', samples: ['/relative-redirect/2'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/relative-redirect/2');
      return reply.code(302).header('location', n <= 1 ? '/get' : `/relative-redirect/${n - 1}`).send();
    },
  ),
  endpoint(
    { path: '/absolute-redirect/:n', methods: READ_ONLY, group: 'redirects', description: 'Redirects n times with absolute Locations on this server.', teaches: 'Location may be an absolute URL.', samples: ['/absolute-redirect/2'] },
    (request, reply) => {
      const n = count(request.params.n, 'The number of redirects', ECHO_LIMITS.redirects, '/absolute-redirect/2');
      // This server's own origin, never a Host header someone made up (server/echo/reply.ts).
      const base = ownOrigin(request);
      return reply.code(302).header('location', n <= 1 ? `${base}/get` : `${base}/absolute-redirect/${n - 1}`).send();
    },
  ),
  endpoint(
    { path: '/redirect-to', methods: ALL_METHODS, group: 'redirects', description: 'Redirects to a path on this server, with any 3xx status (?url=&status_code=).', teaches: 'How 301, 302, 303, 307 and 308 differ.', samples: ['/redirect-to?url=/get&status_code=307'] },
    (request, reply) => {
      const params = query(request);
      const target = ownPath(params.get('url') ?? '');
      const status = Number(params.get('status_code') ?? '302');
      if (!Number.isInteger(status) || status < 300 || status > 399) {
        throw new HttpProblem('invalid-query', `status_code must be a redirect status from 300 to 399, such as 302 or 307.`);
      }
      return reply.code(status).header('location', target).send();
    },
  ),
];
