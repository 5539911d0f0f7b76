// Connects one event stream to one hub channel so that the client sees every event once, in order,
// across reconnects: subscribe first (holding live events back), then replay what the client missed
// (or send a fresh `state` snapshot), then release the held events, skipping any already sent.
import { compareEventIds, type Hub, type HubEvent } from './hub';
import type { EventStream } from './sse';

export interface Snapshot {
  type: string;
  /** The data as serialised JSON, in pieces (kept lists are written as the bytes the server holds). */
  json: Buffer[];
}

export interface PipeOptions {
  /** The Last-Event-ID the client sent (already checked by parseEventId), if any. */
  lastEventId: string | undefined;
  /** Whether this client may see the event (audience rules). */
  canSee: (event: HubEvent) => boolean;
  /** The current state, sent on a fresh connection and when the replay buffer no longer covers the gap. */
  snapshot: (missed: boolean) => Snapshot | Promise<Snapshot>;
}

export async function pipeChannel(hub: Hub, channel: string, stream: EventStream, options: PipeOptions): Promise<void> {
  let last = '0';
  let live = false;
  const held: HubEvent[] = [];

  const deliver = (event: HubEvent): void => {
    if (compareEventIds(event.id, last) <= 0) return;
    last = event.id;
    if (options.canSee(event)) stream.sendJson(event.id, event.type, [event.json]);
  };

  // Should a shared hub lose events on their way to this stream, or another process drop the channel, the
  // stream ends: the browser reconnects with Last-Event-ID and gets what it missed, a fresh state, or 404.
  const unsubscribe = hub.subscribe(
    channel,
    (event) => (live ? deliver(event) : held.push(event)),
    () => stream.close(),
  );
  stream.onClose(unsubscribe);

  const sendSnapshot = async (missed: boolean): Promise<void> => {
    const id = await hub.lastId(channel);
    const snapshot = await options.snapshot(missed);
    last = id;
    stream.sendJson(id, snapshot.type, snapshot.json);
  };

  if (options.lastEventId === undefined) {
    await sendSnapshot(false);
  } else {
    const replay = await hub.replay(channel, options.lastEventId);
    if (replay.kind === 'gap') {
      await sendSnapshot(true);
    } else {
      last = options.lastEventId;
      for (const event of replay.events) deliver(event);
    }
  }
  for (const event of held.splice(0)) deliver(event);
  live = true;
}

const COMMA = Buffer.from(',');

/** A JSON object as pieces: the plain fields serialised now, then each list written from the JSON pieces
 *  its items are kept as (shared, not copied). */
export function jsonWithLists(plain: object, lists: Record<string, readonly (readonly Buffer[])[]>): Buffer[] {
  const head = JSON.stringify(plain);
  const pieces: Buffer[] = [Buffer.from(head.slice(0, -1))];
  let first = head === '{}';
  for (const [name, items] of Object.entries(lists)) {
    pieces.push(Buffer.from(`${first ? '' : ','}${JSON.stringify(name)}:[`));
    first = false;
    items.forEach((item, index) => {
      if (index > 0) pieces.push(COMMA);
      pieces.push(...item);
    });
    pieces.push(Buffer.from(']'));
  }
  pieces.push(Buffer.from('}'));
  return pieces;
}
