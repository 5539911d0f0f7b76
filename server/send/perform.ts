// Performs a learner's request with undici and returns the transcript: each hop's exact bytes,
// parsed parts and timings. Redirects are followed only when asked, each hop its own exchange.
import { randomUUID } from 'node:crypto';
import type { Client, Dispatcher } from 'undici';
import { loadUndici } from '../http/lazy-undici';
import type { Exchange, Transcript, WireHeader } from '../protocol/api-types';
import { HttpProblem } from '../http/problem';
import { decodeBody } from './body-decode';
import { checkSendable, sendWarnings } from './request-rules';
import { compareTypedWithSent } from './typed-vs-sent';
import { decideTarget, type Target, type TargetContext } from './target-policy';
import { bodyView, finalResponseHead, parseChunkedTrailers, parseHead, rawText } from './wire-format';
import { cancelHop, newHopCancel, newRecording, wireConnector, type ConnectorDeps, type OwnServer, type WireRecording } from './wire-connector';

import { SEND_LIMITS } from '../protocol/send-limits';

export { SEND_LIMITS };

export interface SendInput {
  method: string;
  url: string;
  headers: WireHeader[];
  /** Those of `headers` (the same tuples) that the page added for the learner, not typed: its cookies. */
  pageHeaders?: ReadonlySet<WireHeader>;
  body: Buffer | null;
  followRedirects: boolean;
  maxRedirects: number;
  timeoutMs: number;
}

export interface SendContext extends TargetContext {
  base: string;
  own: OwnServer;
  deps: ConnectorDeps;
}

type ExchangeError = NonNullable<Exchange['error']>;

/** What a learner reads when there is no (complete) response. Codes are Node's and undici's own. */
const ERROR_WORDS: Record<string, string> = {
  ECONNREFUSED: 'The connection was refused: nothing is listening at that address and port.',
  ECONNRESET: 'The server reset the connection (it closed it abruptly) before a complete response arrived.',
  EPIPE: 'The server closed the connection while the request was still being sent.',
  EHOSTUNREACH: 'There is no network route to that host.',
  ENETUNREACH: 'The network of that host cannot be reached from this server.',
  UND_ERR_SOCKET: 'The server closed the connection before a complete response arrived.',
  UND_ERR_CLOSED: 'The connection was closed before the request could be sent.',
  UND_ERR_HEADERS_OVERFLOW: `The response headers are larger than the sandbox reads (${SEND_LIMITS.maxResponseHeadBytes} bytes).`,
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'The body that arrived does not match the Content-Length the server announced.',
  ENOTFOUND: 'That host name does not exist (DNS found no address).',
  EAI_AGAIN: 'The host name could not be looked up right now (DNS); try again.',
  CERT_HAS_EXPIRED: 'The server’s TLS certificate has expired, so the connection is not trusted.',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'The server’s TLS certificate is self-signed, so the connection is not trusted.',
  ERR_TLS_CERT_ALTNAME_INVALID: 'The server’s TLS certificate is for another host name.',
};

function describeError(error: unknown): ExchangeError {
  // undici's parser errors carry llhttp's code (HPE_…) when it has one.
  const parserError = (error as Error).name === 'HTTPParserError';
  const code = (error as { code?: string }).code ?? (parserError ? 'HPE_INVALID_RESPONSE' : 'ERROR');
  const words = ERROR_WORDS[code];
  if (words) return { code, message: words };
  if (code.startsWith('HPE_')) {
    return { code, message: `The response is not valid HTTP/1.1 (${(error as Error).message}); the bytes that arrived are shown as received.` };
  }
  return { code, message: `The request failed: ${(error as Error).message}.` };
}

type Phase = 'connect' | 'response' | 'body';

