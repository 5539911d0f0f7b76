// What an inbox is made of, as the inbox service and the inbox stores (memory, Redis) hold it.
import type { InboxResponse, InboxSummary } from '../protocol/classroom-types';

export type InboxKind = InboxSummary['kind'];

export interface Inbox {
  id: string;
  keyDigest: Buffer;
  kind: InboxKind;
  room: string | null;
  createdAt: Date;
  lastActivity: number;
  captured: number;
  /** The captures kept, oldest first, each only as its JSON bytes (no parsed copy beside them), so the
   *  byte budgets (INBOX_HISTORY_BYTES, CAPTURE_BYTES_TOTAL) count what is really held. */
  requests: Buffer[];
  bytes: number;
  response: InboxResponse;
  /** The configured body as bytes; null while the default receipt is used. */
  responseBody: Buffer | null;
  /** Token bucket of the capture rate limit. */
  tokens: number;
  tokensAt: number;
  /** The address that made a stand-alone inbox (its share of INBOX_MAX); absent for room inboxes. */
  creator?: string;
}
