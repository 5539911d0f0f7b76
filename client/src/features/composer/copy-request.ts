// "Copy as": the request the composer sends, written for curl, fetch, HTTPie or Python requests.
// It starts from requestToSend (the draft plus the page's cookies), so the copy works in the same sandbox
// and with the same login as the page — or, when the learner chooses, with a placeholder and a login step
// in place of the secret (see formats/copy-auth.ts).
import type { OutgoingRequest } from '../../lib/draft';
import type { CodeOptions } from './formats/absolute-url';
import { withTokenPlaceholder, type LoginFor } from './formats/copy-auth';
import { toCurl } from './formats/to-curl';
import { toFetch } from './formats/to-fetch';
import { toHttpie } from './formats/to-httpie';
import { toPython } from './formats/to-python';
import { SEND_LIMITS } from '../../../../server/protocol/send-limits';

export const COPY_FORMATS = {
  curl: 'curl',
  fetch: 'JavaScript fetch',
  httpie: 'HTTPie',
  python: 'Python requests',
} as const;
export type CopyFormat = keyof typeof COPY_FORMATS;

/** Put a secret (session cookie, bearer token) in the copy, or a placeholder and a login step. */
export type SecretChoice = 'include' | 'placeholder';

export interface CopyInput {
  /** The request as the composer sends it (requestToSend's outgoing). */
  request: OutgoingRequest;
  /** The page's origin: paths are sent there. */
  origin: string;
  followRedirects: boolean;
  /** The composer's Timeout, ms: written into the copy when it is not the send endpoint's default. */
  timeoutMs?: number;
  secrets: SecretChoice;
  /** Who the placeholder's login step logs in as. */
  login?: LoginFor;
}

/**
 * The URL the sandbox requests for `url`: parsed as a WHATWG URL, as the send endpoint does
 * (server/send/target-policy.ts), so dot segments are resolved and unsafe characters percent-encoded; the
 * fragment stays out, as it never goes on the wire (RFC 9110 §4.2.5). Unparseable text is left as typed.
 */
export function urlAsSent(url: string, origin: string): string {
  try {
    const parsed = new URL(url, origin);
    // The request target is pathname + search (an empty query loses its "?"), as the sender writes it.
    return `${parsed.origin}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

export function copyRequest(format: CopyFormat, input: CopyInput): string {
  let request: OutgoingRequest = { ...input.request, url: urlAsSent(input.request.url, input.origin) };
  const options: CodeOptions = { origin: input.origin, followRedirects: input.followRedirects };
  if (input.timeoutMs !== undefined && input.timeoutMs !== SEND_LIMITS.defaultTimeoutMs) options.timeoutSeconds = input.timeoutMs / 1000;
  if (input.secrets === 'placeholder') {
    const replaced = withTokenPlaceholder(request, input.login ?? {});
    if (replaced) {
      request = replaced.request;
      options.token = replaced.token;
    }
  }
  switch (format) {
    case 'curl':
      return toCurl(request, { ...options, multiline: true });
    case 'fetch':
      return toFetch(request, options);
    case 'httpie':
      return toHttpie(request, options);
    case 'python':
      return toPython(request, options);
  }
}
