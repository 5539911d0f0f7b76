// The one place the client talks to the app's own endpoints. Every error becomes an ApiError carrying
// the server's problem details (RFC 9457), so components show the server's explanation.
import type { ProblemDetails } from '../../../server/protocol/api-types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | undefined,
  ) {
    super(problem?.detail ?? `The server answered ${status}.`);
  }
}

export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, {
      type: 'about:blank',
      title: 'No connection',
      status: 0,
      detail: 'The sandbox server could not be reached. Check that it is still running and that you are online, then try again.',
    });
  }
  const text = await response.text();
  const body: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) throw new ApiError(response.status, isProblem(body) ? body : undefined);
  return body as T;
}

export function postJson<T>(path: string, payload: unknown): Promise<T> {
  return apiFetch<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && 'status' in value && 'detail' in value;
}
