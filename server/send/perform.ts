// Performs a learner's request with undici and returns the transcript: each hop's exact bytes,
// parsed parts and timings. Redirects are followed only when asked, each hop its own exchange.
import { randomUUID } from 'node:crypto';
import { Client, errors as undiciErrors } from 'undici';
import type { Exchange, Transcript, WireHeader } from '../protocol';
import { HttpProblem } from '../http/problem';
import { decideTarget, type Target, type TargetContext } from './target-policy';
import { bodyView, finalResponseHead, parseHead, rawText } from './wire-format';
import { wireConnector, type ConnectorDeps, type WireRecording } from './wire-connector';

/** Limits on every send. */
export const SEND_LIMITS = {
  /** Default time for one hop, ms. */
  defaultTimeoutMs: 10_000,
  /** Most a learner may ask for, ms. */
  maxTimeoutMs: 30_000,
  /** Redirects followed by default when following is on, and the most a learner may ask for. */
  defaultRedirects: 5,
  maxRedirects: 10,
  /** Response body bytes kept in the transcript (the rest is read and dropped, marked truncated). */
  keepBodyBytes: 1_048_576,
  /** Response bytes read at most; past this the connection is closed. */
  maxResponseBytes: 8 * 1_048_576,
} as const;

export interface SendInput {
  method: string;
  url: string;
  headers: WireHeader[];
  body: Buffer | null;
  followRedirects: boolean;
  maxRedirects: number;
  timeoutMs: number;
}

export interface SendContext extends TargetContext {
  base: string;
  own: { host: string; port: number };
  deps: ConnectorDeps;
}

const ERROR_WORDS: Record<string, string> = {
  ECONNREFUSED: 'The connection was refused: nothing is listening at that address and port.',
  ECONNRESET: 'The server closed the connection abruptly (reset) before a complete response arrived.',
  UND_ERR_SOCKET: 'The connection closed before a complete response arrived.',
  UND_ERR_HEADERS_TIMEOUT: 'No response headers arrived in time, so the request was abandoned (timeout).',
  UND_ERR_BODY_TIMEOUT: 'The response body stopped arriving, so the request was abandoned (timeout).',
  UND_ERR_CONNECT_TIMEOUT: 'The connection could not be opened in time (timeout).',
  ENOTFOUND: 'That host name does not exist (DNS found no address).',
  EAI_AGAIN: 'The host name could not be looked up right now (DNS).',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'The response was larger than the sandbox reads.',
};

function describeError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: string }).code ?? 'ERROR';
  return { code, message: ERROR_WORDS[code] ?? `The request failed: ${(error as Error).message}` };
}

/** Undici flattens headers into [name, value, name, value…], which keeps order and duplicates. */
function flatten(headers: readonly WireHeader[]): string[] {
  return headers.flatMap(([name, value]) => [name, value]);
}

