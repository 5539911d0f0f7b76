// Keyed authorisation for the room and inbox routes, in one place: the key a request carries (header or
// query), then the service's check of it. The services take the key as a plain value, never the request.
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../http/problem';
import type { InboxService, Inbox } from '../classroom/inboxes';
import type { Member, Room, RoomService } from '../classroom/rooms';

/** The key from `Authorization: Bearer <key>`, or from `?key=` (EventSource cannot send headers). */
export function requestKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const query = (request.query as Record<string, unknown> | undefined)?.key;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/** Rate-limit bucket of room codes that name no room, per address (ROOM_CODE_FAILURES_PER_MINUTE). */
export const ROOM_CODE_FAILURES_BUCKET = 'room-code-failures';
/** The failures are counted per address, under this key (the limiter's per-account lane). */
const CODE_GUESSES = 'room-codes';

/**
 * The room a route's `:code` names, or 404. Guessing codes is slow: a guess is spent before looking and
 * given back when the code names a room, so an address out of guesses gets 429 for every code, a right
 * one too, and learns nothing, not even whether a code exists.
 */
export async function namedRoom(rooms: RoomService, request: FastifyRequest<{ Params: { code: string } }>): Promise<Room> {
  const limits = request.server.rateLimits;
  try {
    await limits.take(ROOM_CODE_FAILURES_BUCKET, request, CODE_GUESSES);
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    const wait = error.headers['retry-after'] ?? '60';
    throw new HttpProblem(
      'too-many-requests',
      `Too many room codes that name no room came from your network address, so room codes from it are refused for ${wait} s (Retry-After). Check the code against the projector and try again then — or scan the room's QR code or open its join link, which always work.`,
      { headers: error.headers, extra: error.extra },
    );
  }
  const room = await rooms.get(request.params.code);
  if (!room) throw rooms.notFound(request.params.code);
  await limits.refund(ROOM_CODE_FAILURES_BUCKET, request, CODE_GUESSES);
  return room;
}

/** The room a route's `:code` names and who is asking: 404, 401, 403 (wrong key, or the wrong role). */
export async function roomMember(
  rooms: RoomService,
  request: FastifyRequest<{ Params: { code: string } }>,
  need: 'member' | 'instructor',
  action: string,
): Promise<{ room: Room; member: Member }> {
  return await rooms.authorize(await namedRoom(rooms, request), requestKey(request), need, action);
}

/** The student a route's `:code` and key name (403 for the instructor's key). */
export async function roomStudent(rooms: RoomService, request: FastifyRequest<{ Params: { code: string } }>, action: string) {
  return await rooms.authorizeStudent(await namedRoom(rooms, request), requestKey(request), action);
}

/** The inbox a route's `:id` names, when the request carries its key: 404, then 401 or 403. */
export async function ownedInbox(inboxes: InboxService, request: FastifyRequest<{ Params: { id: string } }>): Promise<Inbox> {
  return inboxes.authorize(await inboxes.getOr404(request.params.id), requestKey(request));
}
