// The one check of a key for a room or an inbox, and the problems when it is missing or wrong. The routes
// read the key from the request (server/routes/keyed.ts); the services see only the key itself.
import { HttpProblem } from '../http/problem';

/** What a key opens, for the problem texts: "room KXMP", where its keys come from, the Bearer realm. */
export interface KeyedThing {
  what: string;
  where: string;
  realm: string;
  /** Added to the 403: which keys do not open it. */
  notThis: string;
}

/** Who or what `key` opens: 401 without a key, 403 when `identify` knows it not. */
export function requireKey<T>(key: string | undefined, thing: KeyedThing, identify: (key: string) => T | undefined): T {
  if (key === undefined) throw keyRequired(thing.what, thing.where, thing.realm);
  const found = identify(key);
  if (found === undefined) throw wrongKey(thing.what, `${thing.where} ${thing.notThis}`);
  return found;
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
