// Sends a composed request from the browser with fetch and collects what came back.
// (The full composer sends through the server to see the exact wire bytes; this is the simple path.)

export interface ComposedRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}

export interface ReceivedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  durationMs: number;
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

export async function sendRequest(request: ComposedRequest): Promise<ReceivedResponse> {
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: NO_BODY_METHODS.has(request.method) || request.body === '' ? undefined : request.body,
    redirect: 'manual',
    credentials: 'same-origin',
  });
  const body = await response.text();
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
    body,
    durationMs: Math.round(performance.now() - started),
  };
}
