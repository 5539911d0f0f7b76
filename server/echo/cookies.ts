// Cookies: what the request carried, and Set-Cookie to store or delete some (never the app's own cookies:
// server/http/third-party-content.ts refuses those on the way out).
import { HttpProblem } from '../http/problem';
import { isCookieName, parseCookies, serializeCookie } from '../services/cookies';
import { READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { query, rawOf, sendJson } from './reply';

/** The echo's Set-Cookie: Path=/ and nothing more, as httpbin sends; a name that is not a token is a problem, not a mangled header. */
function echoCookie(where: 'invalid-query' | 'invalid-path', name: string, value: string, maxAgeSeconds?: number): string {
  if (!isCookieName(name)) {
    throw new HttpProblem(where, `${JSON.stringify(name.slice(0, 64))} cannot be a cookie name: RFC 6265 §4.1.1 asks for a token (letters, digits and !#$%&'*+-.^_\`|~), with no space, "=", ";", comma or quote. Use a name such as flavour.`);
  }
  return serializeCookie(name, value, { httpOnly: false, sameSite: false, maxAgeSeconds });
}

export const COOKIES: readonly EchoRoute[] = [
  endpoint(
    { path: '/cookies', methods: READ_ONLY, group: 'cookies', description: 'The cookies the request carried.', teaches: 'Browsers send stored cookies back in the Cookie header.', samples: ['/cookies'] },
    (request, reply) => sendJson(reply, { cookies: parseCookies(request.headers.cookie), raw: rawOf(request) }),
  ),
  endpoint(
    { path: '/cookies/set', methods: READ_ONLY, group: 'cookies', description: 'Sets the cookies named in the query, then redirects to /cookies.', teaches: 'Set-Cookie asks the client to store a cookie.', samples: ['/cookies/set?flavour=oat'] },
    (request, reply) => {
      for (const [name, value] of query(request)) reply.header('set-cookie', echoCookie('invalid-query', name, value));
      return reply.code(302).header('location', '/cookies').send();
    },
  ),
  endpoint(
    { path: '/cookies/set/:name/:value', methods: READ_ONLY, group: 'cookies', description: 'Sets one cookie, then redirects to /cookies.', teaches: 'Cookies are name=value pairs.', samples: ['/cookies/set/flavour/oat'] },
    (request, reply) => reply.code(302).header('set-cookie', echoCookie('invalid-path', request.params.name ?? '', request.params.value ?? '')).header('location', '/cookies').send(),
  ),
  endpoint(
    { path: '/cookies/delete', methods: READ_ONLY, group: 'cookies', description: 'Deletes the cookies named in the query (Max-Age=0), then redirects to /cookies.', teaches: 'A cookie is deleted by setting it again with an expiry in the past.', samples: ['/cookies/delete?flavour'] },
    (request, reply) => {
      for (const name of query(request).keys()) reply.header('set-cookie', echoCookie('invalid-query', name, '', 0));
      return reply.code(302).header('location', '/cookies').send();
    },
  ),
];
