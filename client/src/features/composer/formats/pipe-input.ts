// What a command piped into curl writes to curl's standard input, for the few commands whose output is
// known from their words alone: printf, echo and base64 --decode (copy-as-curl writes binary bodies as
// `printf '…' | curl --data-binary @- …`). Anything else (cat, jq…) is unknown: undefined.
import { base64ToBytes, concatBytes, utf8Bytes, utf8TextLossy } from './bytes';

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, e: 27, E: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };

/**
 * The bytes of a text with printf-style backslash escapes applied (\n, \t, \\, \ooo octal, \xHH hex).
 * Octal is \ooo in a printf format, \0ooo with echo -e, and either in a %b argument.
 */
function unescape(text: string, mode: 'format' | 'b' | 'echo'): Uint8Array {
  const chunks: Uint8Array[] = [];
  let plain = '';
  const flush = () => {
    if (plain) chunks.push(utf8Bytes(plain));
    plain = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch !== '\\' || i + 1 >= text.length) {
      plain += ch;
      continue;
    }
    const rest = text.slice(i + 1);
    const octal = (mode !== 'format' ? /^0([0-7]{0,3})/.exec(rest) : null) ?? (mode !== 'echo' ? /^([0-7]{1,3})/.exec(rest) : null);
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(rest);
    if (octal) {
      flush();
      chunks.push(Uint8Array.of(parseInt(octal[1] || '0', 8) & 0xff));
      i += octal[0].length;
    } else if (hex) {
      flush();
      chunks.push(Uint8Array.of(parseInt(hex[1]!, 16)));
      i += hex[0].length;
    } else if (rest[0]! in SIMPLE_ESCAPES) {
      flush();
      chunks.push(Uint8Array.of(SIMPLE_ESCAPES[rest[0]!]!));
      i += 1;
    } else {
      plain += '\\';
    }
  }
  flush();
  return concatBytes(chunks);
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
