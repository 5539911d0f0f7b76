// Fixed limits of rooms, inboxes and event streams. The ones an operator may want to tune live in
// server/config.ts (ROOM_MAX, INBOX_HISTORY…); these are the rest, each with the reason for its value.

/** Events a room or inbox keeps for replay after a reconnect (Last-Event-ID). Older ones are lost: the
 *  client then receives a fresh `state` event with `missed: true` instead of the events. */
export const REPLAY_EVENTS = 1_000;
/** Bytes of events kept for replay per room or inbox; a handful of large transcripts may fill it first. */
export const REPLAY_BYTES = 4 * 1_048_576;
/** Bytes of events kept for replay by all rooms and inboxes together; the oldest events anywhere go first. */
export const REPLAY_BYTES_TOTAL = 256 * 1_048_576;

/** What an event stream tells the browser to wait before reconnecting (the SSE `retry:` field). */
export const STREAM_RETRY_MS = 2_000;
/** Event streams one room may have open (students with several tabs count several times). */
export const STREAMS_PER_ROOM = 2_000;
/** Event streams one inbox may have open. */
export const STREAMS_PER_INBOX = 20;
/** How long app.close() waits for event streams to finish their last write before cutting them. */
export const STREAM_CLOSE_GRACE_MS = 1_000;
/** The `retry:` a stream gets when the server shuts down, before it is ended: the browser reconnects soon
 *  (to another process behind the load balancer, or this one restarted) with its Last-Event-ID. */
export const SHUTDOWN_RETRY_MS = 1_000;
/** Up to this much is added at random to each stream's shutdown `retry:`, so a room's 400 browsers do not all
 *  reconnect in the same millisecond. */
export const SHUTDOWN_RETRY_JITTER_MS = 1_000;

/** Longest room title an instructor may give. */
export const ROOM_TITLE_MAX = 80;
/** Longest display name, in characters (code points). */
export const DISPLAY_NAME_MAX = 40;
/** Longest note with a broadcast or message with a "try this" push. */
export const MESSAGE_MAX = 500;
/** Largest broadcast body (a transcript with its bodies) or "try this" body, in bytes. */
export const BROADCAST_BODY_LIMIT = 1_048_576;
/** Largest "try this" draft body, in bytes. */
export const PUSH_BODY_LIMIT = 262_144;
/** Largest progress report a student shares, in bytes. */
export const PROGRESS_BODY_LIMIT = 16_384;
/** Exchanges in one broadcast transcript (redirect hops). */
export const TRANSCRIPT_EXCHANGES_MAX = 30;

/** Fault switch ceilings: an added latency beyond 10 s only teaches patience. */
export const FAULT_LATENCY_MAX_MS = 10_000;
export const FAULT_RETRY_AFTER_MAX_S = 300;
export const FAULT_RETRY_AFTER_DEFAULT_S = 5;

/** A configured inbox response: status range, number and size of headers, body size. */
export const INBOX_RESPONSE_HEADERS_MAX = 30;
export const INBOX_RESPONSE_HEADER_VALUE_MAX = 2_048;
export const INBOX_RESPONSE_BODY_MAX = 65_536;
/** Broadcasts a room keeps for the `state` event, so a reloaded page or a late joiner sees the lesson so far. */
export const RECENT_BROADCASTS = 30;
/** Room inbox captures a room keeps for the `state` event. */
export const RECENT_CAPTURES = 30;
/** Bytes of those recent broadcasts (or captures) one room keeps; the oldest go first beyond it. */
export const RECENT_BYTES = 2 * 1_048_576;
/** Bytes of a captured body shown in a room's live view; the inbox itself keeps the whole body. */
export const ROOM_CAPTURE_PREVIEW_BYTES = 16_384;

/** How often idle rooms and inboxes are looked for. */
export const SWEEP_INTERVAL_MS = 60_000;
/** Retry-After sent with a 503 when the server holds as many rooms, inboxes or streams as it may. */
export const CAPACITY_RETRY_AFTER_S = 60;

/** Bytes of captured requests one inbox keeps; the oldest captures go first beyond it. */
export const INBOX_HISTORY_BYTES = 4 * 1_048_576;
/** Bytes of captured requests all inboxes together keep; beyond it new captures get 503 until inboxes expire. */
export const CAPTURE_BYTES_TOTAL = 256 * 1_048_576;
