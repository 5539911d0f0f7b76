// The low-severity probes of the outside review: requests that used to get a 500 with Fastify's default JSON,
// or a bare 400/417 from Node, now get a problem body that says what to fix; a second Host is refused.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../../helpers/server';

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startServer();
  port = Number(new URL(server.origin).port);
});
afterAll(() => server.close());

/** Sends bytes on a fresh socket and reads until the server closes it or the answer is complete. */
function raw(text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    const finish = () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    };
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const match = /content-length: (\d+)/i.exec(data);
      const headEnd = data.indexOf('\r\n\r\n');
      if (match && headEnd !== -1 && data.length >= headEnd + 4 + Number(match[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('error', reject);
  });
}

describe('answers that used to be bare or 500s are problems now', () => {
  it.each([
    ['/redirect-to?url=/%E2%82%AC', '/problems/unsafe-response', 'Location'],
    ['/etag/%00', '/problems/unsafe-response', 'ETag'],
    ['/response-headers?X-A=%00', '/problems/unsafe-response', 'X-A'],
    // A name with a line break is refused as a cookie name before any header is built (RFC 6265 §4.1.1).
    ['/cookies/set?a%0Ab=1', '/problems/invalid-query', 'cannot be a cookie name'],
  ])('%s → 400 problem (%s) naming what is wrong, not a 500', async (path, type, named) => {
    const response = await call(server, path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json.type).toBe(type);
    expect(response.json.detail.toLowerCase()).toContain(named.toLowerCase());
  });

  it('echoes 5,000-deep JSON as data instead of failing', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const response = await call(server, '/anything', { method: 'POST', body: deep, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.json.json).toBeNull();
    expect(response.json.data).toBe(deep);
  });

  it('a request without Host gets a problem (RFC 9112 §3.2)', async () => {
    const answer = await raw('GET /get HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('application/problem+json');
    expect(answer.body).toContain('no Host header');
  });

  it('a request with two Host headers is refused (RFC 9112 §3.2)', async () => {
    const answer = await raw('GET /headers HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('2 Host headers');
  });

  it('an Expect the server does not meet gets a 417 problem', async () => {
    const answer = await raw('POST /post HTTP/1.1\r\nHost: x\r\nExpect: fancy\r\nContent-Length: 1\r\nConnection: close\r\n\r\na');
    expect(answer.status).toBe(417);
    expect(answer.headers).toContain('application/problem+json');
    expect(answer.body).toContain('100-continue');
  });

  it('a URL Fastify cannot decode gets a problem', async () => {
    const answer = await raw('GET /get/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('application/problem+json');
  });

  it('HTTP/1.0 without Host still works', async () => {
    const answer = await raw('GET /uuid HTTP/1.0\r\n\r\n');
    expect(answer.status).toBe(200);
  });
});
