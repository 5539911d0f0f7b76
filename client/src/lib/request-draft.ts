// Ready-made requests as composer drafts: a lesson step's or a reference entry's "try it", and the two the
// page sends for the learner from a one-click fix (the demo login, the sandbox reset).
import { emptyDraft, row, type Draft } from './draft';

export interface ReadyRequest {
  method: string;
  url: string;
  headers?: [string, string][];
  body?: string;
}

/** The draft that sends this request: its headers (or Accept: application/json), and its body as JSON or text. */
export function requestDraft(request: ReadyRequest): Draft {
  const headers = request.headers ?? [];
  const contentType = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return {
    ...emptyDraft(),
    method: request.method,
    url: request.url,
    headers: headers.length ? headers.map(([name, value]) => row(name, value)) : [row('Accept', 'application/json')],
    bodyType: request.body === undefined ? 'none' : /json/i.test(contentType) ? 'json' : 'text',
    body: request.body ?? '',
  };
}

/** The demo account the 401 fix logs in with; its password is public (problem bodies and lessons quote it). */
export const DEMO_LOGIN = { username: 'ada', password: 'lovelace' } as const;

/** The demo login the 401 fix sends: the same request a learner could type. */
export function loginDraft(): Draft {
  return {
    ...emptyDraft(),
    method: 'POST',
    url: '/api/session',
    headers: [row('Content-Type', 'application/json')],
    bodyType: 'json',
    body: JSON.stringify(DEMO_LOGIN, null, 2),
  };
}

/** The request "Reset my sandbox" sends: the learner's data back to the starting set. */
export function resetSandboxDraft(): Draft {
  return { ...emptyDraft(), method: 'POST', url: '/api/sandbox/reset', headers: [] };
}
