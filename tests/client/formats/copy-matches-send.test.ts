// "Copy as" reproduces the request the composer sends. For each seeded random request the sandbox's own
// sender (performSend, undici) sends it to a capture server on 127.0.0.1, and then the copy runs there with
// the real tool (bash + curl, HTTPie, python3 + requests, Node's fetch). The copy must arrive as the
// composer's request did — method, target, the composed headers in order and the body, byte for byte —
// apart from what each tool cannot help, which the copy itself says in a comment: Python and fetch join
// repeated headers into one line; requests and HTTPie upper-case every method, and urllib3 under both
// percent-encodes a few URL characters the sandbox sends as typed; fetch upper-cases the standard methods
// and cannot send a body on GET or HEAD; HTTPie only sends methods made of letters. HTTPie starts slowly
// (about 0.7 s a run), so it runs a fixed share of the sample.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpProblem } from '../../../server/http/problem';
import { performSend } from '../../../server/send/perform';
import type { OutgoingRequest } from '../../../client/src/lib/draft';
import { copyRequest, type CopyFormat } from '../../../client/src/features/composer/copy-request';
import { bodyBytes } from '../../../client/src/features/composer/formats/bytes';
import { guardedNetwork } from '../../server/send/loopback';
import { composerRequestArbitrary } from './arbitraries';
import { startCaptureServer, type CapturedRequest, type CaptureServer } from './capture-server';
import { CLIENT_DEFAULTS, composedPart, describeWithTool, HAS_CURL, HAS_HTTPIE, HAS_PYTHON_REQUESTS, run } from './real-tools';

/** Sampled requests; those the sandbox refuses to send (CONNECT, a Content-Length that lies…) are left out. */
const SAMPLES = 240;
const AT_LEAST = 200;

let server: CaptureServer;
/** The seeded requests the composer really sent, and what the capture server got from it. */
const sent: { request: OutgoingRequest; composer: CapturedRequest }[] = [];

beforeAll(async () => {
  server = await startCaptureServer();
  const { port } = new URL(server.origin);
  const network = guardedNetwork();
  const context = {
    base: server.origin,
    ownHosts: new Set([new URL(server.origin).host]),
    allowOrigins: new Set<string>(),
    own: { host: '127.0.0.1', port: Number(port) },
    deps: { lookup: network.lookup, dial: network.dial },
  };
  for (const request of fc.sample(composerRequestArbitrary, { numRuns: SAMPLES, seed: 1414 })) {
    server.requests.length = 0;
    try {
      await performSend(
        {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: request.body ? Buffer.from(bodyBytes(request.body)) : null,
          followRedirects: false,
          maxRedirects: 0,
          timeoutMs: 10_000,
        },
        context,
      );
    } catch (error) {
      if (error instanceof HttpProblem) continue;
      throw error;
    }
    expect(server.requests, `${request.method} ${request.url}`).toHaveLength(1);
    sent.push({ request, composer: server.requests[0]! });
  }
  expect(network.violations).toEqual([]);
}, 120_000);
afterAll(() => server?.close());

const HTTPIE_SHARE = 50;

/** Runs every copy in one program run (one bash script, one Python script…) and returns what arrived, in order. */
async function runCopies(format: CopyFormat, program: string, script: (codes: string[]) => string, of = sent): Promise<CapturedRequest[]> {
  server.requests.length = 0;
  const codes = of.map(({ request }) => copyRequest(format, { request, origin: server.origin, followRedirects: false, secrets: 'include' }));
  const directory = await mkdtemp(join(tmpdir(), 'copies-'));
  const file = join(directory, format === 'fetch' ? 'copies.mjs' : 'copies');
  try {
    await writeFile(file, script(codes));
    await run(program, program === process.execPath ? ['--no-warnings', file] : [file], undefined, 300_000);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  return server.requests;
}

function essence(captured: CapturedRequest, composed: OutgoingRequest, defaults: readonly string[]) {
  return { method: captured.method, target: captured.target, headers: composedPart(captured.headers, composed.headers, defaults), body: captured.body.toString('hex') };
}

/** Repeated headers joined into one line, as Python's dict and fetch's Headers send them. */
function joined(headers: [string, string][], lowerCase = false): [string, string][] {
  const out = new Map<string, [string, string]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const entry = out.get(key);
    if (entry) entry[1] = `${entry[1]}${key === 'cookie' ? '; ' : ', '}${value}`;
    else out.set(key, [lowerCase ? key : name, value]);
  }
  return [...out.values()];
}

/**
 * The target as urllib3 (under requests and HTTPie) writes it, as the copy's comment says: " < > [ \\ ] ^ ` { | }
 * percent-encoded,
 * %xx written in capitals, and when any % is not followed by two hex digits, every % encoded as %25.
 */
