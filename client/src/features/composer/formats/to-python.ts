// "Copy as Python requests": a script that sends the request with the requests library.
//  - Headers go in a dict, in order. A dict has one value per name, so repeated headers are joined into
//    one line (", ", or "; " for Cookie as RFC 6265 §5.4 writes it), with a comment saying so.
//  - The body is sent as bytes (data=…), so requests adds no Content-Type of its own: a text body as a
//    string encoded to UTF-8, other bodies as a bytes literal (printable ASCII as is, the rest as \xHH).
//  - allow_redirects=False shows a redirect instead of following it (requests follows by default).
//  - requests adds User-Agent, Accept, Accept-Encoding and Connection when the dict does not set them.
import type { OutgoingRequest } from '../draft';
import { absoluteUrl, type CodeOptions } from './absolute-url';
import { base64ToBytes } from './bytes';

const PYTHON_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A Python str literal: printable text as is (UTF-8 source), the rest escaped. */
export function pythonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch in PYTHON_ESCAPES) out += PYTHON_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    // A lone surrogate cannot be encoded; the sandbox sends U+FFFD in its place, and so does this.
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A Python bytes literal. */
export function pythonBytes(bytes: Uint8Array): string {
  let out = 'b"';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (ch in PYTHON_ESCAPES) out += PYTHON_ESCAPES[ch];
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

export function toPython(request: OutgoingRequest, options: CodeOptions = {}): string {
  const lines = ['import requests', ''];
  const merged = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    const entry = merged.get(key);
    if (entry) entry.values.push(value);
    else merged.set(key, { name, values: [value] });
  }
  const repeated = [...merged.values()].filter((h) => h.values.length > 1).map((h) => h.name);
  if (repeated.length > 0) lines.push(`# A dict holds one value per name, so the repeated ${repeated.join(', ')} headers are joined into one line.`);
  const args = [pythonString(request.method), pythonString(absoluteUrl(request.url, options.origin))];
  if (merged.size > 0) {
    lines.push('headers = {');
    for (const [key, { name, values }] of merged) lines.push(`    ${pythonString(name)}: ${pythonString(values.join(key === 'cookie' ? '; ' : ', '))},`);
    lines.push('}');
    args.push('headers=headers');
  }
  if (request.body) {
    lines.push(request.body.encoding === 'text' ? `body = ${pythonString(request.body.data)}.encode("utf-8")` : `body = ${pythonBytes(base64ToBytes(request.body.data))}`);
    args.push('data=body');
  }
  args.push(`allow_redirects=${options.followRedirects ? 'True' : 'False'}`);
  lines.push('', 'response = requests.request(', ...args.map((a) => `    ${a},`), ')');
  lines.push(
    'print(response.status_code, response.reason)',
    'for name, value in response.headers.items():',
    '    print(f"{name}: {value}")',
    'print(response.text)',
  );
  return lines.join('\n');
}
