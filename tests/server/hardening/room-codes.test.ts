// Room codes: the outside review enumerated every 4-letter code (130,321) at 4,212 lookups a second, and
// a bare code opened the room's sandbox (with the demo login) and its inbox. Each test performs that attack
// against today's server, from the loopback address 127.0.0.1, with the instructor on 127.0.0.2 and other
// classes on 127.0.0.3: codes are 8 letters, wrong codes are budgeted per address (an address out of
// guesses learns nothing, not even about a right code), a join link's secret always gets in, and the code
// alone shows a title and nothing to act on.
import { afterEach, describe, expect, it } from 'vitest';
import { ROOM_CODE_ALPHABET } from '../../../server/classroom/ids';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import { DEFAULT_CONFIG } from '../../../server/config';
import { otherAddresses, call, login, startServer, type RequestOptions, type TestServer } from '../../helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
/** Requests from another loopback address, as another network would send them. */
const from = otherAddresses();

/** A clock the test moves by hand, so "per minute" is exact however busy the machine is. */
function manualClock() {
  let now = Date.parse('2026-12-01T10:00:00Z');
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** The i-th 8-letter code in alphabet order, as an enumerating script would try them. */
function nthCode(i: number): string {
  let code = '';
  for (let n = i, k = 0; k < 8; k += 1, n = Math.floor(n / ROOM_CODE_ALPHABET.length)) code = ROOM_CODE_ALPHABET[n % ROOM_CODE_ALPHABET.length] + code;
  return code;
}

async function createRoomFrom(address: string, title = 'HTTP 101'): Promise<RoomCreated> {
  const response = await call(server!, '/app/rooms', { method: 'POST', json: { title }, ...from(address) });
  if (response.status !== 201) throw new Error(`create room: ${response.status} ${response.text}`);
  return response.json;
}

const FAILURES = DEFAULT_CONFIG.roomCodeFailuresPerMinute;

describe('enumerating room codes', () => {
  it(`answers at most ${FAILURES} wrong codes a minute per address, then refuses every code from it, a right one too`, async () => {
    const clock = manualClock();
    server = await startServer({ now: clock.now });
    const room = await createRoomFrom('127.0.0.2');
    // The script: 500 codes as fast as it can, over every route that names a room.
    const statuses = new Map<number, number>();
    const paths = (code: string) => [`/app/rooms/${code}`, `/app/rooms/${code}/events?key=x`, `/app/rooms/${code}/roster`];
    for (let i = 0; i < 500; i += 1) {
      const response = await server.app.inject({ url: paths(nthCode(i))[i % 3]! });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 404: FAILURES, 429: 500 - FAILURES });

    // Out of guesses, the right code gets the same answer as a wrong one: nothing learnt.
    for (const path of paths(room.code)) {
      const refused = await call(server, path);
      expect(refused.status, path).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json.detail).toMatch(/Too many room codes that name no room came from your network address/);
      expect(refused.json.detail).toMatch(/scan the room's QR code or open its join link/);
    }
    // Another network is not slowed by this one.
    expect((await call(server, `/app/rooms/${room.code}`, from('127.0.0.3'))).json).toEqual({ code: room.code, title: 'HTTP 101' });

    // A minute later the address has one minute's guesses again: 60 a minute, where 4,212 a second found
    // every 4-letter room in half a minute. 19^8 codes at 60 a minute is 540,000 years for the whole space.
    clock.advance(60_000);
    let answered = 0;
    for (let i = 500; i < 700; i += 1) if ((await server.app.inject({ url: `/app/rooms/${nthCode(i)}` })).statusCode === 404) answered += 1;
    expect(answered).toBe(FAILURES);
  });

  it("a right code costs no guess: a student's checks and join go through however many they make", async () => {
    server = await startServer({ classroomCreatePerMinute: 1_000 });
    const room = await createRoomFrom('127.0.0.2');
    for (let i = 0; i < FAILURES * 2; i += 1) expect((await server.app.inject({ url: `/app/rooms/${room.code}` })).statusCode).toBe(200);
    const join = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Maya' } });
    expect(join.status).toBe(201);
  });

  it('the join link (QR code) gets in from an address that is out of guesses; a wrong secret does not', async () => {
    server = await startServer();
    const room = await createRoomFrom('127.0.0.2');
    for (let i = 0; i < FAILURES; i += 1) await server.app.inject({ url: `/app/rooms/${nthCode(i)}` });
    const secret = new URL(room.joinLink, 'http://x').hash.replace('#join=', '');
    const typed = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Typed' } });
    expect(typed.status).toBe(429);
    const wrongSecret = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Forged', secret: 'A'.repeat(22) } });
    expect(wrongSecret.status).toBe(429);
    const scanned = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Scanned', secret } });
    expect(scanned.status).toBe(201);
    expect((scanned.json as StudentJoined).room.code).toBe(room.code);
  });
});

