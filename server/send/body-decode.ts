// Decodes a response body's Content-Encoding (gzip, deflate, br) so a learner can read it, while the
// transcript still reports the size that crossed the wire. Decoding streams and stops at a ceiling, so a
// compression bomb (a few KB that inflate to gigabytes) costs nothing, and a body cut short by the size
// limit still shows the part that arrived.
import { Readable, type Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';

/** Decoded bytes counted at most; past this the body is reported as truncated and decoding stops. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

export interface DecodedBody {
  /** The first `keep` decoded bytes (the wire bytes themselves when nothing was decoded). */
  bytes: Buffer;
  /** Decoded size (at least this much when `capped`). */
  size: number;
  /** The coding that was decoded, when one was. */
  coding?: string;
  /** True when decoding stopped at MAX_DECODED_BYTES. */
  capped: boolean;
  /** Why the body could not be decoded, in plain words (it is then shown as it came). */
  problem?: string;
}

/** zlib-wrapped deflate starts with a CMF/FLG pair whose 16-bit value is a multiple of 31 (RFC 1950 §2.2). */
function isZlibWrapped(bytes: Buffer): boolean {
  return bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}

function decoderFor(coding: string, bytes: Buffer): Transform | undefined {
  // Flushing instead of finishing lets a truncated body decode as far as it goes instead of failing.
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(flush);
    // "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate; read both.
    case 'deflate':
      return isZlibWrapped(bytes) ? createInflate(flush) : createInflateRaw(flush);
    case 'br':
      return createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

/** Decodes `wire` per the Content-Encoding header value, keeping the first `keep` decoded bytes. */
export async function decodeBody(wire: Buffer, contentEncoding: string | undefined, keep: number): Promise<DecodedBody> {
  const plain = (problem?: string): DecodedBody => ({ bytes: wire.subarray(0, keep), size: wire.length, capped: false, ...(problem ? { problem } : {}) });
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  if (codings.length === 0 || wire.length === 0) return plain();
  if (codings.length > 1) return plain(`The body is encoded several times (${contentEncoding}); it is shown as it came, undecoded.`);
  const coding = codings[0]!;
  const decoder = decoderFor(coding, wire);
  if (!decoder) return plain(`The sandbox cannot decode the ${coding} content coding; the body is shown as it came.`);

  const kept: Buffer[] = [];
  let keptSize = 0;
  let size = 0;
  let capped = false;
  try {
    const source = Readable.from([wire]).pipe(decoder);
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (keptSize < keep) {
        const part = chunk.subarray(0, keep - keptSize);
        kept.push(part);
        keptSize += part.length;
      }
      size += chunk.length;
      if (size > MAX_DECODED_BYTES) {
        capped = true;
        decoder.destroy();
        break;
      }
    }
  } catch (error) {
    if (size === 0) return plain(`The body says Content-Encoding: ${coding} but is not valid ${coding} data (${(error as Error).message}); it is shown as it came.`);
    // Corrupt after a readable start: show what decoded.
  }
  return { bytes: Buffer.concat(kept), size, coding: coding === 'x-gzip' ? 'gzip' : coding, capped };
}
