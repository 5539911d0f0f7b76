// Reads a pasted curl command into the request curl would send: method, URL, headers in curl's order,
// and the body as bytes. curl's own defaults (Host, User-Agent: curl/…, Accept: */*, Content-Length) are
// left out: they are the client's business, and the sandbox's client adds its own.
//
// Forgiving on purpose: an option it does not know becomes a warning, not a failure, so a command copied
// from browser dev tools or documentation still imports. Only what makes the command unreadable (an open
// quote, an option without its value, no URL) is an error, and the error says which part and why.
import { concatBytes, utf8Bytes } from './bytes';
import { tokenizeCmd, looksLikeCmd } from './cmd-words';
import { CurlParseError } from './curl-parse-error';
import { curlOptionByLong, curlOptionByShort, spell, VALUE_EXAMPLES, type CurlOption, type RequestRole } from './curl-options';
import { pipelineOutput } from './pipe-input';
import { ShellSyntaxError, tokenizeShell, type ShellToken, type WordToken } from './shell-words';
import { TOKEN } from '../../../../../server/protocol/http-syntax';
import { SEND_LIMITS } from '../../../../../server/protocol/send-limits';

/** A -F/--form part. Files cannot be read by the sandbox, so a file part keeps only its path. */
export interface CurlFormPart {
  name: string;
  /** The text value (empty for a file part). */
  value: string;
  /** For name=@path and name=<path: the path curl would read. */
  file?: string;
  /** A ;type= given with the part. */
  type?: string;
}

export interface CurlRequest {
  method: string;
  /** As written, with http:// added when the scheme was left out. */
  url: string;
  /** The headers curl would send beyond its own defaults, in curl's order. */
  headers: [string, string][];
  /** The body bytes curl would send, or null. -F bodies are in formParts instead (curl picks the boundary). */
  body: Uint8Array | null;
  formParts: CurlFormPart[];
  /** From -u/--user (or user:password@ in the URL): curl sends Authorization: Basic. */
  user?: { username: string; password: string };
  /** From --oauth2-bearer: curl sends Authorization: Bearer. */
  bearer?: string;
  /** -L/--location: follow redirects. */
  followRedirects: boolean;
  /** -m/--max-time, in ms, within what the sandbox allows: how long to wait for the whole exchange. */
  timeoutMs?: number;
  /** What could not be imported, or was imported differently from what curl would do. */
  warnings: string[];
  /** Harmless things worth knowing (ignored output options, a missing "curl"). */
  notes: string[];
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const JSON_CONTENT_TYPE = 'application/json';
/** What curl 7.88 (built with brotli and zstd) sends for --compressed. */
export const CURL_ACCEPT_ENCODING = 'deflate, gzip, br, zstd';

const OTHER_TOOLS: Record<string, string> = {
  wget: 'a wget command',
  http: 'an HTTPie command',
  https: 'an HTTPie command',
  xh: 'an xh command',
  'invoke-webrequest': 'a PowerShell Invoke-WebRequest command',
  iwr: 'a PowerShell Invoke-WebRequest command',
  'invoke-restmethod': 'a PowerShell Invoke-RestMethod command',
  irm: 'a PowerShell Invoke-RestMethod command',
};

const EXAMPLE_COMMAND = 'curl -i http://localhost:3000/api/books';
const POWERSHELL_PARAMETERS = /^-(?:Uri|Method|Headers|Body|ContentType|UseBasicParsing|OutFile|WebSession|SessionVariable|InFile|MaximumRedirection)$/i;

interface Command {
  words: WordToken[];
  /** The operator that joined this command to the one before it. */
  after?: string;
  redirects: { op: string; target?: WordToken }[];
}

function isRedirect(op: string): boolean {
  return /^\d*(<<<|<<|<>|<&|<|>>|>&|>\||>)$/.test(op) || op === '&>' || op === '&>>';
}

function splitCommands(tokens: ShellToken[], notes: string[]): Command[] {
  const commands: Command[] = [];
  let current: Command = { words: [], redirects: [] };
  let joinedLines = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token.kind === 'word') {
      current.words.push(token);
      continue;
    }
    if (token.value === '\n') {
      const next = tokens[i + 1];
      // A line break without a trailing \ ends the command in bash; when the next line plainly goes on
      // with options, read it as the author meant.
      if (current.words.length === 0) continue;
      if (next?.kind === 'word' && next.value.startsWith('-')) {
        joinedLines = true;
        continue;
      }
    }
    if (isRedirect(token.value)) {
      const target = tokens[i + 1]?.kind === 'word' ? (tokens[i + 1] as WordToken) : undefined;
      if (target) i += 1;
      current.redirects.push({ op: token.value, target });
      continue;
    }
    if (current.words.length > 0 || current.redirects.length > 0) commands.push(current);
    current = { words: [], redirects: [], after: token.value === '\n' ? ';' : token.value };
  }
  if (current.words.length > 0 || current.redirects.length > 0) commands.push(current);
  if (joinedLines) notes.push('Some lines do not end with \\, so bash would run them as separate commands; they were read as one command.');
  return commands;
}