function timeoutError(phase: Phase, budgetMs: number): ExchangeError {
  switch (phase) {
    case 'connect':
      return { code: 'UND_ERR_CONNECT_TIMEOUT', message: `The connection could not be opened within ${budgetMs} ms (timeout).` };
    case 'response':
      return { code: 'UND_ERR_HEADERS_TIMEOUT', message: `The server took the request but sent no response within ${budgetMs} ms, so the sandbox stopped waiting (timeout).` };
    case 'body':
      return { code: 'UND_ERR_BODY_TIMEOUT', message: `The response body was still arriving after ${budgetMs} ms, so the sandbox stopped reading (timeout); the part that arrived is shown.` };
  }
}

/** undici takes headers flat, [name, value, name, value…], which keeps order, spelling and duplicates. */
function flatten(headers: readonly WireHeader[]): string[] {
  return headers.flatMap(([name, value]) => [name, value]);
}

function concat(stream: WireRecording['read']): Buffer {
  return Buffer.concat(stream.chunks);
}

const since = (recording: WireRecording, t: number | undefined) => (t === undefined ? undefined : Number((t - recording.startedAt).toFixed(2)));

/** Turns what undici reports for a request it will not send into the 400 a learner can act on. */
function refusedByClient(error: Error): HttpProblem {
  return new HttpProblem(
    'request-not-sendable',
    `The sandbox's HTTP client (undici) will not send this request: ${error.message}. Check the method, the header names (letters, digits and - only) and the values (no line breaks).`,
  );
}

/** Closes a hop's connection. One error made once: undici would otherwise build (and Node format the stack
 *  of) a new one for every send, a tenth of a send's CPU time when a whole class sends at once. */
const EXCHANGE_OVER = Object.assign(new Error('the exchange is over'), { code: 'SANDBOX_EXCHANGE_OVER' });
void EXCHANGE_OVER.stack;

type UndiciTrailers = Record<string, string | string[] | undefined>;

/**
 * Receives one response from undici's dispatcher: the status, the body chunks up to the size limit and the
 * trailers, then settles `done`. Dispatching with a handler (instead of `client.request`) builds no stream,
 * async iterator or async resource for a body that is read whole anyway.
 */
class HopReceiver implements Dispatcher.DispatchHandler {
  status: number | undefined;
  readonly chunks: Buffer[] = [];
  bodySize = 0;
  wireTruncated = false;
  trailers: UndiciTrailers = {};
  failure: unknown;
  /** When the response ended (or failed): the exchange's completeMs. */
  completed = 0;
  readonly done: Promise<void>;
  #settle!: () => void;
  #settled = false;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;

  constructor() {
    this.done = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Stops the exchange (its time ran out): the request is aborted wherever it is. */
  abort(reason: Error): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx interim responses are on the wire (and in the recording); the transcript's status is the final one.
    if (statusCode >= 200) this.status = statusCode;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    if (this.bodySize + chunk.length > SEND_LIMITS.maxResponseBytes) {
      this.chunks.push(chunk.subarray(0, SEND_LIMITS.maxResponseBytes - this.bodySize));
      this.bodySize = SEND_LIMITS.maxResponseBytes;
      this.wireTruncated = true;
      this.#finish();
      controller.abort(EXCHANGE_OVER);
      return;
    }
    this.chunks.push(chunk);
    this.bodySize += chunk.length;
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: UndiciTrailers): void {
    this.trailers = trailers ?? {};
    this.#finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#settled) return;
    this.failure = error;
    this.#finish();
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.completed = performance.now();
    this.#settle();
  }
}

function closeClient(client: Client): void {
  client.destroy(EXCHANGE_OVER, () => undefined);
}

