// What a command piped into curl writes to curl's standard input, for the few commands whose output is
// known from their words alone: printf, echo and base64 --decode (copy-as-curl writes binary bodies as
// `printf '…' | curl --data-binary @- …`). Anything else (cat, jq…) is unknown: undefined.
import { base64ToBytes, concatBytes, utf8Bytes, utf8TextLossy } from './bytes';

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, e: 27, E: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

const ZERO_OCTAL = /0([0-7]{0,3})/y;
const OCTAL = /([0-7]{1,3})/y;
const HEX = /x([0-9a-fA-F]{1,2})/y;

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/**
 * The bytes of a text with printf-style backslash escapes applied (\n, \t, \\, octal, \xHH hex).
 * Octal is \ooo in a printf format, \0ooo with echo -e, and either in a %b argument.
 */
function unescape(text: string, mode: 'format' | 'b' | 'echo'): Uint8Array {
  const out: number[] = [];
  let plainFrom = 0;
  const flush = (to: number) => {
    if (to > plainFrom) for (const byte of utf8Bytes(text.slice(plainFrom, to))) out.push(byte);
  };
  for (let i = 0; i < text.length - 1; i += 1) {
    if (text[i] !== '\\') continue;
    const octal = (mode !== 'format' ? matchAt(ZERO_OCTAL, text, i + 1) : null) ?? (mode !== 'echo' ? matchAt(OCTAL, text, i + 1) : null);
    const hex = matchAt(HEX, text, i + 1);
    const next = text[i + 1]!;
    let length: number;
    if (octal) {
      length = octal[0].length;
      flush(i);
      out.push(parseInt(octal[1] || '0', 8) & 0xff);
    } else if (hex) {
      length = hex[0].length;
      flush(i);
      out.push(parseInt(hex[1]!, 16));
    } else if (next in SIMPLE_ESCAPES) {
      length = 1;
      flush(i);
      out.push(SIMPLE_ESCAPES[next]!);
    } else {
      continue;
    }
    i += length;
    plainFrom = i + 1;
  }
  flush(text.length);
  return Uint8Array.from(out);
}

/** printf FORMAT [ARGUMENT…]: the format is reused while arguments remain, as POSIX printf does. */
export function printfOutput(format: string, args: readonly string[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let next = 0;
  do {
    let consumed = false;
    let literal = '';
    const flush = () => {
      if (literal) chunks.push(unescape(literal, 'format'));
      literal = '';
    };
    for (let i = 0; i < format.length; i += 1) {
      if (format[i] !== '%') {
        literal += format[i];
        continue;
      }
      const spec = /^%([-+ #0]*\d*(?:\.\d*)?)([a-zA-Z%])/.exec(format.slice(i));
      if (!spec) {
        literal += '%';
        continue;
      }
      i += spec[0].length - 1;
      if (spec[2] === '%') {
        literal += '%';
        continue;
      }
      flush();
      const arg = args[next] ?? '';
      if (next < args.length) consumed = true;
      next += 1;
      chunks.push(spec[2] === 'b' ? unescape(arg, 'b') : utf8Bytes(arg));
    }
    flush();
    if (!consumed) break;
  } while (next < args.length);
  return concatBytes(chunks);
}

/** echo [-n] [-e] WORD…, as bash's builtin echo. */
export function echoOutput(args: readonly string[]): Uint8Array {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i += 1) {
    if (args[i]!.includes('n')) newline = false;
    if (args[i]!.includes('e')) escapes = true;
    if (args[i]!.includes('E')) escapes = false;
  }
  const text = args.slice(i).join(' ');
  const bytes = escapes ? unescape(text, 'echo') : utf8Bytes(text);
  return newline ? concatBytes([bytes, Uint8Array.of(10)]) : bytes;
}

/**
 * The output of a pipeline of simple commands (each given as its words), or undefined when a stage's
 * output cannot be known without running it.
 */
export function pipelineOutput(stages: readonly (readonly string[])[]): Uint8Array | undefined {
  let output: Uint8Array | undefined;
  for (const [name, ...args] of stages) {
    if (name === 'printf' && args.length > 0) output = printfOutput(args[0]!, args.slice(1));
    else if (name === 'echo') output = echoOutput(args);
    else if (name === 'base64' && output && args.some((a) => a === '-d' || a === '--decode' || a === '-D')) {
      try {
        output = base64ToBytes(utf8TextLossy(output).replace(/\s+/g, ''));
      } catch {
        return undefined;
      }
    } else return undefined;
  }
  return output;
}