/** The index of the word "curl" in a command (after VAR=value prefixes and sudo), or -1. */
function curlWordIndex(command: Command): number {
  let i = 0;
  while (i < command.words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command.words[i]!.value) || ['sudo', 'time', 'command', 'exec'].includes(command.words[i]!.value))) i += 1;
  const word = command.words[i]?.value;
  return word !== undefined && /^(?:(?:[A-Za-z]:)?[^:]*[/\\])?curl(?:\.exe)?$/i.test(word) ? i : -1;
}

function describe(command: Command): string {
  return command.words.map((w) => w.value).join(' ');
}

/** curl's URL encoding for --data-urlencode: all but A-Z a-z 0-9 - . _ ~ as %XX, then spaces as +. */
function curlUrlEncode(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e) {
      out += String.fromCharCode(byte);
    } else if (byte === 0x20) {
      out += '+';
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function wordBytes(token: WordToken): Uint8Array {
  return token.bytes ?? utf8Bytes(token.value);
}

/** The rest of a word after `from` characters (an option letter glued to its value: -XPOST). */
function restOf(token: WordToken, from: number): WordToken {
  return { ...token, value: token.value.slice(from), bytes: token.bytes?.subarray(from), start: token.start + from };
}

interface CustomHeader {
  name: string;
  value: string;
  /** "Name:" removes a header curl would add; "Name;" sends it with an empty value. */
  remove: boolean;
}

export function readCurlCommand(command: string): CurlRequest {
  const warnings: string[] = [];
  const notes: string[] = [];
  const text = command.replace(/^\s*(?:[$%]\s+|PS [^>\n]*>\s*|[A-Za-z]:\\[^>\n]*>\s*)/, '');
  if (text.trim() === '') throw new CurlParseError(`Paste a curl command, such as ${EXAMPLE_COMMAND}`);
  if (/^\s*(?:await\s+)?fetch\s*\(/.test(text)) throw new CurlParseError('This is JavaScript (fetch), not a curl command. Paste a command that starts with curl.');
  if (/^\s*(?:import\s+requests|requests\.)/.test(text)) throw new CurlParseError('This is Python (requests), not a curl command. Paste a command that starts with curl.');

  let tokens: ShellToken[];
  try {
    let bash: ShellToken[] | undefined;
    let bashError: unknown;
    try {
      bash = tokenizeShell(text);
    } catch (error) {
      bashError = error;
    }
    if (looksLikeCmd(text, bash)) tokens = tokenizeCmd(text);
    else if (bash) tokens = bash;
    else throw bashError;
  } catch (error) {
    if (error instanceof ShellSyntaxError) throw new CurlParseError(error.message, error.position + (command.length - text.length));
    throw error;
  }
  const commands = splitCommands(tokens, notes);
  if (commands.length === 0) throw new CurlParseError(`Paste a curl command, such as ${EXAMPLE_COMMAND}`);
  // In Windows PowerShell, "curl" is another name for Invoke-WebRequest, whose options look like -Uri.
  const powerShell = commands.flatMap((c) => c.words).find((w) => POWERSHELL_PARAMETERS.test(w.value));
  if (powerShell) {
    throw new CurlParseError(
      `${powerShell.value} belongs to PowerShell's Invoke-WebRequest (which PowerShell also calls curl), not to curl. Copy the request as cURL (bash), or use curl.exe with curl's options.`,
      powerShell.start + (command.length - text.length),
    );
  }
  let curlAt = commands.findIndex((c) => curlWordIndex(c) !== -1);
  let words: WordToken[];
  if (curlAt === -1) {
    const first = commands[0]?.words[0]?.value ?? '';
    const tool = OTHER_TOOLS[first.toLowerCase()];
    if (tool) throw new CurlParseError(`This is ${tool}, not curl. Paste a command that starts with curl, such as ${EXAMPLE_COMMAND}`, commands[0]!.words[0]!.start);
    if (!(first.startsWith('-') || /[.:/]/.test(first))) {
      throw new CurlParseError(`"${first}" is not curl: paste a command that starts with curl, such as ${EXAMPLE_COMMAND}`, commands[0]?.words[0]?.start);
    }
    curlAt = 0;
    words = commands[0]!.words;
    notes.push('There is no "curl" at the start; the text was read as curl\'s options and URL.');
  } else {
    words = commands[curlAt]!.words.slice(curlWordIndex(commands[curlAt]!) + 1);
  }
  const curl = commands[curlAt]!;

  // Standard input: a here-string, or a pipeline of printf/echo/base64 feeding curl.
  let stdin: Uint8Array | undefined;
  let stdinFrom: string | undefined;
  for (const { op, target } of curl.redirects) {
    if (op === '<<<' && target) stdin = concatBytes([wordBytes(target), Uint8Array.of(10)]);
    else if (op === '<' && target) stdinFrom = `the file ${target.value}`;
    else if (op.includes('<')) stdinFrom = 'a here-document';
    else notes.push(`Ignored the output redirection ${op}${target ? ` ${target.value}` : ''}: it changes where curl writes, not the request.`);
  }
  let producerStart = curlAt;
  while (producerStart > 0 && (commands[producerStart]!.after === '|' || commands[producerStart]!.after === '|&')) producerStart -= 1;
  if (producerStart < curlAt) {
    const stages = commands.slice(producerStart, curlAt);
    stdin = pipelineOutput(stages.map((c) => c.words.map((w) => w.value)));
    if (!stdin) stdinFrom = `the output of ${stages.map(describe).join(' | ')}`;
  }
  const before = commands.slice(0, producerStart);
  const afterCurl = commands.slice(curlAt + 1);
  if (before.length > 0) notes.push(`Only the curl command was imported; what runs before it was left out (${before.map(describe).join('; ')}).`);
  if (afterCurl.length > 0) notes.push(`Only the curl command was imported; what follows it was left out (${afterCurl.map((c) => `${c.after} ${describe(c)}`).join(' ')}).`);

  for (const word of [...words, ...commands.slice(producerStart, curlAt).flatMap((c) => c.words)]) {
    for (const expansion of word.expansions) {
      const message = `The command uses ${expansion}, which only your shell knows; it was imported as written. Replace it with its value.`;
      if (!warnings.includes(message)) warnings.push(message);
    }
    for (const hazard of word.hazards) if (!warnings.includes(hazard)) warnings.push(hazard);
  }

  let method: string | undefined;
  const urls: { token: WordToken; afterUnknown?: string }[] = [];
  const custom: CustomHeader[] = [];
  let userAgent: string | undefined;
  let referer: string | undefined;
  const cookies: string[] = [];
  let range: string | undefined;
  let compressed = false;
  const data: { bytes: Uint8Array; json: boolean }[] = [];
  const formParts: CurlFormPart[] = [];
  const urlQueries: string[] = [];
  let get = false;
  let head = false;
  let followRedirects = false;
  let timeoutMs: number | undefined;
  let globoff = false;
  let upload: string | undefined;
  let user: CurlRequest['user'];
  let bearer: string | undefined;
  const quiet: string[] = [];
  let endOfOptions = false;
  let unknownJustBefore: string | undefined;

  const readStdin = (spelling: string): Uint8Array => {
    if (stdin) return stdin;
    warnings.push(`${spelling} @- reads the body from standard input${stdinFrom ? `, here ${stdinFrom}` : ''}, which the sandbox cannot run; paste the body itself instead.`);
    return new Uint8Array(0);
  };
  const fileWarning = (spelling: string, path: string, what = 'the body') =>
    warnings.push(`${spelling} reads ${what} from the file ${path}, which the sandbox cannot see; paste its contents instead.`);

  const dataPiece = (role: RequestRole, spelling: string, token: WordToken): Uint8Array => {
    const value = token.value;
    if (role === 'data-raw') return wordBytes(token);
    if (role === 'data-urlencode') {
      const at = value.search(/[=@]/);
      if (at === -1) return utf8Bytes(curlUrlEncode(wordBytes(token)));
      const name = value.slice(0, at);
      let content: Uint8Array;
      if (value[at] === '=') {
        content = utf8Bytes(value.slice(at + 1));
      } else {
        const source = value.slice(at + 1);
        if (source === '-') content = readStdin(spelling);
        else {
          fileWarning(spelling, source, 'a value');
          content = new Uint8Array(0);
        }
      }
      const encoded = curlUrlEncode(content);
      return utf8Bytes(name ? `${name}=${encoded}` : encoded);
    }
    if (value.startsWith('@')) {
      const source = value.slice(1);
      if (source !== '-') {
        fileWarning(spelling, source);
        return new Uint8Array(0);
      }
      const bytes = readStdin(spelling);
      // -d and --data-ascii drop carriage returns and line feeds from what they read; --data-binary keeps them.
      return role === 'data' || role === 'data-ascii' ? bytes.filter((b) => b !== 10 && b !== 13) : bytes;
    }
    return wordBytes(token);
  };

  const formPart = (role: 'form' | 'form-string', spelling: string, value: string) => {
    const eq = value.indexOf('=');
    if (eq <= 0) {
      warnings.push(`Skipped ${spelling} ${JSON.stringify(value)}: a form part is written name=value (or name=@file).`);
      return;
    }
    const name = value.slice(0, eq);
    let content = value.slice(eq + 1);
    if (role === 'form-string') {
      formParts.push({ name, value: content });
      return;
    }
    const part: CurlFormPart = { name, value: '' };
    if (content.startsWith('"')) {
      const close = content.indexOf('"', 1);
      if (close !== -1) {
        part.value = content.slice(1, close).replace(/\\(["\\])/g, '$1');
        content = content.slice(close + 1);
      }
    }
    // Attributes curl reads after the value: ;type=…, ;filename=…, ;headers=…, ;encoder=…
    const attributes = /;(type|filename|headers|encoder)=/.exec(content);
    const main = attributes ? content.slice(0, attributes.index) : content;
    const type = /;type=([^;]*)/.exec(content)?.[1];
    if (type) part.type = type;
    if (main.startsWith('@') || main.startsWith('<')) {
      part.file = main.slice(1);
      warnings.push(
        main.startsWith('@')
          ? `The form part "${name}" uploads the file ${part.file}, which the sandbox cannot see; attach the file to that part in the Body tab.`
          : `The form part "${name}" takes its value from the file ${part.file}, which the sandbox cannot see; type the value in the Body tab.`,
      );
    } else if (!part.value) {
      part.value = main;
    }
    formParts.push(part);
  };

  const apply = (option: CurlOption, spelling: string, token: WordToken | undefined): boolean => {
    const role = option.role;
    if (role === 'quiet') {
      if (!quiet.includes(spelling)) quiet.push(spelling);
      return true;
    }
    if (typeof role === 'object') {
      warnings.push(`Ignored ${spelling}${token ? ` ${token.value}` : ''}: ${role.unsupported}.`);
      return true;
    }
    const value = token?.value ?? '';
    switch (role) {
      case 'request':
        if (!TOKEN.test(value)) {
          throw new CurlParseError(
            `${spelling} ${JSON.stringify(value)} is not a method: a method is one word of letters such as GET, POST or PATCH, with no spaces.`,
            token?.start,
          );
        }
        method = value;
        break;
      case 'header': {
        if (value.startsWith('@')) {
          fileWarning(spelling, value.slice(1), 'headers');
          break;
        }
        const colon = value.indexOf(':');
        const semicolon = value.indexOf(';');
        if ((colon === -1 || (semicolon !== -1 && semicolon < colon)) && semicolon > 0 && value.slice(semicolon + 1).trim() === '') {
          // curl's way to send a header with an empty value is "Name;".
          custom.push({ name: value.slice(0, semicolon).trim(), value: '', remove: false });
          break;
        }
        if (colon <= 0) {
          warnings.push(`Skipped the header ${JSON.stringify(value)}: a header is written "Name: value".`);
          break;
        }
        const name = value.slice(0, colon).trim();
        const headerValue = value.slice(colon + 1).trim();
        if (!TOKEN.test(name)) warnings.push(`The header name ${JSON.stringify(name)} has characters a header name cannot have (letters, digits and - are safe); the server will likely refuse it.`);
        if (/[\r\n]/.test(headerValue)) warnings.push(`The ${name} header's value contains a line break, which a header value cannot have.`);
        custom.push({ name, value: headerValue, remove: headerValue === '' });
        break;
      }
      case 'data':
      case 'data-ascii':
      case 'data-binary':
      case 'data-raw':
      case 'data-urlencode':
      case 'json':
        data.push({ bytes: dataPiece(role, spelling, token!), json: role === 'json' });
        break;
      case 'form':
      case 'form-string':
        formPart(role, spelling, value);
        break;
      case 'user': {
        const colon = value.indexOf(':');
        if (colon === -1) warnings.push(`${spelling} ${value} has no password, so curl would ask for one; the password was left empty.`);
        user = { username: colon === -1 ? value : value.slice(0, colon), password: colon === -1 ? '' : value.slice(colon + 1) };
        break;
      }
      case 'basic':
        quiet.push(spelling);
        break;
      case 'oauth2-bearer':
        bearer = value;
        break;
      case 'cookie':
        if (value.includes('=')) cookies.push(value.trim().replace(/;\s*$/, ''));
        else if (value !== '') warnings.push(`${spelling} ${value} reads cookies from a file, which the sandbox cannot see; write them as ${spelling} 'name=value'.`);
        break;
      case 'user-agent':
        userAgent = value;
        break;
      case 'referer':
        // ";auto" asks curl to update the Referer on redirects; it is not part of the value.
        referer = value.replace(/;auto$/, '');
        break;
      case 'get':
        get = true;
        break;
      case 'head':
        head = true;
        break;
      case 'location':
        followRedirects = true;
        break;
      case 'max-time': {
        // curl takes seconds, with decimals; the sandbox waits SEND_LIMITS' least to most.
        const seconds = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isFinite(seconds)) {
          warnings.push(`Ignored ${spelling} ${value}: it is not a number of seconds.`);
          break;
        }
        const ms = Math.round(seconds * 1000);
        timeoutMs = Math.min(SEND_LIMITS.maxTimeoutMs, Math.max(SEND_LIMITS.minTimeoutMs, ms));
        if (timeoutMs !== ms) warnings.push(`${spelling} ${value}: the sandbox waits ${SEND_LIMITS.minTimeoutMs / 1000} to ${SEND_LIMITS.maxTimeoutMs / 1000} seconds, so Timeout is ${timeoutMs / 1000}.`);
        break;
      }
      case 'compressed':
        compressed = true;
        break;
      case 'globoff':
        globoff = true;
        break;
      case 'url':
        urls.push({ token: token! });
        break;
      case 'url-query':
        urlQueries.push(value.startsWith('+') ? value.slice(1) : utf8DecodeSafe(dataPiece('data-urlencode', spelling, token!)));
        break;
      case 'range':
        range = value;
        break;
      case 'upload-file':
        upload = value;
        fileWarning(spelling, value);
        break;
      case 'next':
        warnings.push(`The command sends more than one request (${spelling}); only the first was imported.`);
        return false;
    }
    return true;
  };

  const takeValue = (option: CurlOption, spelling: string, at: number): WordToken => {
    const next = words[at + 1];
    if (!next) {
      const example = VALUE_EXAMPLES[option.long];
      throw new CurlParseError(
        `${spelling} needs a value after it${example ? `, such as ${example}` : ''}, but the command ends there.`,
        words[at]?.start,
      );
    }
    return next;
  };

  options: for (let i = 0; i < words.length; i += 1) {
    const token = words[i]!;
    const word = token.value;
    const afterUnknown = unknownJustBefore;
    unknownJustBefore = undefined;
    if (endOfOptions || !word.startsWith('-') || word === '-') {
      urls.push({ token, afterUnknown });
      continue;
    }
    if (word === '--') {
      endOfOptions = true;
      continue;
    }
    if (word.startsWith('--')) {
      let name = word.slice(2);
      let option = curlOptionByLong(name);
      let inline: WordToken | undefined;
      const eq = name.indexOf('=');
      if (!option && eq > 0 && curlOptionByLong(name.slice(0, eq))?.value) {
        // Not curl's syntax (curl would stop with "option unknown"), but the meaning is plain.
        inline = restOf(token, eq + 3);
        name = name.slice(0, eq);
        option = curlOptionByLong(name);
        notes.push(`curl does not accept --${name}=…; it was read as --${name} followed by the value.`);
      }
      if (!option && name.startsWith('no-') && curlOptionByLong(name.slice(3))?.value === false) {
        const base = curlOptionByLong(name.slice(3))!;
        if (base.role === 'location') followRedirects = false;
        else if (base.role === 'compressed') compressed = false;
        else if (base.role === 'get') get = false;
        else if (base.role === 'head') head = false;
        else if (base.role === 'globoff') globoff = false;
        else if (!quiet.includes(word)) quiet.push(word);
        continue;
      }
      if (!option) {
        warnings.push(`Ignored ${word}: curl has no such option, or the sandbox does not know it.`);
        unknownJustBefore = word;
        continue;
      }
      let value: WordToken | undefined = inline;
      if (option.value && !value) {
        value = takeValue(option, word, i);
        i += 1;
      }
      if (!apply(option, word, value)) break;
      continue;
    }
    // Short options may be grouped (-sSL), and a value may follow its letter directly (-XPOST).
    for (let j = 1; j < word.length; j += 1) {
      const letter = word[j]!;
      const option = curlOptionByShort(letter);
      if (!option) {
        warnings.push(`Ignored -${letter}${j > 1 ? ` (in ${word})` : ''}: curl has no such option, or the sandbox does not know it.`);
        unknownJustBefore = `-${letter}`;
        break;
      }
      if (option.value) {
        let value: WordToken;
        if (j + 1 < word.length) {
          value = restOf(token, j + 1);
        } else {
          value = takeValue(option, `-${letter}`, i);
          i += 1;
        }
        if (!apply(option, `-${letter}`, value)) break options;
        break;
      }
      if (!apply(option, `-${letter}`, undefined)) break options;
    }
  }

  // The URL: the first word that is not an option (a word right after an unknown option may be its value).
  const chosen = urls.find((u) => !u.afterUnknown) ?? urls[0];
  if (!chosen) throw new CurlParseError(`The command has no URL. Add one at the end, such as ${EXAMPLE_COMMAND}`);
  for (const other of urls) {
    if (other === chosen) continue;
    if (other.afterUnknown) notes.push(`"${other.token.value}" after ${other.afterUnknown} was taken as that option's value.`);
    else warnings.push(`The command names more than one URL; only the first, ${chosen.token.value}, was imported (curl would send a request to each).`);
  }
  let url = chosen.token.value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('/')) url = `http://${url.replace(/^\/\//, '')}`;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') warnings.push(`The URL uses ${scheme}://; the sandbox only speaks HTTP and HTTPS.`);
  const credentials = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i.exec(url);
  if (credentials) {
    url = credentials[1] + url.slice(credentials[0].length);
    const [name = '', ...password] = credentials[2]!.split(':');
    if (user) {
      notes.push('The name and password in the URL were dropped: -u gives them already.');
    } else {
      user = { username: percentDecode(name), password: percentDecode(password.join(':')) };
      notes.push('The name and password in the URL became Basic authorization, as curl sends them.');
    }
  }
  const afterHost = url.replace(/^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\])?[^/?#]*/i, '');
  if (!globoff && /[{}[\]]/.test(afterHost)) {
    warnings.push('The URL has { } or [ ], which curl expands into several requests unless you add -g (--globoff); it was imported as written.');
  }

  const sends = data.length > 0;
  const joined = concatBytes(data.flatMap((piece, index) => (index > 0 && !piece.json ? [utf8Bytes('&'), piece.bytes] : [piece.bytes])));
  const addQuery = (query: string) => {
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    url = `${base}${base.includes('?') ? '&' : '?'}${query}`;
  };
  if (get && sends) addQuery(utf8DecodeSafe(joined));
  for (const query of urlQueries) addQuery(query);

  let body: Uint8Array | null = sends && !get ? joined : null;
  if (body && formParts.length > 0) {
    warnings.push('The command has both -d and -F, which curl refuses (a body is either form data or multipart); the -F parts were left out.');
    formParts.length = 0;
  }
  if (head && !method && (body || formParts.length > 0)) {
    warnings.push('The command has -I (HEAD) and a body, which curl refuses; it was imported as HEAD without the body.');
    body = null;
    formParts.length = 0;
  }
  const json = data.some((piece) => piece.json);
  method ??= head ? 'HEAD' : get ? 'GET' : body || formParts.length > 0 ? 'POST' : upload ? 'PUT' : 'GET';

  // Headers in curl's order: the ones it builds from options, then -H ones in order, then the body's type.
  const givenByHeader = (name: string) => custom.some((h) => h.name.toLowerCase() === name);
  const headers: [string, string][] = [];
  if (givenByHeader('authorization') && (user || bearer)) {
    notes.push('The Authorization header given with -H replaces the one -u (or --oauth2-bearer) would build, as in curl.');
    user = undefined;
    bearer = undefined;
  }
  if (range !== undefined && !givenByHeader('range')) headers.push(['Range', `bytes=${range}`]);
  if (userAgent && !givenByHeader('user-agent')) headers.push(['User-Agent', userAgent]);
  if (compressed && !givenByHeader('accept-encoding')) headers.push(['Accept-Encoding', CURL_ACCEPT_ENCODING]);
  if (referer && !givenByHeader('referer')) headers.push(['Referer', referer]);
  // curl 7.88 joins several -b with a bare ";".
  if (cookies.length > 0 && !givenByHeader('cookie')) headers.push(['Cookie', cookies.join(';')]);
  for (const header of custom) if (!header.remove) headers.push([header.name, header.value]);
  if (json) {
    if (!givenByHeader('content-type')) headers.push(['Content-Type', JSON_CONTENT_TYPE]);
    if (!givenByHeader('accept')) headers.push(['Accept', JSON_CONTENT_TYPE]);
  } else if (body && !givenByHeader('content-type')) {
    headers.push(['Content-Type', FORM_CONTENT_TYPE]);
  }

  if (quiet.length > 0) notes.push(`Ignored ${quiet.join(', ')}: ${quiet.length === 1 ? 'it changes' : 'they change'} what curl prints, checks or saves, not the request.`);
  const request: CurlRequest = { method, url, headers, body, formParts, followRedirects, ...(timeoutMs !== undefined ? { timeoutMs } : {}), warnings, notes };
  if (user) request.user = user;
  if (bearer !== undefined) request.bearer = bearer;
  return request;
}

const decoder = new TextDecoder();

function utf8DecodeSafe(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