function asUrllib3Writes(target: string): string {
  const stray = /%(?![0-9A-Fa-f]{2})/.test(target);
  const percents = stray ? target.replaceAll('%', '%25') : target.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toUpperCase());
  return percents.replace(/[ "<>[\\\]^`{|}]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Node's fetch keeps headers in an object, where names that are integers ("7") come first, in numeric order. */
function objectOrder(headers: [string, string][]): [string, string][] {
  const integer = (name: string) => /^(0|[1-9]\d*)$/.test(name);
  return [...headers.filter(([n]) => integer(n)).sort(([a], [b]) => Number(a) - Number(b)), ...headers.filter(([n]) => !integer(n))];
}

it(`the composer sent at least ${AT_LEAST} of the ${SAMPLES} seeded requests`, () => {
  expect(sent.length).toBeGreaterThanOrEqual(AT_LEAST);
});

describeWithTool('curl', HAS_CURL, 'copy as curl, pasted into bash', () => {
  it('arrives byte for byte as the composer sent it', async () => {
    const copies = await runCopies('curl', 'bash', (codes) => codes.map((code) => `${code} > /dev/null`).join('\n'));
    expect(copies).toHaveLength(sent.length);
    sent.forEach(({ request, composer }, i) => {
      expect(essence(copies[i]!, request, CLIENT_DEFAULTS.curl), copyRequest('curl', { request, origin: server.origin, followRedirects: false, secrets: 'include' })).toEqual(essence(composer, request, []));
    });
  }, 300_000);
});

describeWithTool('HTTPie', HAS_HTTPIE, 'copy as HTTPie, pasted into bash', () => {
  it('arrives byte for byte as the composer sent it', async () => {
    // HTTPie cannot write a method that is not letters, nor a \ just before : = @ ; in a header value.
    const writable = ({ request }: (typeof sent)[number]) => /^[A-Za-z]+$/.test(request.method) && !request.headers.some(([, value]) => /\\[:=@;]/.test(value));
    const share = sent.filter(writable).slice(0, HTTPIE_SHARE);
    const copies = await runCopies('httpie', 'bash', (codes) => codes.map((code) => `${code} > /dev/null`).join('\n'), share);
    expect(copies).toHaveLength(share.length);
    share.forEach(({ request, composer }, i) => {
      const want = essence(composer, request, []);
      expect(essence(copies[i]!, request, CLIENT_DEFAULTS.httpie), copyRequest('httpie', { request, origin: server.origin, followRedirects: false, secrets: 'include' })).toEqual({ ...want, method: want.method.toUpperCase(), target: asUrllib3Writes(want.target) });
    });
  }, 300_000);
});

describeWithTool('python3 with requests', HAS_PYTHON_REQUESTS, 'copy as Python requests, run by python3', () => {
  it('arrives as the composer sent it, repeated headers joined', async () => {
    // Each copy is a whole script; run one after the other in one interpreter, output discarded.
    const copies = await runCopies('python', 'python3', (codes) => `import contextlib, io\n${codes.map((code) => `with contextlib.redirect_stdout(io.StringIO()):\n${code.split('\n').map((line) => `    ${line}`).join('\n')}`).join('\n')}`);
    expect(copies).toHaveLength(sent.length);
    sent.forEach(({ request, composer }, i) => {
      const got = essence(copies[i]!, request, CLIENT_DEFAULTS.python);
      const want = essence(composer, request, []);
      // requests puts a header it also sets itself (User-Agent, Accept…) where its own would go.
      const own = (name: string) => (CLIENT_DEFAULTS.python as readonly string[]).includes(name.toLowerCase());
      const order = (headers: [string, string][]) => [...headers.filter(([n]) => !own(n)), ...headers.filter(([n]) => own(n)).sort()];
      expect({ ...got, headers: order(got.headers) }, `${request.method} ${request.url}`).toEqual({
        ...want,
        method: want.method.toUpperCase(),
        target: asUrllib3Writes(want.target),
        headers: order(joined(want.headers)),
      });
    });
  }, 300_000);
});

describeWithTool('node', true, "copy as fetch, run by Node's fetch", () => {
  it('arrives as the composer sent it, apart from what fetch cannot send', async () => {
    const copies = await runCopies('fetch', process.execPath, (codes) => `console.log = () => undefined;\n${codes.map((code) => `{\n${code}\n}`).join('\n')}`);
    const sendable = sent.filter(({ request }) => !['CONNECT', 'TRACE', 'TRACK'].includes(request.method.toUpperCase()));
    expect(copies).toHaveLength(sendable.length);
    sendable.forEach(({ request, composer }, i) => {
      const upper = request.method.toUpperCase();
      const got = essence(copies[i]!, request, CLIENT_DEFAULTS.node);
      const want = essence(composer, request, []);
      expect({ ...got, headers: got.headers.map(([n, v]) => [n.toLowerCase(), v]) }, `${request.method} ${request.url}`).toEqual({
        method: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(upper) ? upper : request.method,
        target: want.target,
        headers: objectOrder(joined(want.headers, true)),
        body: upper === 'GET' || upper === 'HEAD' ? '' : want.body,
      });
    });
  }, 300_000);
});
