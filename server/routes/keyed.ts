// Keyed authorisation for the room and inbox routes, in one place: the key a request carries (header or
// query), then the service's check of it. The services take the key as a plain value, never the request.
import type { FastifyRequest } from 'fastify';
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

/** The room a route's `:code` names and who is asking: 404, 401, 403 (wrong key, or the wrong role). */
export function roomMember(
  rooms: RoomService,
  request: FastifyRequest<{ Params: { code: string } }>,
  need: 'member' | 'instructor',
  action: string,
): { room: Room; member: Member } {
  return rooms.authorize(rooms.getOr404(request.params.code), requestKey(request), need, action);
}

/** The student a route's `:code` and key name (403 for the instructor's key). */
export function roomStudent(rooms: RoomService, request: FastifyRequest<{ Params: { code: string } }>, action: string) {
  return rooms.authorizeStudent(rooms.getOr404(request.params.code), requestKey(request), action);
}

/** The inbox a route's `:id` names, when the request carries its key: 404, then 401 or 403. */
export function ownedInbox(inboxes: InboxService, request: FastifyRequest<{ Params: { id: string } }>): Inbox {
  return inboxes.authorize(inboxes.getOr404(request.params.id), requestKey(request));
}
