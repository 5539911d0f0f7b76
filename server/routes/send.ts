// POST /app/send: performs a learner's request on the server with undici and returns the whole
// exchange as it crossed the wire (see server/send/perform.ts). Browsers hide Host, Cookie, Origin and
// Content-Length, follow redirects silently and never show bytes; this shows everything.
//
// Body: SendRequest  →  200 Transcript (both schemas in server/protocol/send-schemas.ts, which validate
// the request and serialise the answer).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JSON_ONLY } from '../http/json-body';
import { HttpProblem } from '../http/problem';
import { SendRequestSchema, TranscriptSchema } from '../protocol/send-schemas';
import { performSend, SEND_LIMITS } from '../send/perform';
import { TRACE_HEADER } from '../trace/plugin';
import { SendQueue, SendRefusal, sendRefusalProblem, type SendQueueLimits } from '../send/send-queue';
import { defaultDial, defaultLookup, type Dial, type Lookup } from '../send/wire-connector';
import { RateLimiter } from '../services/rate-limits';
import { realAddress, relayingDial } from '../services/client-address';

export interface SendRoutesOptions {
  allowOrigins: readonly string[];
  /** How many sends run at once, and how the rest wait (server/send/send-queue.ts). */
  queue: SendQueueLimits;
  /** With TLS_CERT: the fingerprint of the certificate this server serves (its own origin is dialled over TLS). */
  ownTls?: { fingerprint256: string };
  /** Injected in tests: DNS lookup and socket dialler (so no test can reach a real address). */
  lookup?: Lookup;
  dial?: Dial;
}

const sendRoutes: FastifyPluginAsyncTypebox<SendRoutesOptions> = async (app, options) => {
  const allowOrigins = new Set(options.allowOrigins);
  const deps = { lookup: options.lookup ?? defaultLookup, dial: options.dial ?? defaultDial };
  const queue = new SendQueue(options.queue);
  let listening: ReturnType<typeof app.server.address> | undefined;
  app.addHook('onClose', (_instance, done) => {
    listening = undefined;
    done();
  });

  // A learner's request goes out, and the exact exchange comes back.
  app.post('/app/send', { config: { accepts: JSON_ONLY, rateLimit: 'send' }, schema: { body: SendRequestSchema, response: { 200: TranscriptSchema } } }, async (request, reply) => {
    // Where this server listens does not change while it does: asked of the socket once (a system call each time).
    const address = (listening ??= app.server.address() ?? undefined);
    if (!address || typeof address === 'string') throw new Error('the server is not listening on TCP');
    const ownHost = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    const port = address.port;
    // The Host the page was loaded with also names this sandbox (a LAN address, a proxy's name), so a path
    // such as /api/books is sent with it. A Host that is not a host falls back to the loopback name.
    const loopbackHost = `127.0.0.1:${port}`;
    const givenHost = (request.headers.host ?? loopbackHost).toLowerCase();
    // A path is resolved against the page's own origin: https:// when this server serves HTTPS itself.
    const scheme = options.ownTls ? 'https' : 'http';
    const pageHost = URL.canParse(`${scheme}://${givenHost}/`) ? new URL(`${scheme}://${givenHost}/`).host : loopbackHost;
    const ownHosts = new Set([pageHost, `localhost:${port}`, loopbackHost, `[::1]:${port}`]);

    const { method, url, body, addedByPage = [], options: sendOptions = {} } = request.body;
    let headers = request.body.headers;
    const pageAdded = new Set(addedByPage.flatMap((index) => (headers[index] ? [headers[index]] : [])));
    // The X-ray: a toy-API request to this sandbox asks the server to trace it. The header goes on the
    // wire, where the learner sees it, as added by the page.
    if (sendOptions.trace && URL.canParse(url, `${scheme}://${pageHost}`)) {
      const target = new URL(url, `${scheme}://${pageHost}`);
      if (ownHosts.has(target.host) && target.pathname.startsWith('/api/') && !headers.some(([name]) => name.toLowerCase() === TRACE_HEADER)) {
        const traceHeader: [string, string] = ['X-Sandbox-Trace', '1'];
        headers = [...headers, traceHeader];
        pageAdded.add(traceHeader);
      }
    }
    let bodyBytes: Buffer | null = null;
    if (body) {
      if (body.encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(body.data)) {
        throw new HttpProblem('validation-failed', 'body.data is marked base64 but is not valid base64. Encode the bytes again, or send text with encoding "text".', {
          errors: [{ field: 'body.data', location: 'body', message: 'is not valid base64' }],
        });
      }
      bodyBytes = Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8');
    }
    // A class pressing Send together waits its turn, lane by lane (one per learner); see send-queue.ts.
    const transcript = await queue.run(RateLimiter.clientKey(request), () => performSend(
      {
        method,
        url,
        headers,
        pageHeaders: pageAdded,
        body: bodyBytes,
        followRedirects: sendOptions.followRedirects ?? false,
        maxRedirects: sendOptions.maxRedirects ?? SEND_LIMITS.defaultRedirects,
        timeoutMs: sendOptions.timeoutMs ?? SEND_LIMITS.defaultTimeoutMs,
      },
      { base: `${scheme}://${pageHost}`, ownHosts, allowOrigins, own: { host: ownHost, port, ...(options.ownTls ? { tls: options.ownTls } : {}) },
        // Requests this makes to our own server count as this learner's, not as the server's own address.
        deps: { ...deps, dial: relayingDial(deps.dial, { host: ownHost, port }, realAddress(request)) } },
    ), (withdraw) => reply.raw.once('close', withdraw)).catch((error: unknown) => {
      throw error instanceof SendRefusal ? sendRefusalProblem(error) : error;
    });
    // Each traced hop carries the X-ray the toy API recorded (it named the trace in X-Sandbox-Trace).
    for (const exchange of transcript.exchanges) {
      const link = exchange.response?.headers.find(([name]) => name.toLowerCase() === TRACE_HEADER)?.[1];
      const trace = link?.startsWith('/app/traces/') ? app.traces.get(link.slice('/app/traces/'.length)) : undefined;
      if (trace) exchange.trace = trace;
    }
    return reply.header('cache-control', 'no-store').send(transcript);
  });
};

export default sendRoutes;
