// Where a learner's request may go. By default only to this sandbox itself; other origins only when
// the operator lists them in SANDBOX_ALLOW_ORIGINS. The decision is made on the parsed URL (the WHATWG
// parser already turns 0x7f.1, 2130706433 and 0177.0.0.1 into 127.0.0.1), and again on every address
// DNS returns, right before connecting (see wire-connector.ts).
import { HttpProblem } from '../http/problem';
import { classifyAddress, describeKind, type AddressKind } from './address-policy';

export type Target = { kind: 'own'; url: URL } | { kind: 'allowlisted'; url: URL };

export interface TargetContext {
  /** host:port strings that name this server (localhost:3000, 127.0.0.1:3000, the Host the page used…). */
  ownHosts: ReadonlySet<string>;
  /** Origins the operator allows (https://example.org). */
  allowOrigins: ReadonlySet<string>;
}

/** Address kinds never dialled, even for an allowlisted origin (metadata services live there). */
export const ALWAYS_REFUSED: ReadonlySet<AddressKind> = new Set(['link-local', 'unspecified', 'multicast', 'reserved']);

/**
 * 403 rather than 422: the request to /app/send is well formed and understood, and the server refuses to
 * act on it as a matter of policy (RFC 9110 §15.5.4); the same URL may be fine on another deployment.
 */
export function refuse(detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem('target-refused', detail, { extra });
}

/** The IP address a URL's hostname spells, if it is one (the WHATWG parser has already normalised IPv4 forms). */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$/.test(bare) || bare.includes(':') ? bare : undefined;
}

/** Parses and checks a send target; throws a 400/403 problem that says why it is refused. */
export function decideTarget(raw: string, base: string, context: TargetContext): Target {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new HttpProblem(
      'malformed-request',
      `"${raw.slice(0, 200)}" is not a URL. Write a path on this sandbox such as /api/books, or a full URL such as http://localhost:3000/get.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(`Only http: and https: URLs can be sent, not ${url.protocol}. Start the URL with http://.`, { reason: 'scheme' });
  }
  if (url.username || url.password) {
    throw refuse('Put credentials in an Authorization header (the Auth tab does it for you), not in the URL.', { reason: 'credentials-in-url' });
  }
  if (context.ownHosts.has(url.host.toLowerCase())) return { kind: 'own', url };
  if (context.allowOrigins.has(url.origin)) return { kind: 'allowlisted', url };

  if (isLoopbackName(url.hostname)) {
    throw refuse(
      `${url.host} is ${describeKind('loopback')} on a port this sandbox does not serve, so the request is refused: other programs on this machine are not meant to be reachable from the web. Send your request to this sandbox instead (a path such as /get).`,
      { reason: 'loopback', host: url.host },
    );
  }
  const literal = ipLiteral(url.hostname);
  if (literal) {
    const kind = classifyAddress(literal);
    if (kind !== 'public') {
      throw refuse(
        `${url.host} is ${describeKind(kind)}, and this sandbox does not send requests there: it could reach services that are not meant to be public. Send your request to this sandbox instead (a path such as /get).`,
        { reason: kind, address: literal },
      );
    }
  }
  throw refuse(
    `This sandbox only sends requests to itself, so ${url.origin} is refused. Use a path such as /get or /api/books. (The server's operator can allow other origins with SANDBOX_ALLOW_ORIGINS.)`,
    { reason: 'not-allowlisted', origin: url.origin },
  );
}

/** Names that always mean this machine (RFC 6761 §6.3), so no DNS answer is needed to judge them. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Checks one address an allowlisted target is about to be dialled at, right before connecting.
 * - The cloud-metadata, unspecified, multicast and reserved ranges are never dialled.
 * - An origin the operator listed by IP address (http://10.0.0.5:8080) may be private or loopback: that
 *   address is what the operator chose. Likewise `localhost` may be loopback.
 * - A listed host name must resolve to public addresses only: the operator allowed that name, not whatever
 *   network its DNS points at today (this is what defeats DNS rebinding).
 */
export function checkResolvedAddress(hostname: string, address: string, listedAs: 'address' | 'name'): void {
  const kind = classifyAddress(address);
  if (ALWAYS_REFUSED.has(kind)) {
    throw refuse(
      listedAs === 'address'
        ? `${address} is ${describeKind(kind)}; the sandbox never sends requests there, even when the operator lists it.`
        : `${hostname} resolves to ${address}, ${describeKind(kind)}, so the request was not sent.`,
      { reason: kind, address },
    );
  }
  if (kind === 'public' || listedAs === 'address' || (kind === 'loopback' && isLoopbackName(hostname))) return;
  throw refuse(
    `${hostname} resolves to ${address}, ${describeKind(kind)}, so the request was not sent. The operator allowed the name ${hostname}, not the private network behind it (a DNS answer can change at any time); to reach that machine, the operator can list its address itself in SANDBOX_ALLOW_ORIGINS.`,
    { reason: kind, address },
  );
}
