// Duplicate and look-alike display names: the review joined a room as "Maya" a second time, as "maya", and
// as "Mаya" with a Cyrillic а, and the projector's roster showed two Mayas. Each test performs one spelling
// against a room where Maya already sits; none gets onto the roster, and a different name still does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameSkeleton } from '../../../server/classroom/display-name';
import type { RoomCreated } from '../../../server/protocol/classroom-types';
import { call, startServer, type TestServer } from '../../helpers/server';
import { createRoom, joinRoom, TEST_SETTINGS } from '../classroom/helpers';

let server: TestServer;
let room: RoomCreated;
beforeAll(async () => {
  server = await startServer(TEST_SETTINGS);
  room = await createRoom(server, 'Names');
  await joinRoom(server, room.code, 'Maya');
  await joinRoom(server, room.code, 'Ian');
});
afterAll(() => server.close());

const join = (name: string) => call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name } });

/** [spelling, the name as sent, the status, what the problem says] */
const IMPERSONATIONS: [string, string, number, RegExp][] = [
  ['the same name', 'Maya', 409, /already goes by "Maya"/],
  ['another case', 'MAYA', 409, /already goes by "Maya"/],
  ['an accent', 'Máya', 409, /already goes by "Maya"/],
  ['a combining accent', 'Ma\u0301ya', 409, /already goes by "Maya"/],
  ['full-width letters', 'Ｍａｙａ', 409, /already goes by "Maya"/],
  ['Cyrillic letters only', 'Мауа', 409, /already goes by "Maya"/],
  ['a Cyrillic а among Latin letters', 'M\u0430ya', 422, /mixes Latin and Cyrillic letters/],
  ['a Greek ο among Latin letters', 'Maya Jοnes', 422, /mixes Latin and Greek letters/],
  ['extra spaces and a dot', ' Ma ya. ', 409, /already goes by "Maya"/],
  ['a zero-width space', 'Ma\u200bya', 422, /invisible/],
  ['a right-to-left override', '\u202eayaM', 422, /invisible/],
  ['lower-case l for upper-case I', 'lan', 409, /already goes by "Ian"/],
  ['the digit 1 for I', '1an', 409, /already goes by "Ian"/],
];

describe('a second "Maya" on the roster', () => {
  it.each(IMPERSONATIONS)('%s (%s) → %i, and the roster keeps one', async (_how, name, status, reason) => {
    const response = await join(name);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json.detail).toMatch(reason);
    expect(response.json.errors[0]).toMatchObject({ field: 'name', location: 'body' });
    const roster = await call(server, `/app/rooms/${room.code}/roster`, { headers: { authorization: `Bearer ${room.instructorKey}` } });
    expect(roster.json.students.map((s: { name: string }) => s.name)).toEqual(['Maya', 'Ian']);
  });

  it('says how to tell yourself apart, and a name that differs gets in', async () => {
    expect((await join('maya')).json.detail).toMatch(/such as your surname's initial \("maya K\."\)/);
    expect((await join('Maya K.')).status).toBe(201);
    expect((await join('Mia')).status).toBe(201);
    expect((await join('Мария')).status).toBe(201);
  });
});

describe('nameSkeleton', () => {
  it.each([
    ['Maya', 'Ｍａｙａ'],
    ['Maya', 'MÁYA'],
    ['Maya', 'Мауа'],
    ['Ian', 'lan'],
    ['Emma', 'Ernrna'],
    ['Otto', '0tt0'],
  ])('%s and %s look the same', (a, b) => {
    expect(nameSkeleton(a)).toBe(nameSkeleton(b));
  });

  it.each([
    ['Maya', 'Mia'],
    ['Ann', 'Anna'],
    ['Li', 'Lu'],
  ])('%s and %s are told apart', (a, b) => {
    expect(nameSkeleton(a)).not.toBe(nameSkeleton(b));
  });
});