describe('what a bare room code grants', () => {
  it("neither the room's inbox nor the instructor's sandbox: the code shows a title; the sandbox named after the code is an empty one", async () => {
    server = await startServer();
    const room = await createRoomFrom('127.0.0.2', 'Week 3');
    const lookup = await call(server, `/app/rooms/${room.code}`);
    expect(lookup.json).toEqual({ code: room.code, title: 'Week 3' });
    expect(lookup.text).not.toContain(room.inbox.id);
    expect(lookup.text).not.toContain(room.sandbox);

    // The review's attack: the room's sandbox by its code, the demo login, delete the instructor's book.
    const codeSandbox = `room-${room.code.toLowerCase()}`;
    const instructor = await login(server, 'ada', 'lovelace', room.sandbox);
    const mine = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': room.sandbox, cookie: instructor }, json: { title: 'On the projector', author: 'Mr Okafor', year: 2026 } });
    expect(mine.status).toBe(201);
    const attacker = await login(server, 'ada', 'lovelace', codeSandbox);
    const deleted = await call(server, `/api/books/${mine.json.id}`, { method: 'DELETE', headers: { 'x-sandbox': codeSandbox, cookie: attacker } });
    expect(deleted.status).toBe(404);
    const still = await call(server, `/api/books/${mine.json.id}`, { headers: { 'x-sandbox': room.sandbox } });
    expect(still.json.title).toBe('On the projector');
    // And the room's fault switches do not reach a sandbox named after the code alone.
    await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: { status503: true } });
    expect((await call(server, '/api/books', { headers: { 'x-sandbox': codeSandbox } })).status).toBe(200);
    expect((await call(server, '/api/books', { headers: { 'x-sandbox': room.sandbox } })).status).toBe(503);
  });

  it('a student who joined gets the room inbox to send to, and their own sandbox, never the instructor’s', async () => {
    server = await startServer();
    const room = await createRoomFrom('127.0.0.2');
    const joined = (await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Maya' } })).json as StudentJoined;
    expect(joined.room.inboxUrl).toBe(room.inbox.url);
    expect(joined.sandbox).not.toBe(room.sandbox);
    expect(JSON.stringify(joined)).not.toContain(room.sandbox);
  });
});

describe('a lecture hall behind one address', () => {
  it('300 students join within a minute with the default limits, 30 of them mistyping the code first', async () => {
    server = await startServer();
    const room = await createRoomFrom('127.0.0.2', 'Lecture hall');
    const started = Date.now();
    const typo = `${room.code.slice(0, 7)}${room.code[7] === 'B' ? 'C' : 'B'}`;
    const results = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const headers = { cookie: `sandbox=hall-${i}` };
        if (i % 10 === 0) {
          const wrong = await call(server!, `/app/rooms/${typo}/join`, { method: 'POST', headers, json: { name: `Student ${i}` } });
          expect(wrong.status).toBe(404);
        }
        const spelt = i % 2 === 0 ? room.code : `${room.code.slice(0, 4)}-${room.code.slice(4).toLowerCase()}`;
        return (await call(server!, `/app/rooms/${spelt}/join`, { method: 'POST', headers, json: { name: `Student ${i}` } })).status;
      }),
    );
    expect(results.filter((status) => status !== 201)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
