// Mr Okafor logs in, takes a token and deletes books in front of the class; everything a student's
// stream receives is then replayed from the student's position (curl with the student's own sandbox): no
// relayed cookie, token or key acts as the instructor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import type { Transcript } from '../../../server/protocol/api-types';
import { call, startServer, type TestServer } from '../../helpers/server';
import { bearer, createRoom, joinRoom, openRoom, TEST_SETTINGS } from './helpers';
import type { SseStream } from './sse-client';

describe('credentials relayed to a room', () => {
  let server: TestServer;
  let room: RoomCreated;
  let student: StudentJoined;
  let stream: SseStream;
  /** Every secret the instructor holds, in the forms they appear in. */
  const secrets: string[] = [];
  /** The instructor's page: its cookie jar, as the composer keeps it. */
  let jar = '';

  /** The instructor's page sends a request through the app and broadcasts the exchange, as the client does. */
  async function sendAndBroadcast(method: string, path: string, headers: [string, string][] = [], body?: string): Promise<Transcript> {
    const withJar: [string, string][] = [...headers, ['Cookie', jar]];
    const sent = await call(server, '/app/send', {
      method: 'POST',
      json: { method, url: path, headers: withJar, ...(body === undefined ? {} : { body: { encoding: 'text', data: body } }) },
    });
    expect(sent.status).toBe(200);
    const transcript: Transcript = sent.json;
    for (const [name, value] of transcript.exchanges.at(-1)!.response?.headers ?? []) {
      if (name.toLowerCase() === 'set-cookie' && value.startsWith('sid=')) {
        const sid = value.split(';')[0]!;
        secrets.push(sid.slice(4));
        jar = `${jar}; ${sid}`;
      }
    }
    const relayed = await call(server, `/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: bearer(room.instructorKey), json: { transcript } });
    expect(relayed.status).toBe(200);
    return transcript;
  }

  beforeAll(async () => {
    server = await startServer(TEST_SETTINGS);
    room = await createRoom(server, 'Week 3');
    jar = `sandbox=${room.sandbox}`;
    student = await joinRoom(server, room.code, 'Maya');
    stream = await openRoom(server, room.code, student.studentKey);
    secrets.push(room.instructorKey, room.inbox.key, 'lovelace');

    await sendAndBroadcast('POST', '/api/session', [['Content-Type', 'application/json']], '{"username":"ada","password":"lovelace"}');
    await sendAndBroadcast('DELETE', '/api/books/3');
    await sendAndBroadcast('DELETE', '/api/books/3');
    const tokens = await sendAndBroadcast('POST', '/api/tokens', [['Content-Type', 'application/json']], '{"username":"ada","password":"lovelace"}');
    const token = JSON.parse(tokens.exchanges[0]!.response!.body!.data).token as string;
    secrets.push(token);
    await sendAndBroadcast('GET', '/headers', [['Authorization', `Bearer ${token}`]]);
    await sendAndBroadcast('GET', '/cookies');
    await sendAndBroadcast('GET', `/app/rooms/${room.code}/roster?key=${room.instructorKey}`);
    await sendAndBroadcast('GET', `/app/inboxes/${room.inbox.id}/requests`, [['Authorization', `Bearer ${room.inbox.key}`]]);
    await stream.nextOf('broadcast');
    for (let i = 1; i < 8; i += 1) await stream.nextOf('broadcast');
  });
  afterAll(async () => {
    stream.close();
    await server.close();
  });

  it('the instructor really had these credentials, and they work for the instructor', async () => {
    expect(secrets.length).toBe(5);
    const sid = secrets[3]!;
    const remove = await call(server, '/api/books/5', { method: 'DELETE', headers: { cookie: `sid=${sid}`, 'x-sandbox': room.sandbox } });
    expect(remove.status).toBe(204);
  });

  it('no byte of the student’s event stream holds any of them, live or after a reload', async () => {
    for (const secret of secrets) expect(stream.raw).not.toContain(secret);
    const reloaded = await openRoom(server, room.code, student.studentKey);
    const state = await reloaded.nextOf('state');
    reloaded.close();
    expect(JSON.parse(state.data).broadcasts).toHaveLength(8);
    for (const secret of secrets) expect(state.data).not.toContain(secret);
  });

  it('shows the student where something was hidden, so the lesson still reads', async () => {
    const broadcasts = stream.events.filter((e) => e.event === 'broadcast').map((e) => JSON.parse(e.data));
    const deleteAgain = broadcasts[2].transcript.exchanges[0];
    expect(deleteAgain.request.headers).toContainEqual(['Cookie', "sandbox=••••; sid=•••• (hidden: the instructor's sandbox cookie and session)"]);
    // The instructor's sandbox is theirs: no student learns its name, so none can change its data.
    expect(stream.raw).not.toContain(room.sandbox);
    expect(deleteAgain.response.status).toBe(404);
    expect(broadcasts[0].hidden).toEqual(["Cookie: the instructor's sandbox cookie", 'the "password" field: the instructor\'s password', "Set-Cookie: the instructor's session"]);
    expect(broadcasts.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a "try this" draft reaches students without the token, cookie or password in it', async () => {
    const [token, sid] = [secrets[4]!, secrets[3]!];
    const draft = {
      method: 'DELETE',
      url: '/api/books/7',
      headers: [{ id: '1', name: 'Authorization', value: `Bearer ${token}`, enabled: true }, { id: '2', name: 'Cookie', value: `sid=${sid}`, enabled: true }],
      auth: { kind: 'bearer', token },
    };
    const pushed = await call(server, `/app/rooms/${room.code}/push`, { method: 'POST', headers: bearer(room.instructorKey), json: { draft, message: 'Delete book 7' } });
    expect(pushed.status).toBe(200);
    const received = await stream.json('try-this');
    expect(received.draft).toEqual({ ...draft, headers: [{ ...draft.headers[0], value: '' }, { ...draft.headers[1], value: '' }], auth: { kind: 'bearer', token: '' } });
    for (const secret of secrets) expect(stream.raw).not.toContain(secret);
  });

  it('replaying everything relayed in a credential position fails with 401 or 403', async () => {
    const broadcasts = stream.events.filter((e) => e.event === 'broadcast').map((e) => JSON.parse(e.data) as { transcript: Transcript });
    const cookies = new Set<string>();
    const authorizations = new Set<string>();
    const keys = new Set<string>();
    for (const { transcript } of broadcasts) {
      for (const exchange of transcript.exchanges) {
        for (const [name, value] of [...exchange.request.headers, ...(exchange.response?.headers ?? [])]) {
          const lower = name.toLowerCase();
          if (lower === 'cookie') for (const pair of value.split(';')) cookies.add(pair.trim());
          if (lower === 'set-cookie') cookies.add(value.split(';')[0]!.trim());
          if (lower === 'authorization') authorizations.add(value);
        }
        const url = new URL(exchange.request.url);
        const key = url.searchParams.get('key');
        if (key) keys.add(key);
        const body = exchange.response?.body?.data ?? '';
        for (const match of body.matchAll(/"(?:token|key)"\s*:\s*"([^"]*)"/g)) authorizations.add(`Bearer ${match[1]}`);
      }
    }
    expect(cookies.size).toBeGreaterThan(0);
    expect(authorizations.size).toBeGreaterThan(0);
    expect(keys.size).toBeGreaterThan(0);

    const student = { 'x-sandbox': room.sandbox };
    // As curl would send what was pasted: the UTF-8 bytes of the text (undici wants them as latin1).
    const asBytes = (value: string) => Buffer.from(value, 'utf8').toString('latin1');
    for (const cookie of cookies) {
      const response = await call(server, '/api/books/6', { method: 'DELETE', headers: { ...student, cookie: asBytes(cookie) } });
      expect([401, 403], `Cookie: ${cookie}`).toContain(response.status);
    }
    for (const authorization of authorizations) {
      const response = await call(server, '/api/books/6', { method: 'DELETE', headers: { ...student, authorization: asBytes(authorization) } });
      expect([401, 403], `Authorization: ${authorization}`).toContain(response.status);
      const roster = await call(server, `/app/rooms/${room.code}/roster`, { headers: { authorization: asBytes(authorization) } });
      expect([401, 403]).toContain(roster.status);
    }
    for (const key of keys) {
      const roster = await call(server, `/app/rooms/${room.code}/roster?key=${encodeURIComponent(key)}`);
      expect([401, 403], `?key=${key}`).toContain(roster.status);
      const inbox = await call(server, `/app/inboxes/${room.inbox.id}/requests?key=${encodeURIComponent(key)}`);
      expect([401, 403]).toContain(inbox.status);
    }
    // The book the student tried to delete is still there.
    expect((await call(server, '/api/books/6', { headers: student })).status).toBe(200);
  });
});