async function performHop(input: SendInput, target: Target, context: SendContext): Promise<Exchange> {
  const recording: WireRecording = { written: [], read: [], startedAt: performance.now() };
  const since = (t: number | undefined) => (t === undefined ? undefined : Number((t - recording.startedAt).toFixed(2)));
  const client = new Client(target.url.origin, {
    connect: wireConnector(target, context.own, context.deps, recording),
    headersTimeout: input.timeoutMs,
    bodyTimeout: input.timeoutMs,
  });
  let status: number | undefined;
  let responseBody = Buffer.alloc(0);
  let truncated = false;
  let trailers: WireHeader[] = [];
  let error: { code: string; message: string } | undefined;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), input.timeoutMs);
  try {
    const response = await client.request({
      path: `${target.url.pathname}${target.url.search}`,
      method: input.method,
      headers: flatten(input.headers),
      body: input.body ?? undefined,
      signal: abort.signal,
    });
    status = response.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > SEND_LIMITS.maxResponseBytes) {
        truncated = true;
        response.body.destroy();
        break;
      }
      chunks.push(chunk);
    }
    responseBody = Buffer.concat(chunks);
    trailers = Object.entries(response.trailers ?? {}).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v): WireHeader => [name, String(v)]),
    );
  } catch (caught) {
    // A refusal at connect time (DNS answered with a forbidden address) is a refusal, not a network error.
    if (caught instanceof HttpProblem) throw caught;
    if (caught instanceof undiciErrors.InvalidArgumentError) {
      throw new HttpProblem('malformed-request', `The request cannot be sent as written: ${caught.message}. Check header names (letters, digits and - only) and values (no line breaks).`);
    }
    if (!truncated) error = abort.signal.aborted ? describeError({ code: 'UND_ERR_HEADERS_TIMEOUT' }) : describeError(caught);
  } finally {
    clearTimeout(timer);
    await client.destroy().catch(() => undefined);
  }
  const completed = performance.now();

  const written = Buffer.concat(recording.written);
  const requestHead = parseHead(written);
  const read = Buffer.concat(recording.read);
  const responseHead = finalResponseHead(read);
  const requestBodyBytes = requestHead ? written.subarray(requestHead.length) : Buffer.alloc(0);
  const requestHeaders = requestHead?.headers ?? input.headers;

  const exchange: Exchange = {
    request: {
      method: input.method,
      url: target.url.toString(),
      raw: requestHead ? rawText(written, requestHead.length, SEND_LIMITS.keepBodyBytes) : '',
      headers: requestHeaders,
      body: input.body ? bodyView(input.body, requestHeaders, SEND_LIMITS.keepBodyBytes) : requestBodyBytes.length ? bodyView(requestBodyBytes, requestHeaders, SEND_LIMITS.keepBodyBytes) : null,
    },
    response: null,
    timings: {
      dnsMs: recording.dnsStart !== undefined && recording.dnsEnd !== undefined ? Number((recording.dnsEnd - recording.dnsStart).toFixed(2)) : undefined,
      connectMs: since(recording.connected),
      requestSentMs: since(recording.lastWrite),
      firstByteMs: since(recording.firstByte),
      completeMs: Number((completed - recording.startedAt).toFixed(2)),
    },
  };
  if (status !== undefined && responseHead) {
    const [httpVersion = 'HTTP/1.1', , ...reason] = responseHead.startLine.split(' ');
    const fullHead = responseHead.offset + responseHead.length;
    exchange.response = {
      httpVersion: httpVersion.replace('HTTP/', ''),
      status,
      reason: reason.join(' '),
      headers: responseHead.headers,
      trailers,
      body: bodyView(responseBody, responseHead.headers, SEND_LIMITS.keepBodyBytes, truncated),
      raw: rawText(read, fullHead, SEND_LIMITS.keepBodyBytes),
    };
  }
  if (error) exchange.error = error;
  return exchange;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends the request (and, when asked, follows redirects), refusing targets the policy does not allow. */
export async function performSend(input: SendInput, context: SendContext): Promise<Transcript> {
  const transcript: Transcript = { id: randomUUID(), startedAt: new Date().toISOString(), exchanges: [] };
  let target = decideTarget(input.url, context.base, context);
  let hop = input;
  for (let i = 0; ; i += 1) {
    let exchange: Exchange;
    try {
      exchange = await performHop(hop, target, context);
    } catch (problem) {
      const previous = transcript.exchanges.at(-1);
      if (!previous || !(problem instanceof HttpProblem)) throw problem;
      previous.error = { code: 'REDIRECT_REFUSED', message: `The redirect was not followed: ${problem.message}` };
      break;
    }
    transcript.exchanges.push(exchange);
    const response = exchange.response;
    if (!input.followRedirects || !response || !REDIRECTS.has(response.status)) break;
    const location = response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
    if (!location) break;
    if (i >= input.maxRedirects) {
      exchange.error = { code: 'TOO_MANY_REDIRECTS', message: `Stopped after ${input.maxRedirects} redirects; raise the limit or look at where the chain goes.` };
      break;
    }
    try {
      target = decideTarget(location, target.url.toString(), context);
    } catch (problem) {
      exchange.error = { code: 'REDIRECT_REFUSED', message: `The redirect to ${location} was not followed: ${(problem as Error).message}` };
      break;
    }
    // 303 always, and 301/302 after POST, turn into GET without a body (RFC 9110 §15.4), as browsers do.
    const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && hop.method === 'POST');
    const dropped = new Set(toGet ? ['content-type', 'content-length', 'transfer-encoding'] : []);
    // Credentials do not follow to another origin.
    if (target.url.origin !== new URL(exchange.request.url).origin) dropped.add('authorization').add('cookie');
    hop = {
      ...hop,
      method: toGet && hop.method !== 'HEAD' ? 'GET' : hop.method,
      url: target.url.toString(),
      body: toGet ? null : hop.body,
      headers: hop.headers.filter(([name]) => !dropped.has(name.toLowerCase()) && name.toLowerCase() !== 'host'),
    };
  }
  return transcript;
}
