// Requests so broken that Node's HTTP parser rejects them before Fastify sees them (an unknown method
// token, a header block over the limit, a malformed request line, a client too slow to send its
// headers). Node calls the server's clientError handler; we answer with a problem body all the same,
// because a learner who sends `FOO /` or a 20 KB cookie should read why it failed.
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemTypeUri, type ProblemSlug } from './problem';

export interface ClientErrorAnswer {
  status: number;
  slug: ProblemSlug;
  detail: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
};

/** What to answer for a parser error code (pure, so it is tested without sockets). */
export function clientErrorAnswer(code: string | undefined, limits: { maxHeaderBytes: number }): ClientErrorAnswer {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        slug: 'header-too-large',
        detail: `The request line and headers together are larger than this server accepts (${limits.maxHeaderBytes} bytes). Send fewer or shorter headers — a huge Cookie header is the usual cause.`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return {
        status: 408,
        slug: 'request-timeout',
        detail: 'The request did not arrive in time: the server waited for the rest of the headers or body and gave up. Send the whole request at once.',
      };
    case 'HPE_INVALID_METHOD':
      return {
        status: 501,
        slug: 'method-not-implemented',
        detail: 'This server does not implement that request method: Node.js only parses the methods registered with IANA (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS and others). Use one of those.',
      };
    default:
      return {
        status: 400,
        slug: 'malformed-request',
        detail: `The request is not valid HTTP/1.1${code ? ` (${code})` : ''}: check the request line (METHOD /path HTTP/1.1), that each header is "Name: value", and that lines end with CRLF.`,
      };
  }
}

/** Writes the answer on the raw socket and closes it (the connection cannot be reused after a parse error). */
export function handleClientError(error: Error & { code?: string }, socket: Socket, limits: { maxHeaderBytes: number }): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = clientErrorAnswer(error.code, limits);
  const body = JSON.stringify({
    type: problemTypeUri(answer.slug),
    title: PROBLEM_TYPES[answer.slug].title,
    status: answer.status,
    detail: answer.detail,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${answer.status} ${REASONS[answer.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
