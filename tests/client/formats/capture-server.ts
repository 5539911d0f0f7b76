// A bare TCP server on 127.0.0.1 that records each request's bytes exactly as a client wrote them and
// answers 200, so a test can run real curl / Python / Node against it and compare what was sent.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** The request target from the request line (/path?query). */
  target: string;
  /** Header lines in order, names as sent. */
  headers: [string, string][];
  body: Buffer;
}

export interface CaptureServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The requests received so far, in order. */
  requests: CapturedRequest[];
  close: () => Promise<void>;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';

/** Reads one whole request (Content-Length or chunked body) from the start of `data`; undefined if incomplete. */
function parseRequest(data: Buffer): CapturedRequest | undefined {
  const end = data.indexOf(CRLFCRLF);
  if (end === -1) return undefined;
  const [requestLine = '', ...lines] = data.subarray(0, end).toString('utf8').split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  const rest = data.subarray(end + 4);
  if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd === -1) return undefined;
      const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) return rest.indexOf(CRLFCRLF, lineEnd) === -1 ? undefined : { method, target, headers, body: Buffer.concat(chunks) };
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(header('content-length') ?? 0);
  if (rest.length < length) return undefined;
  return { method, target, headers, body: rest.subarray(0, length) };
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let data = Buffer.alloc(0);
    let continued = false;
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const request = parseRequest(data);
      if (!request) {
        // curl asks before sending a large body; answer at once rather than make it wait a second.
        if (!continued && data.includes(CRLFCRLF) && /\r\nexpect: 100-continue\r\n/i.test(data.subarray(0, data.indexOf(CRLFCRLF) + 2).toString('latin1'))) {
          continued = true;
          socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
        return;
      }
      requests.push(request);
      socket.end(RESPONSE);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
