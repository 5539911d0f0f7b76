// Why did *this* request get *this* answer? Reads the final exchange (status, headers, the toy API's
// problem body with its machine-readable `type` and `errors`) and points at the cause in the composer,
// with one-click fixes where one is obvious. Pure: unit-tested without React.
import type { Exchange, ProblemDetails, WireHeader } from '../../../server/protocol/api-types';

export type Fix =
  | { kind: 'set-header'; name: string; value: string }
  | { kind: 'remove-header'; name: string }
  | { kind: 'set-method'; method: string }
  | { kind: 'login' }
  | { kind: 'reset-sandbox' }
  | { kind: 'follow-redirects' };

export interface Diagnosis {
  /** One or two sentences in plain words. */
  summary: string;
  /** Where the cause is in the composer. */
  composer: { method?: boolean; url?: boolean; headers: string[]; bodyFields: string[]; body?: boolean; query: string[] };
  /** Response headers worth pointing at. */
  responseHeaders: string[];
  fixes: { label: string; fix: Fix }[];
}

export function headerValue(headers: readonly WireHeader[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** The problem body of a response, when it carries one. */
export function problemOf(exchange: Exchange): ProblemDetails | undefined {
  const response = exchange.response;
  if (!response?.body || response.body.encoding !== 'text') return undefined;
  if (!/problem\+json/i.test(headerValue(response.headers, 'content-type') ?? '')) return undefined;
  try {
    const parsed: unknown = JSON.parse(response.body.data);
    return parsed && typeof parsed === 'object' && 'status' in parsed ? (parsed as ProblemDetails) : undefined;
  } catch {
    return undefined;
  }
}

function slugOf(problem: ProblemDetails | undefined): string | undefined {
  return problem?.type.startsWith('/problems/') ? problem.type.slice('/problems/'.length) : undefined;
}

function empty(summary: string): Diagnosis {
  return { summary, composer: { headers: [], bodyFields: [], query: [] }, responseHeaders: [], fixes: [] };
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://sandbox.invalid').pathname;
  } catch {
    return url;
  }
}

/** What a 204 to DELETE means here, and what the same DELETE again would get: it depends on the resource. */
function afterDelete(path: string): string {
  if (/^\/api\/session\/?$/.test(path)) return 'Logged out: the session is gone, and Set-Cookie told the client to drop its cookie. Sending the same DELETE again answers 204 again: logging out twice leaves you logged out.';
  if (/^\/api\/[a-z]+\/\d+$/.test(path)) return 'Deleted. There is no body to send back; the same DELETE again gets 404, because the item is gone.';
  return 'Done, and there is no body to send back. Sending the same DELETE again changes nothing more (DELETE is idempotent), though the answer may differ.';
}

export function diagnose(exchange: Exchange): Diagnosis {
  const response = exchange.response;
  if (!response) {
    if (exchange.error?.code.endsWith('_TIMEOUT')) {
      // The client's own timeout (the composer's Timeout box) ran out; the server may still be working.
      return empty(`No response: ${exchange.error.message} That limit is your client's own choice — the Timeout box next to Follow redirects. If the server is only slow, raise it and send again.`);
    }
    return empty(exchange.error ? `No response: ${exchange.error.message}` : 'No response arrived.');
  }
  const request = exchange.request;
  const problem = problemOf(exchange);
  const slug = slugOf(problem);
  const d = empty(problem?.detail ?? '');
  const status = response.status;
  const sentHeader = (name: string) => headerValue(request.headers, name);

  switch (slug) {
    case 'unsupported-media-type': {
      const accepted = (problem?.accepted as string[] | undefined) ?? [];
      d.composer.headers.push('content-type');
      d.responseHeaders.push('accept-post', 'accept-patch');
      if (accepted[0]) d.fixes.push({ label: `Set Content-Type: ${accepted[0]}`, fix: { kind: 'set-header', name: 'Content-Type', value: accepted[0] } });
      return d;
    }
    case 'validation-failed':
    case 'conflict':
      d.composer.body = true;
      d.composer.bodyFields.push(...(problem?.errors ?? []).map((e) => e.field).filter((f) => !f.startsWith('(')));
      return d;
    case 'malformed-json':
      d.composer.body = true;
      return d;
    case 'invalid-query':
      d.composer.url = true;
      d.composer.query.push(...(problem?.errors ?? []).map((e) => e.field));
      return d;
    case 'method-not-allowed': {
      d.composer.method = true;
      d.responseHeaders.push('allow');
      const allow = (headerValue(response.headers, 'allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      for (const method of allow.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').slice(0, 3)) {
        d.fixes.push({ label: `Switch to ${method}`, fix: { kind: 'set-method', method } });
      }
      return d;
    }
    case 'authentication-required':
    case 'invalid-credentials':
      d.responseHeaders.push('www-authenticate');
      if (sentHeader('authorization')) d.composer.headers.push('authorization');
      d.fixes.push({ label: 'Log in as the demo user ada', fix: { kind: 'login' } });
      return d;
    case 'not-acceptable':
      d.composer.headers.push('accept');
      d.fixes.push({ label: 'Set Accept: application/json', fix: { kind: 'set-header', name: 'Accept', value: 'application/json' } });
      return d;
    case 'precondition-failed': {
      const header = String(problem?.header ?? 'if-match');
      d.composer.headers.push(header);
      const current = problem?.currentEtag as string | undefined;
      if (current && header === 'if-match') d.fixes.push({ label: `Use the current ETag ${current}`, fix: { kind: 'set-header', name: 'If-Match', value: current } });
      return d;
    }
    case 'not-found':
      d.composer.url = true;
      return d;
    case 'invalid-sandbox':
      d.composer.headers.push('x-sandbox');
      return d;
    case 'insufficient-storage':
      d.fixes.push({ label: 'Reset my sandbox to the seed data', fix: { kind: 'reset-sandbox' } });
      return d;
    case 'forbidden':
      return d;
  }

  if (problem) {
    // A rate limit or an overloaded server says when to come back (RFC 9110 §10.2.3).
    if ((status === 429 || status === 503) && headerValue(response.headers, 'retry-after')) d.responseHeaders.push('retry-after');
    return d;
  }
  const method = request.method.toUpperCase();
  const location = headerValue(response.headers, 'location');
  if (status === 201) {
    d.summary = `Created.${location ? ` The Location header says where the new resource lives: ${location}.` : ''}`;
    d.responseHeaders.push('location');
  } else if (status === 202) {
    d.summary = `Accepted: the work goes on in the background.${location ? ` Poll ${location} to follow it.` : ''}`;
    d.responseHeaders.push('location', 'retry-after');
  } else if (status === 204) {
    d.summary = method === 'DELETE' ? afterDelete(pathOf(request.url)) : 'Done, and there is no body to send back.';
  } else if (status === 304) {
    d.summary = sentHeader('if-none-match')
      ? `Your copy is still current: the ETag you sent in If-None-Match matches, so the server sent no body.`
      : 'Your copy is still current (If-Modified-Since), so the server sent no body.';
    d.composer.headers.push('if-none-match', 'if-modified-since');
    d.responseHeaders.push('etag', 'last-modified');
  } else if (status >= 300 && status < 400 && location) {
    const path = pathOf(request.url);
    d.summary =
      path.endsWith('/') && pathOf(location) === path.replace(/\/+$/, '')
        ? `This URL ends in a slash, and the resource lives at ${location} without it: one canonical URL per resource.${status === 308 || status === 307 ? ' A 308 keeps the method and body when the client follows it.' : ''} Redirects are not followed unless you switch on "Follow redirects".`
        : `A redirect to ${location}. Redirects are not followed unless you switch on "Follow redirects".`;
    d.responseHeaders.push('location');
    d.fixes.push({ label: 'Follow redirects', fix: { kind: 'follow-redirects' } });
  } else if (status === 429 || status === 503) {
    d.summary = `The server is ${status === 429 ? 'limiting how often you may ask' : 'unavailable for now'}.${headerValue(response.headers, 'retry-after') ? ` Retry-After says when to try again.` : ''}`;
    d.responseHeaders.push('retry-after');
  } else if (status >= 200 && status < 300) {
    const total = headerValue(response.headers, 'x-total-count');
    const etag = headerValue(response.headers, 'etag');
    const parts = [method === 'HEAD' ? 'OK: the same headers a GET would get, and no body.' : 'OK: the request worked.'];
    if (total !== undefined) {
      parts.push(`This is one page of a collection: X-Total-Count says there are ${total} items in all, and the Link header points at the other pages.`);
      d.responseHeaders.push('x-total-count', 'link');
    }
    if (etag) {
      // A matching If-None-Match means 304 only on GET and HEAD; on a write it means 412 (RFC 9110 §13.1.2).
      parts.push(
        method === 'GET' || method === 'HEAD'
          ? `Send If-None-Match: ${etag} next time to get 304 Not Modified while nothing has changed.`
          : `This is the new version's ETag: to change it again without overwriting someone else's change, send If-Match: ${etag} (a version that no longer matches gets 412 Precondition Failed).`,
      );
      d.responseHeaders.push('etag');
    }
    d.summary = parts.join(' ');
  } else {
    d.summary = '';
  }
  return d;
}
