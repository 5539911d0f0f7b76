// "Copy as Python requests": a script that sends the request with the requests library.
//  - Headers go in a dict, in order. A dict has one value per name, so repeated headers are joined into
//    one line (", ", or "; " for Cookie as RFC 6265 §5.4 writes it), with a comment saying so.
//  - The body is sent as bytes (data=…), so requests adds no Content-Type of its own: a text body as a
//    string encoded to UTF-8, other bodies as a bytes literal (printable ASCII as is, the rest as \xHH).
//  - allow_redirects=False shows a redirect instead of following it (requests follows by default).
//  - requests adds User-Agent, Accept, Accept-Encoding and Connection when the dict does not set them, and
//    upper-cases the method and percent-encodes [ ] ^ | in the URL (a comment says so when that changes it).
//  - With a token step, the script first logs in and keeps the answer's token; one header is then written
//    as "Bearer " + token.
import type { OutgoingRequest } from '../../../lib/draft';
import { absoluteUrl, LOGIN_TEXT, reencodedByUrllib3, TOKEN_VARIABLE, upperCaseNote, urllib3Note, type CodeOptions } from './absolute-url';
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

/** The lines that send `request` and keep the answer in `names.response`; `names.headers` and `names.body` hold its parts. */
function requestLines(request: OutgoingRequest, options: CodeOptions, names: { response: string; headers: string; body: string }): string[] {
  const lines: string[] = [];
  const merged = new Map<string, { name: string; values: string[]; token: boolean }>();
  request.headers.forEach(([name, value], index) => {
    const key = name.toLowerCase();
    const entry = merged.get(key);
    const token = index === options.token?.header;
    if (entry) {
      entry.values.push(value);
      entry.token ||= token;
    } else merged.set(key, { name, values: [value], token });
  });
  const args = [pythonString(request.method), pythonString(absoluteUrl(request.url, options.origin))];
  if (merged.size > 0) {
    lines.push(`${names.headers} = {`);
    for (const [key, { name, values, token }] of merged) {
      const value = token ? `"Bearer " + ${TOKEN_VARIABLE.program}` : pythonString(values.join(key === 'cookie' ? '; ' : ', '));
      lines.push(`    ${pythonString(name)}: ${value},`);
    }
    lines.push('}');
    args.push(`headers=${names.headers}`);
  }
  if (request.body) {
    lines.push(`${names.body} = ${request.body.encoding === 'text' ? `${pythonString(request.body.data)}.encode("utf-8")` : pythonBytes(base64ToBytes(request.body.data))}`);
    args.push(`data=${names.body}`);
  }
  args.push(`allow_redirects=${options.followRedirects ? 'True' : 'False'}`);
  // requests applies it to connecting and to each wait for data (it has no limit on the whole exchange).
  if (options.timeoutSeconds !== undefined) args.push(`timeout=${options.timeoutSeconds}`);
  lines.push('', `${names.response} = requests.request(`, ...args.map((a) => `    ${a},`), ')');
  return lines;
}

export function toPython(request: OutgoingRequest, options: CodeOptions = {}): string {
  const lines = ['import requests', ''];
  if (options.token) {
    lines.push(`# ${LOGIN_TEXT}`, ...requestLines(options.token.login, { origin: options.origin }, { response: 'login', headers: 'login_headers', body: 'login_body' }));
    lines.push(`${TOKEN_VARIABLE.program} = login.json()["token"]`, '');
  }
  const repeated = request.headers
    .map(([name]) => name.toLowerCase())
    .filter((name, index, all) => all.indexOf(name) !== index)
    .filter((name, index, all) => all.indexOf(name) === index)
    .map((lower) => request.headers.find(([name]) => name.toLowerCase() === lower)![0]);
  if (repeated.length > 0) lines.push(`# A dict holds one value per name, so the repeated ${repeated.join(', ')} headers are joined into one line.`);
  const reencoded = reencodedByUrllib3(absoluteUrl(request.url, options.origin));
  if (reencoded.length > 0) lines.push(`# ${urllib3Note('requests', reencoded)}`);
  const upper = upperCaseNote('requests', request.method);
  if (upper) lines.push(`# ${upper}`);
  lines.push(...requestLines(request, options, { response: 'response', headers: 'headers', body: 'body' }));
  lines.push(
    'print(response.status_code, response.reason)',
    'for name, value in response.headers.items():',
    '    print(f"{name}: {value}")',
    'print(response.text)',
  );
  return lines.join('\n');
}
