/**
 * A pasted command that cannot be imported at all. The message says which part and why, in words a
 * learner can act on; `position` (an offset in the pasted text) lets the page point at it when known.
 */
export class CurlParseError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'CurlParseError';
  }
}
