// What the echo says, anyone can make it say: it goes out inert, and never as something that could act as
// the app (server/http/third-party-content.ts). A response that would is replaced by a problem saying why.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from '../http/problem';
import { TOKEN } from '../protocol/http-syntax';
import { THIRD_PARTY_HEADERS, thirdPartyHeaderProblem } from '../http/third-party-content';
import { ownOrigin } from './reply';

// RFC 9110 §5.1, §5.5: a field name is a token (TOKEN); a value has no CR, LF, NUL or other controls (tab
// aside), and Node writes only single bytes, so nothing past U+00FF either.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why a header asked of the echo cannot go on the wire at all, or undefined. */
function unsendableHeader(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name.slice(0, 60))} is not a header name (RFC 9110 §5.1: letters, digits and !#$%&'*+-.^_\`|~ only)`;
  if (!FIELD_VALUE.test(value)) return 'the value has a character a header cannot carry: a line break, a control character or a character beyond Latin-1 (RFC 9110 §5.5). Percent-encode it';
  return undefined;
}

/** Headers whose check depends on this server's origin (redirect targets): never remembered as good. */
const ORIGIN_BOUND = new Set(['location', 'content-location', 'refresh']);
/** Header lines already found sendable whose check does not depend on the origin (the echo sends the same
 *  few on nearly every answer), by name then value (no key string made per header); bounded, and only
 *  short values, so made-up headers cannot grow it. */
const KNOWN_GOOD = new Map<string, Set<string>>();
let knownGoodCount = 0;
const KNOWN_GOOD_MAX = 500;
const KNOWN_GOOD_VALUE_MAX = 200;

/** Why this header line may not go out, or undefined. `own` gives this server's origin, computed only when a redirect target needs it. */
function headerProblem(name: string, value: string, own: () => string): string | undefined {
  if (KNOWN_GOOD.get(name)?.has(value)) return undefined;
  const originBound = ORIGIN_BOUND.has(name.toLowerCase());
  const problem = unsendableHeader(name, value) ?? thirdPartyHeaderProblem(name, value, originBound ? own() : '');
  if (problem === undefined && !originBound && value.length <= KNOWN_GOOD_VALUE_MAX && knownGoodCount < KNOWN_GOOD_MAX) {
    let values = KNOWN_GOOD.get(name);
    if (!values) KNOWN_GOOD.set(name, (values = new Set()));
    values.add(value);
    knownGoodCount += 1;
  }
  return problem;
}

type OnSendDone = (error: Error | null, payload?: unknown) => void;

/** Replaces the answer with a problem saying why this header line may not go out. */
function refuse(request: FastifyRequest, reply: FastifyReply, name: string, value: string, problem: string, done: OnSendDone): void {
  for (const set of Object.keys(reply.getHeaders())) reply.removeHeader(set);
  const refusal = new HttpProblem('unsafe-response', `The sandbox will not send ${name}: ${value.slice(0, 200)} here: ${problem}.`, { extra: { header: name } });
  reply.code(refusal.status).type(PROBLEM_CONTENT_TYPE).headers(THIRD_PARTY_HEADERS);
  done(null, JSON.stringify(refusal.toJSON(request.url), null, 2));
}

/** The echo's onSend hook: every header checked, the inert headers added, or a problem in place of the answer.
 *  Synchronous (no promise and microtask per answer). */
export function checkOutgoing(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: OnSendDone): void {
  // Redirects may only lead to this server, as the connection reached it, never to a Host made up by the client.
  let origin: string | undefined;
  const own = () => (origin ??= ownOrigin(request));
  /** Whether this header line was refused (the answer is then a problem saying why). */
  const refused = (name: string, text: string): boolean => {
    const problem = headerProblem(name, text, own);
    if (problem) refuse(request, reply, name, text, problem, done);
    return problem !== undefined;
  };
  const headers = reply.getHeaders();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    // A repeated header is a list of lines (no array made for the usual single line).
    if (Array.isArray(value) ? value.some((one) => refused(name, String(one))) : refused(name, String(value))) return;
  }
  makeInert(request, reply, payload, done);
}

/** The onSend hook of the course's reverse proxy, which relays this server's own answers (the echo's, checked
 *  when they were made; the toy API's log-in cookie, as the lesson on sessions through a proxy needs): they
 *  are only made inert. */
export function makeInert(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: OnSendDone): void {
  reply.headers(THIRD_PARTY_HEADERS);
  done(null, payload);
}
