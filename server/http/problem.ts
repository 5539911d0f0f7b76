// RFC 9457 problem details. Every error the sandbox returns is one of these, served as
// application/problem+json, so a learner always reads what went wrong and how to fix it.
import type { FieldError, ProblemDetails } from '../protocol/api-types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The problem types the sandbox uses. `type` URIs resolve to /problems/<slug>, which explains each one. */
export const PROBLEM_TYPES = {
  'malformed-request': { status: 400, title: 'Malformed request' },
  'malformed-json': { status: 400, title: 'Malformed JSON body' },
  'invalid-query': { status: 400, title: 'Invalid query string' },
  'invalid-path': { status: 400, title: 'Invalid path parameter' },
  'invalid-sandbox': { status: 400, title: 'Invalid sandbox name' },
  'authentication-required': { status: 401, title: 'Authentication required' },
  'invalid-credentials': { status: 401, title: 'Wrong username or password' },
  forbidden: { status: 403, title: 'Not allowed for this user' },
  'target-refused': { status: 403, title: 'This sandbox will not send a request there' },
  'request-not-sendable': { status: 400, title: 'The request cannot be sent as written' },
  'not-found': { status: 404, title: 'Not found' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'uri-too-long': { status: 414, title: 'URL too long' },
  'header-too-large': { status: 431, title: 'Request headers too large' },
  'method-not-implemented': { status: 501, title: 'Method not implemented' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'payload-too-large': { status: 413, title: 'Body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'validation-failed': { status: 422, title: 'The body failed validation' },
  'insufficient-storage': { status: 507, title: 'Sandbox is full' },
  'unsafe-response': { status: 400, title: 'The sandbox will not send that response' },
  'key-required': { status: 401, title: 'A key is required' },
  'wrong-key': { status: 403, title: 'Wrong key' },
  'instructor-only': { status: 403, title: 'Only the instructor may do this' },
  'room-full': { status: 409, title: 'The room is full' },
  'capacity-reached': { status: 503, title: 'The server is at capacity' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'client-not-built': { status: 503, title: 'The web client is not built' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(slug: ProblemSlug): string {
  return `/problems/${slug}`;
}

/** An error that becomes a problem response. Throw it from a handler or hook. */
export class HttpProblem extends Error {
  readonly slug: ProblemSlug;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    slug: ProblemSlug,
    detail: string,
    options: { status?: number; headers?: Record<string, string>; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.slug = slug;
    this.status = options.status ?? PROBLEM_TYPES[slug].status;
    this.headers = options.headers ?? {};
    this.extra = { ...(options.errors ? { errors: options.errors } : {}), ...(options.extra ?? {}) };
  }

  toJSON(instance?: string): ProblemDetails {
    return {
      type: problemTypeUri(this.slug),
      title: PROBLEM_TYPES[this.slug].title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}

export function notFound(what: string, fix: string): HttpProblem {
  return new HttpProblem('not-found', `${what} does not exist. ${fix}`);
}
