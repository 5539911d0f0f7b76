// Cookies: what the request carried, and Set-Cookie to store or delete some (never the app's own cookies:
// server/http/third-party-content.ts refuses those on the way out).
import { parseCookies } from '../services/cookies';
import { READ_ONLY, endpoint, type EchoRoute } from './endpoint';
import { query, rawOf, sendJson } from './reply';

export const COOKIES: readonly EchoRoute[] = [
  endpoint(
    { path: '/cookies', methods: READ_ONLY, group: 'cookies', description: 'The cookies the request carried.', teaches: 'Browsers send stored cookies back in the Cookie header.', samples: ['/cookies'] },
    (request, reply) => sendJson(reply, { cookies: parseCookies(request.headers.cookie), raw: rawOf(request) }),
  ),
  endpoint(
    { path: '/cookies/set', methods: READ_ONLY, group: 'cookies', description: 'Sets the cookies named in the query, then redirects to /cookies.', teaches: 'Set-Cookie asks the client to store a cookie.', samples: ['/cookies/set?flavour=oat'] },
    (request, reply) => {
      for (const [name, value] of query(request)) reply.header('set-cookie', `${name}=${encodeURIComponent(value)}; Path=/`);
      return reply.code(302).header('location', '/cookies').send();
    },
  ),
  endpoint(
    { path: '/cookies/set/:name/:value', methods: READ_ONLY, group: 'cookies', description: 'Sets one cookie, then redirects to /cookies.', teaches: 'Cookies are name=value pairs.', samples: ['/cookies/set/flavour/oat'] },
    (request, reply) => reply.code(302).header('set-cookie', `${request.params.name}=${encodeURIComponent(request.params.value ?? '')}; Path=/`).header('location', '/cookies').send(),
  ),
  endpoint(
    { path: '/cookies/delete', methods: READ_ONLY, group: 'cookies', description: 'Deletes the cookies named in the query (Max-Age=0), then redirects to /cookies.', teaches: 'A cookie is deleted by setting it again with an expiry in the past.', samples: ['/cookies/delete?flavour'] },
    (request, reply) => {
      for (const name of query(request).keys()) reply.header('set-cookie', `${name}=; Path=/; Max-Age=0`);
      return reply.code(302).header('location', '/cookies').send();
    },
  ),
];