/** One request and its response over a fresh connection; `budgetMs` bounds all of it. */
async function performHop(input: SendInput, target: Target, context: SendContext, budgetMs: number): Promise<Exchange> {
  const recording = newRecording(SEND_LIMITS.keepWireBytes);
  const cancel = newHopCancel();
  const receiver = new HopReceiver();
  const timer = setTimeout(() => {
    const reason = Object.assign(new Error('timeout'), { code: 'SANDBOX_TIMEOUT' });
    cancelHop(cancel, reason);
    receiver.abort(reason);
  }, budgetMs);
  const { Client, errors: undiciErrors } = await loadUndici();
  const client = new Client(target.url.origin, {
    connect: wireConnector(target, context.own, context.deps, recording, cancel),
    // Our own timer (above) ends the exchange; undici's are a backstop just behind it.
    headersTimeout: budgetMs + 1_000,
    bodyTimeout: budgetMs + 1_000,
    maxHeaderSize: SEND_LIMITS.maxResponseHeadBytes,
    // One request per connection: each hop shows its own connect.
    pipelining: 1,
  });
  client.dispatch(
    {
      path: `${target.url.pathname}${target.url.search}`,
      method: input.method,
      headers: flatten(input.headers),
      body: input.body ?? undefined,
    },
    receiver,
  );
  await receiver.done;
  clearTimeout(timer);
  // Nothing more is read from the connection: it is closed once this turn of the event loop is over, after
  // the transcript has been built and (for a single hop) answered, so closing both ends of it (a close on
  // this side, the FIN read and a close on our own server's side) is not on the learner's wait.
  setImmediate(closeClient, client);
  const { status, chunks, wireTruncated, failure: caught, completed } = receiver;
  const undiciTrailers = receiver.trailers;
  // Where the exchange stopped, for a timeout's words: before the response head, or in its body.
  const phase: Phase = status === undefined ? 'connect' : 'body';
  let error: ExchangeError | undefined;
  if (caught !== undefined) {
    // A refusal at connect time (DNS answered with a forbidden address) is a refusal, not a network error.
    if (caught instanceof HttpProblem) throw caught;
    if (caught instanceof undiciErrors.InvalidArgumentError || caught instanceof undiciErrors.NotSupportedError || caught instanceof undiciErrors.RequestContentLengthMismatchError) {
      throw refusedByClient(caught as Error);
    }
    const code = (caught as { code?: string }).code;
    if (cancel.reason || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      error = timeoutError(phase === 'connect' && recording.connected !== undefined ? 'response' : phase, budgetMs);
    } else {
      error = describeError(caught);
    }
  }

  const written = concat(recording.written);
  const requestHead = parseHead(written);
  const read = concat(recording.read);
  const responseHead = finalResponseHead(read);
  const requestBodyBytes = requestHead ? written.subarray(requestHead.length) : Buffer.alloc(0);
  const requestHeaders = requestHead?.headers ?? input.headers;
  const requestBody = input.body ?? requestBodyBytes;
  const warnings = sendWarnings(input.method, input.headers, requestHead?.headers, input.body?.length ?? 0);

  const exchange: Exchange = {
    request: {
      method: input.method,
      url: target.url.toString(),
      raw: requestHead ? rawText(written, requestHead.length, SEND_LIMITS.keepBodyBytes, recording.written.total) : '',
      headers: requestHeaders,
      body: requestBody.length ? bodyView(requestBody, requestHeaders, SEND_LIMITS.keepBodyBytes) : null,
    },
    response: null,
    timings: {
      dnsMs: recording.dnsStart !== undefined && recording.dnsEnd !== undefined ? Number((recording.dnsEnd - recording.dnsStart).toFixed(2)) : undefined,
      connectMs: since(recording, recording.connected),
      requestSentMs: since(recording, recording.lastWrite),
      firstByteMs: since(recording, recording.firstByte),
      completeMs: Number((completed - recording.startedAt).toFixed(2)),
    },
  };
  if (status !== undefined && responseHead) {
    const [httpVersion = 'HTTP/1.1', , ...reason] = responseHead.startLine.split(' ');
    const fullHead = responseHead.offset + responseHead.length;
    const wireBody = Buffer.concat(chunks);
    const contentEncoding = responseHead.headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1];
    const decoded = await decodeBody(wireBody, contentEncoding, SEND_LIMITS.keepBodyBytes);
    if (decoded.problem) warnings.push(decoded.problem);
    const chunked = responseHead.headers.some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v));
    // Trailers in wire order and case when the whole chunked body was recorded; undici's (lower-cased) otherwise.
    const trailers = (chunked && recording.read.kept === recording.read.total ? parseChunkedTrailers(read, fullHead) : undefined) ??
      Object.entries(undiciTrailers).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value ?? '']).map((v): WireHeader => [name, String(v)]),
      );
    exchange.response = {
      httpVersion: httpVersion.replace('HTTP/', ''),
      status,
      reason: reason.join(' '),
      headers: responseHead.headers,
      trailers,
      body: bodyView(wireBody, responseHead.headers, SEND_LIMITS.keepBodyBytes, wireTruncated, decoded),
      raw: rawText(read, fullHead, SEND_LIMITS.keepBodyBytes, recording.read.total),
    };
    if (wireTruncated) {
      warnings.push(`The response body was longer than the sandbox reads (${SEND_LIMITS.maxResponseBytes} bytes), so the connection was closed after that much.`);
    }
  }
  if (error) {
    exchange.error = error;
    // Bytes that arrived without making a response (a malformed reply, a reset mid-head) are still shown.
    if (!exchange.response && read.length > 0) exchange.error.received = rawText(read, read.length, SEND_LIMITS.keepBodyBytes, recording.read.total);
  }
  if (warnings.length) exchange.warnings = warnings;
  if (requestHead) exchange.typedVsSent = compareTypedWithSent(input, requestHead.headers, input.pageHeaders);
  return exchange;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends the request (and, when asked, follows redirects), refusing targets the policy does not allow. */
