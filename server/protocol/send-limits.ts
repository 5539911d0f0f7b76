// The limits on every send, in one place: the send endpoint enforces them, and the page's composer
// (which offers a timeout) and the lesson format (whose steps may set one) read the same numbers.
// Pure data, no Node APIs, so the client can import it.

/** Limits on every send. Each is a ceiling the learner's options cannot exceed. */
export const SEND_LIMITS = {
  /** Time for the whole send (every hop together), ms, when the learner does not choose. */
  defaultTimeoutMs: 10_000,
  /** Least and most a learner may ask for, ms. */
  minTimeoutMs: 100,
  maxTimeoutMs: 30_000,
  /** Redirects followed by default when following is on, and the most a learner may ask for. */
  defaultRedirects: 5,
  maxRedirects: 10,
  /** Response body bytes kept in the transcript (decoded), the rest marked truncated. */
  keepBodyBytes: 1_048_576,
  /** Response body bytes read at most; past this the connection is closed and the body marked truncated. */
  maxResponseBytes: 8 * 1_048_576,
  /** Bytes of each direction kept for the wire view: the head and the kept body (the rest is counted). */
  keepWireBytes: 1_048_576 + 65_536,
  /** Largest response head undici accepts (status line and headers), bytes. */
  maxResponseHeadBytes: 65_536,
} as const;
