// Requests Node or Fastify would otherwise answer with a bare body of their own — no Host, an Expect this
// server does not meet, a URL that does not parse, a second Host — get a problem body like every other
// error, saying what to fix.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './problem';

/** Fastify's `frameworkErrors` option: a URL Fastify cannot decode becomes a 400 problem. */
export function frameworkErrorProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? new HttpProblem('malformed-request', `The URL ${JSON.stringify(request.raw.url?.slice(0, 200) ?? '')} is not valid: a % must start a two-digit hex escape (%20 for a space) and the path must be a path. Encode the URL, for example with encodeURIComponent for each part.`)
      : new HttpProblem('malformed-request', `${error.message}.`);
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toJSON(request.raw.url ?? '/'), null, 2));
}

function writeProblem(request: IncomingMessage, response: ServerResponse, problem: HttpProblem, close: boolean): void {
  const body = JSON.stringify(problem.toJSON(request.url ?? '/'), null, 2);
  response.writeHead(problem.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(body);
}

/** Installs the checks on an app (call once, before it listens). */
export function installRequestChecks(app: FastifyInstance): void {
  // RFC 9110 §10.1.1: a server that does not meet an expectation answers 417. Node would send an empty one.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    writeProblem(request, response, new HttpProblem('malformed-request', `This server only understands "Expect: 100-continue", and this request says "Expect: ${String(request.headers.expect).slice(0, 100)}". Leave the Expect header out.`, { status: 417 }), false);
  });

  // A synchronous hook: no promise and microtask per request.
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw;
    const rawHeaders = raw.rawHeaders;
    let hosts = 0;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 4 && name.toLowerCase() === 'host') hosts += 1;
    }
    // RFC 9112 §3.2: a request with no Host (in HTTP/1.1) or more than one must be answered 400.
    if (hosts > 1) {
      done(new HttpProblem('malformed-request', `The request has ${hosts} Host headers; HTTP/1.1 allows exactly one (RFC 9112 §3.2). Send a single Host header.`, { headers: { connection: 'close' } }));
      return;
    }
    if (hosts === 0 && raw.httpVersion === '1.1') {
      done(new HttpProblem('malformed-request', 'The request has no Host header, which HTTP/1.1 requires (RFC 9112 §3.2). Add one, such as Host: localhost:3000; curl and browsers send it for you.', { headers: { connection: 'close' } }));
      return;
    }
    done();
  });
}