export async function performSend(input: SendInput, context: SendContext): Promise<Transcript> {
  checkSendable(input.method, input.headers, input.body?.length ?? 0);
  const transcript: Transcript = { id: randomUUID(), startedAt: new Date().toISOString(), exchanges: [] };
  const deadline = performance.now() + input.timeoutMs;
  let target = decideTarget(input.url, context.base, context);
  let hop = input;
  for (let i = 0; ; i += 1) {
    let exchange: Exchange;
    const budgetMs = Math.max(1, Math.round(deadline - performance.now()));
    try {
      exchange = await performHop(hop, target, context, budgetMs);
    } catch (problem) {
      const previous = transcript.exchanges.at(-1);
      if (!previous || !(problem instanceof HttpProblem)) throw problem;
      previous.error = { code: 'REDIRECT_REFUSED', message: `The redirect was not followed: ${problem.message}` };
      break;
    }
    transcript.exchanges.push(exchange);
    const response = exchange.response;
    if (!input.followRedirects || !response || exchange.error || !REDIRECTS.has(response.status)) break;
    const location = response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
    if (!location) break;
    if (i >= input.maxRedirects) {
      exchange.error = { code: 'TOO_MANY_REDIRECTS', message: `Stopped after ${input.maxRedirects} redirect${input.maxRedirects === 1 ? '' : 's'}, the limit for this send; raise the limit (at most ${SEND_LIMITS.maxRedirects}) or look at where the chain goes.` };
      break;
    }
    if (performance.now() >= deadline) {
      exchange.error = { code: 'UND_ERR_HEADERS_TIMEOUT', message: `The time for this send (${input.timeoutMs} ms) ran out before the redirect to ${location} could be followed.` };
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
    // Credentials do not follow to another origin (RFC 9110 §15.4, as fetch does).
    if (target.url.origin !== new URL(exchange.request.url).origin) dropped.add('authorization').add('cookie');
    hop = {
      ...hop,
      method: toGet && hop.method !== 'HEAD' ? 'GET' : hop.method,
      url: target.url.toString(),
      body: toGet ? null : hop.body,
      // The Host of the next hop is the redirect target's, which undici writes itself.
      headers: hop.headers.filter(([name]) => !dropped.has(name.toLowerCase()) && name.toLowerCase() !== 'host'),
    };
  }
  return transcript;
}
