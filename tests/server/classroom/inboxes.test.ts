import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedRequest, InboxLink } from '../../../server/protocol/classroom-types';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, broadcast, createInbox, createRoom, joinRoom, openRoom, TEST_SETTINGS } from './helpers';
import { SseStream } from './sse-client';

async function captured(server: TestServer, inbox: InboxLink): Promise<CapturedRequest[]> {
  const response = await call(server, inbox.requestsUrl, { headers: bearer(inbox.key) });
  expect(response.status).toBe(200);
  return response.json.requests;
}

async function lastCapture(server: TestServer, inbox: InboxLink): Promise<CapturedRequest> {
  return (await captured(server, inbox)).at(-1)!;
}

/** A response read with node:http, which keeps raw header order, spelling and repeats. */
function rawResponse(server: TestServer, path: string, method = 'GET'): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(port), path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('inboxes', () => {
  let server: TestServer;
  let inbox: InboxLink;
  beforeAll(async () => {
    server = await startServer(TEST_SETTINGS);
    inbox = await createInbox(server);
  });
  afterAll(() => server.close());

  describe('POST /app/inboxes', () => {
    it('gives an id, a key, the URL to send to and where to read it', async () => {
      const response = await call(server, '/app/inboxes', { method: 'POST' });
      expect(response.status).toBe(201);
      const { id } = response.json;
      expect(id).toMatch(/^[a-z2-9]{12}$/);
      expect(response.headers.location).toBe(`/app/inboxes/${id}`);
      expect(response.json).toMatchObject({
        url: `/inbox/${id}/`,
        viewUrl: `/inbox-view/${id}`,
        requestsUrl: `/app/inboxes/${id}/requests`,
        eventsUrl: `/app/inboxes/${id}/events`,
        key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        inbox: { kind: 'own', room: null, captured: 0, response: { status: 200 } },
      });
    });
  });

  describe('capturing', () => {
    it('captures a request made with undici as it arrived: headers in order, spelling and repeats kept', async () => {
      const body = '{"event":"push"}';
      const response = await request(`${server.origin}${inbox.url}hooks/github?delivery=1&x=%20y`, {
        method: 'POST',
        headers: ['X-First', 'one', 'x-dup', '1', 'X-Dup', '2', 'Content-Type', 'application/json', 'X-Last', 'end'],
        body,
      });
      expect(response.statusCode).toBe(200);
      const receipt = (await response.body.json()) as { captured: boolean; seq: number };
      const capture = await lastCapture(server, inbox);
      expect(receipt).toMatchObject({ captured: true, seq: capture.seq });
      expect(capture).toMatchObject({
        method: 'POST',
        target: `/inbox/${inbox.id}/hooks/github?delivery=1&x=%20y`,
        path: '/hooks/github',
        query: 'delivery=1&x=%20y',
        httpVersion: '1.1',
        body: { encoding: 'text', data: body, wireSize: body.length, truncated: false },
        remoteAddress: '127.0.0.1',
      });
      const mine = capture.headers.filter(([name]) => /^x-|^content-type$/i.test(name));
      expect(mine).toEqual([
        ['X-First', 'one'],
        ['x-dup', '1'],
        ['X-Dup', '2'],
        ['Content-Type', 'application/json'],
        ['X-Last', 'end'],
      ]);
      expect(capture.headers.map(([name]) => name.toLowerCase())).toContain('host');
      expect(capture.raw).toMatch(new RegExp(`^POST /inbox/${inbox.id}/hooks/github\\?delivery=1&x=%20y HTTP/1\\.1\\r\\n`));
      expect(capture.raw).toContain('X-First: one\r\nx-dup: 1\r\nX-Dup: 2\r\n');
      expect(capture.raw.endsWith(`\r\n\r\n${body}`)).toBe(true);
    });

    it.each([
      ['malformed JSON', 'application/json', Buffer.from('{"title": "Dune",}')],
      ['a Content-Type that is not a media type', 'json please', Buffer.from('x=1')],
      ['no Content-Type at all', undefined, Buffer.from('plain words')],
      ['a form', 'application/x-www-form-urlencoded', Buffer.from('a=1&a=2')],
    ])('captures %s as the text that arrived (no 415, no parsing)', async (_what, contentType, bytes) => {
      const response = await request(`${server.origin}${inbox.url}`, {
        method: 'POST',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        body: bytes,
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
      const capture = await lastCapture(server, inbox);
      expect(capture.body).toMatchObject({ encoding: 'text', data: bytes.toString('utf8') });
    });

    it('captures a binary body as base64, byte for byte', async () => {
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10, 0x80]);
      await (await request(`${server.origin}${inbox.url}upload`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes })).body.dump();
      const capture = await lastCapture(server, inbox);
      expect(capture.body?.encoding).toBe('base64');
      expect(Buffer.from(capture.body!.data, 'base64')).toEqual(bytes);
      expect(capture.raw).toContain('[8 bytes of binary data');
    });

    it('captures a chunked body (Transfer-Encoding: chunked) whole', async () => {
      await (await request(`${server.origin}${inbox.url}stream`, { method: 'POST', body: Readable.from(['part one, ', 'part two']) })).body.dump();
      const capture = await lastCapture(server, inbox);
      expect(capture.headers).toContainEqual(['transfer-encoding', 'chunked']);
      expect(capture.body?.data).toBe('part one, part two');
    });

    it.each(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'MKCOL', 'QUERY'])(
      'captures a %s request',
      async (method) => {
        const response = await request(`${server.origin}/inbox/${inbox.id}/any/where`, { method });
        expect(response.statusCode).toBe(200);
        const text = await response.body.text();
        if (method === 'HEAD') expect(text).toBe('');
        const capture = await lastCapture(server, inbox);
        expect([capture.method, capture.path]).toEqual([method, '/any/where']);
      },
    );

    it('captures at the inbox URL without a trailing slash too', async () => {
      await (await request(`${server.origin}/inbox/${inbox.id}?x=1`)).body.dump();
      expect(await lastCapture(server, inbox)).toMatchObject({ path: '/', query: 'x=1' });
    });

    it('answers 404 for an inbox that does not exist', async () => {
      const response = await call(server, '/inbox/zzzzzzzzzzzz/', { method: 'POST', body: 'x' });
      expect(response.status).toBe(404);
      expect(response.json.detail).toMatch(/There is no inbox "zzzzzzzzzzzz"/);
    });

    it('sends its safety headers with every answer', async () => {
      const response = await call(server, inbox.url);
      expect(response.headers['content-security-policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('reading an inbox', () => {
    it.each([
      ['the summary', (i: InboxLink) => `/app/inboxes/${i.id}`],
      ['the requests', (i: InboxLink) => i.requestsUrl],
      ['the response', (i: InboxLink) => `/app/inboxes/${i.id}/response`],
      ['the event stream', (i: InboxLink) => i.eventsUrl],
    ])('asks for the key (401) to read %s, and refuses a wrong one (403)', async (_what, path) => {
      const other = await createInbox(server);
      const none = await call(server, path(inbox));
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="inbox"');
      expect(none.json.type).toBe('/problems/key-required');
      const wrong = await call(server, path(inbox), { headers: bearer(other.key) });
      expect(wrong.status).toBe(403);
      expect(wrong.json).toMatchObject({ type: '/problems/wrong-key', detail: expect.stringMatching(/another inbox's key will not work/) });
    });

    it('answers 404 for an unknown inbox even with a key', async () => {
      const response = await call(server, '/app/inboxes/zzzzzzzzzzzz/requests', { headers: bearer(inbox.key) });
      expect(response.status).toBe(404);
    });

    it('takes the key from ?key= as well', async () => {
      const response = await call(server, `${inbox.requestsUrl}?key=${encodeURIComponent(inbox.key)}`);
      expect(response.status).toBe(200);
    });

    it('streams new captures live, each with an id, after a first state event', async () => {
      const own = await createInbox(server);
      const stream = await SseStream.open(server.origin, own.eventsUrl, { key: own.key });
      expect(stream.status).toBe(200);
      expect((await stream.json('state')).inbox).toMatchObject({ id: own.id, captured: 0 });
      await call(server, `${own.url}first`, { method: 'POST', body: 'one' });
      await call(server, `${own.url}second`, { method: 'DELETE' });
      const first = await stream.next();
      const second = await stream.next();
      expect([first.event, JSON.parse(first.data).request.path]).toEqual(['capture', '/first']);
      expect([second.event, JSON.parse(second.data).request.method]).toEqual(['capture', 'DELETE']);
      expect(Number(second.id)).toBeGreaterThan(Number(first.id));
      stream.close();
    });

    it('continues from GET …/requests to the stream with ?lastEventId=, missing nothing and repeating nothing', async () => {
      const own = await createInbox(server);
      await call(server, `${own.url}a`);
      const listed = await call(server, own.requestsUrl, { headers: bearer(own.key) });
      expect(listed.json.requests.map((r: CapturedRequest) => r.path)).toEqual(['/a']);
      await call(server, `${own.url}b`);
      const stream = await SseStream.open(server.origin, `${own.eventsUrl}?lastEventId=${listed.json.lastEventId}`, { key: own.key });
      await call(server, `${own.url}c`);
      const events = [await stream.next(), await stream.next()];
      expect(events.map((e) => [e.event, JSON.parse(e.data).request.path])).toEqual([
        ['capture', '/b'],
        ['capture', '/c'],
      ]);
      stream.close();
    });

    it('keeps only the newest requests, and counts them all', async () => {
      const small = await startServer({ ...TEST_SETTINGS, inboxHistory: 3 });
      const own = await createInbox(small);
      for (const n of [1, 2, 3, 4, 5]) await call(small, `${own.url}${n}`);
      expect((await captured(small, own)).map((r) => r.seq)).toEqual([3, 4, 5]);
      expect((await call(small, `/app/inboxes/${own.id}`, { headers: bearer(own.key) })).json.captured).toBe(5);
      await small.close();
    });

    it('empties its history on DELETE …/requests and tells the stream', async () => {
      const own = await createInbox(server);
      await call(server, own.url);
      const stream = await SseStream.open(server.origin, own.eventsUrl, { key: own.key });
      await stream.nextOf('state');
      expect((await call(server, own.requestsUrl, { method: 'DELETE', headers: bearer(own.key) })).status).toBe(204);
      expect((await stream.next()).event).toBe('inbox-cleared');
      expect(await captured(server, own)).toEqual([]);
      stream.close();
    });

    it('is deleted with DELETE: its stream hears why and ends, and the inbox is gone', async () => {
      const own = await createInbox(server);
      const stream = await SseStream.open(server.origin, own.eventsUrl, { key: own.key });
      await stream.nextOf('state');
      expect((await call(server, `/app/inboxes/${own.id}`, { method: 'DELETE', headers: bearer(own.key) })).status).toBe(204);
      expect(await stream.json('inbox-closed')).toEqual({ reason: 'deleted' });
      await stream.ended;
      expect((await call(server, own.url)).status).toBe(404);
    });
  });

  describe('the configured response', () => {
    it('answers with the status, headers (in order, repeats kept) and body the owner set', async () => {
      const own = await createInbox(server);
      const response = {
        status: 418,
        headers: [['X-Tea', 'green'], ['Content-Type', 'text/plain; charset=utf-8'], ['X-Tea', 'black']],
        body: "I'm a teapot",
      };
      const put = await call(server, `/app/inboxes/${own.id}/response`, { method: 'PUT', headers: bearer(own.key), json: response });
      expect(put.status).toBe(200);
      expect(put.json).toEqual({ ...response, bodyEncoding: 'text' });
      const answer = await rawResponse(server, `${own.url}brew`, 'POST');
      expect(answer.status).toBe(418);
      expect(answer.body).toBe("I'm a teapot");
      const pairs = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) pairs.push([answer.rawHeaders[i], answer.rawHeaders[i + 1]]);
      expect(pairs.slice(0, 3)).toEqual(response.headers);
      expect(pairs).toContainEqual(['Content-Length', '12']);
      expect((await lastCapture(server, own)).path).toBe('/brew');
    });

    it('sends a base64 body as bytes, and no body or Content-Length with 204', async () => {
      const own = await createInbox(server);
      await call(server, `/app/inboxes/${own.id}/response`, { method: 'PUT', headers: bearer(own.key), json: { status: 200, body: 'AAEC/w==', bodyEncoding: 'base64' } });
      const bytes = await request(`${server.origin}${own.url}`);
      expect([...Buffer.from(await bytes.body.arrayBuffer())]).toEqual([0, 1, 2, 255]);
      await call(server, `/app/inboxes/${own.id}/response`, { method: 'PUT', headers: bearer(own.key), json: { status: 204 } });
      const empty = await call(server, own.url, { method: 'DELETE' });
      expect(empty.status).toBe(204);
      expect(empty.headers['content-length']).toBeUndefined();
      expect(empty.text).toBe('');
    });

    it.each([
      ['Set-Cookie', [['Set-Cookie', 'sid=stolen; Path=/']], /cookies for this whole site/],
      ['Content-Length', [['Content-Length', '999']], /computes Content-Length/],
      ['an open redirect', [['Location', 'https://evil.example/']], /path on this server/],
      ['a header split by CRLF', [['X-A', 'a\r\nSet-Cookie: x=1']], /line break/],
    ])('refuses %s with 422 naming the header', async (_what, headers, message) => {
      const own = await createInbox(server);
      const response = await call(server, `/app/inboxes/${own.id}/response`, { method: 'PUT', headers: bearer(own.key), json: { status: 302, headers } });
      expect(response.status).toBe(422);
      expect(response.json.errors[0]).toMatchObject({ field: 'headers[0]', message: expect.stringMatching(message) });
      expect((await call(server, `/app/inboxes/${own.id}/response`, { headers: bearer(own.key) })).json.status).toBe(200);
    });

    it('refuses a status outside 200–599 with 422', async () => {
      const response = await call(server, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: bearer(inbox.key), json: { status: 101 } });
      expect(response.status).toBe(422);
      expect(response.json.errors[0].field).toBe('status');
    });

    it('goes back to the default receipt on DELETE, and tells the stream of every change', async () => {
      const own = await createInbox(server);
      const stream = await SseStream.open(server.origin, own.eventsUrl, { key: own.key });
      await stream.nextOf('state');
      await call(server, `/app/inboxes/${own.id}/response`, { method: 'PUT', headers: bearer(own.key), json: { status: 503, headers: [['Retry-After', '10']] } });
      expect((await stream.json('response-changed')).response).toMatchObject({ status: 503 });
      const reset = await call(server, `/app/inboxes/${own.id}/response`, { method: 'DELETE', headers: bearer(own.key) });
      expect(reset.json.status).toBe(200);
      expect((await stream.json('response-changed')).response.status).toBe(200);
      expect((await call(server, own.url)).json).toMatchObject({ captured: true, inbox: own.id });
      stream.close();
    });
  });

  describe('room and student inboxes', () => {
    it("broadcasts the room inbox's captures to everyone in the room, and a student's only to that student", async () => {
      const room = await createRoom(server);
      const ada = await joinRoom(server, room.code, 'Ada');
      const bob = await joinRoom(server, room.code, 'Bob');
      const instructor = await openRoom(server, room.code, room.instructorKey);
      const adaStream = await openRoom(server, room.code, ada.studentKey);
      const bobStream = await openRoom(server, room.code, bob.studentKey);
      for (const stream of [instructor, adaStream, bobStream]) await stream.nextOf('state');

      await call(server, `${room.inbox.url}from-curl`, { method: 'POST', body: 'hello class' });
      for (const stream of [instructor, adaStream, bobStream]) {
        expect(await stream.json('capture')).toMatchObject({ inboxId: room.inbox.id, scope: 'room', request: { path: '/from-curl', body: { data: 'hello class' } } });
      }

      await call(server, `${ada.inbox.url}mine`, { method: 'PUT' });
      expect(await adaStream.json('capture')).toMatchObject({ inboxId: ada.inbox.id, scope: 'you', request: { path: '/mine' } });
      await broadcast(server, room, 'after');
      // Bob's and the instructor's next event is the broadcast: Ada's capture never reached them.
      expect((await bobStream.next()).event).toBe('broadcast');
      expect((await instructor.next()).event).toBe('broadcast');
      for (const stream of [instructor, adaStream, bobStream]) stream.close();
    });

    it('shows a preview of a large body in the room, while the inbox keeps it whole', async () => {
      const room = await createRoom(server);
      const instructor = await openRoom(server, room.code, room.instructorKey);
      await instructor.nextOf('state');
      const big = 'x'.repeat(30_000);
      await call(server, room.inbox.url, { method: 'POST', body: big });
      const event = await instructor.json('capture');
      expect(event.request.body).toMatchObject({ truncated: true, wireSize: 30_000 });
      expect(event.request.body.data.length).toBe(16_384);
      expect((await lastCapture(server, room.inbox)).body).toMatchObject({ data: big, truncated: false });
      instructor.close();
    });

    it('refuses to delete a room inbox (409): it goes with the room', async () => {
      const room = await createRoom(server);
      const response = await call(server, `/app/inboxes/${room.inbox.id}`, { method: 'DELETE', headers: bearer(room.inbox.key) });
      expect(response.status).toBe(409);
    });
  });
});

describe('inbox limits', () => {
  it('refuses a body over the limit with 413, without capturing it', async () => {
    const server = await startServer({ ...TEST_SETTINGS, inboxBodyLimit: 1_024 });
    const inbox = await createInbox(server);
    const declared = await call(server, inbox.url, { method: 'POST', body: 'x'.repeat(2_000) });
    expect(declared.status).toBe(413);
    expect(declared.json.detail).toMatch(/at most 1024 bytes/);
    const chunked = await call(server, inbox.url, { method: 'POST', body: Readable.from(['x'.repeat(800), 'y'.repeat(800)]) });
    expect(chunked.status).toBe(413);
    expect(await captured(server, inbox)).toEqual([]);
    await server.close();
  });

  it('answers 429 with Retry-After when an inbox receives requests too fast', async () => {
    const server = await startServer({ ...TEST_SETTINGS, inboxCapturesPerMinute: 2 });
    const inbox = await createInbox(server);
    expect((await call(server, inbox.url)).status).toBe(200);
    expect((await call(server, inbox.url)).status).toBe(200);
    const third = await call(server, inbox.url);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('30');
    expect(third.json.detail).toMatch(/at most 2 requests a minute/);
    expect((await captured(server, inbox)).length).toBe(2);
    await server.close();
  });

  it('answers 503 with Retry-After when the server holds as many inboxes as it may', async () => {
    const server = await startServer({ ...TEST_SETTINGS, inboxMax: 1 });
    await createInbox(server);
    const response = await call(server, '/app/inboxes', { method: 'POST' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('60');
    await server.close();
  });

  it('deletes an inbox nobody used for the idle time', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const server = await startServer({ ...TEST_SETTINGS, inboxIdleMinutes: 10, now: () => new Date(clock) });
    const inbox = await createInbox(server);
    clock += 9 * 60_000;
    expect((await call(server, inbox.url)).status).toBe(200);
    clock += 9 * 60_000;
    expect((await call(server, inbox.requestsUrl, { headers: bearer(inbox.key) })).status).toBe(200);
    clock += 11 * 60_000;
    const gone = await call(server, inbox.requestsUrl, { headers: bearer(inbox.key) });
    expect(gone.status).toBe(404);
    expect(gone.json.detail).toMatch(/deleted after 10 minutes/);
    await server.close();
  });

  it('closes a room nobody is connected to after the idle time, with its inboxes', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const server = await startServer({ ...TEST_SETTINGS, roomIdleMinutes: 30, now: () => new Date(clock) });
    const room = await createRoom(server);
    clock += 31 * 60_000;
    expect((await call(server, `/app/rooms/${room.code}`)).status).toBe(404);
    expect((await call(server, room.inbox.url)).status).toBe(404);
    await server.close();
  });

  it('keeps a room open while someone is connected, however long', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const server = await startServer({ ...TEST_SETTINGS, roomIdleMinutes: 30, now: () => new Date(clock) });
    const room = await createRoom(server);
    const stream = await openRoom(server, room.code, room.instructorKey);
    await stream.nextOf('state');
    clock += 120 * 60_000;
    expect((await call(server, `/app/rooms/${room.code}`)).status).toBe(200);
    stream.close();
    await server.close();
  });
});
