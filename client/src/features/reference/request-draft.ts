// A ready-made request (a lesson step's, or a reference entry's "try it") as a composer draft.
import { emptyDraft, row, type Draft } from '../composer/draft';

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
