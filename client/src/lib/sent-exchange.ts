// What features hear after each send. The app level (app/send-request.ts) sends and notifies; a feature
// that reacts to sends (lessons check goals, the classroom shares progress, the data view reads again)
// is handed `onSent` as a prop, so it never imports the sender or another feature.
import type { Transcript } from '../../../server/protocol/api-types';
import type { Draft } from './draft';

export interface SentExchange {
  /** The draft as the learner composed it (variables not yet filled in). */
  draft: Draft;
  /** Every hop the server recorded, redirects first. */
  transcript: Transcript;
}

/** Subscribes to every send that came back with a transcript; returns the unsubscribe. */
export type OnSent = (listener: (sent: SentExchange) => void) => () => void;

/** Sends a draft as the composer does (cookies, history, listeners); resolves to the transcript, or null when the send failed. */
export type SendDraft = (draft: Draft) => Promise<Transcript | null>;
