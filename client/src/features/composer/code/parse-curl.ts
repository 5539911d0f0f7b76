// "Import from curl": turns a pasted curl command into a draft. Unknown options become warnings, not
// failures, so a command copied from browser dev tools or documentation still imports.
import { emptyDraft, row, type BodyType, type Draft } from '../draft';
import { shellWords, ShellSyntaxError } from './shell-words';

export class CurlImportError extends Error {}

export interface CurlImport {
  draft: Draft;
  followRedirects: boolean;
  warnings: string[];
}

/** Options that take a value and that we do not use. */
const IGNORED_WITH_VALUE = new Set(['-o', '--output', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '--retry', '-x', '--proxy', '--cacert', '--cert', '--key', '-c', '--cookie-jar', '--resolve', '--limit-rate', '-r', '--range']);
const IGNORED_FLAGS = new Set(['-s', '--silent', '-S', '--show-error', '-v', '--verbose', '-i', '--include', '-k', '--insecure', '-f', '--fail', '--fail-with-body', '-N', '--no-buffer', '--http1.1', '-#', '--progress-bar', '-g', '--globoff']);

function bodyTypeFor(contentType: string | undefined): BodyType {
  if (!contentType) return 'text';
  if (/json/i.test(contentType)) return 'json';
  if (/x-www-form-urlencoded/i.test(contentType)) return 'form';
  if (/xml/i.test(contentType)) return 'xml';
  return 'text';
}

export function parseCurl(command: string): CurlImport {
  let words: string[];
  try {
    words = shellWords(command.trim().replace(/^\$\s+/, ''));
  } catch (error) {
    throw new CurlImportError(error instanceof ShellSyntaxError ? error.message : 'The command could not be read.');
  }
  if (words[0] === 'curl') words.shift();
  if (words.length === 0) throw new CurlImportError('The command has no URL. Paste a whole curl command, such as curl -i http://localhost:3000/api/books');

  const warnings: string[] = [];
  const headers: [string, string][] = [];
  const removed = new Set<string>();
  const data: string[] = [];
  let method: string | undefined;
  let url: string | undefined;
  let get = false;
  let head = false;
  let followRedirects = false;
  let dataKind: 'form' | 'raw' | 'json' | undefined;
  const multipart: [string, string][] = [];
  let user: string | undefined;

  const next = (option: string, i: number): string => {
    const value = words[i + 1];
    if (value === undefined) throw new CurlImportError(`${option} needs a value after it.`);
    return value;
  };

  for (let i = 0; i < words.length; i += 1) {
    let word = words[i]!;
    let inline: string | undefined;
    const long = /^(--[\w.-]+)=(.*)$/s.exec(word);
    if (long) {
      word = long[1]!;
      inline = long[2]!;
    } else if (/^-[XHdbuAeF]./s.test(word)) {
      inline = word.slice(2);
      word = word.slice(0, 2);
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const v = next(word, i);
      i += 1;
      return v;
    };
    switch (word) {
      case '-X':
      case '--request':
        method = value().toUpperCase();
        break;
      case '-H':
      case '--header': {
        const header = value();
        const colon = header.indexOf(':');
        // curl's way to send a header with an empty value is "Name;" ("Name:" removes the header).
        if (colon === -1 && /^[^;\s]+;$/.test(header.trim())) {
          headers.push([header.trim().slice(0, -1), '']);
          break;
        }
        if (colon <= 0) {
          warnings.push(`Skipped the header ${JSON.stringify(header)}: a header is "Name: value".`);
          break;
        }
        const name = header.slice(0, colon).trim();
        const headerValue = header.slice(colon + 1).trim();
        if (headerValue === '' && !header.trimEnd().endsWith(';')) removed.add(name.toLowerCase());
        else headers.push([name, headerValue]);
        break;
      }
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
      case '--data-raw':
      case '--data-urlencode': {
        let v = value();
        if (v.startsWith('@') && word !== '--data-raw') {
          warnings.push(`${word} ${v} reads a file, which the sandbox cannot see; paste the file's contents instead.`);
          v = '';
        }
        if (word === '--data-urlencode') {
          const eq = v.indexOf('=');
          v = eq === -1 ? encodeURIComponent(v) : `${v.slice(0, eq)}=${encodeURIComponent(v.slice(eq + 1))}`;
        }
        data.push(word === '-d' || word === '--data' || word === '--data-ascii' ? v.replace(/[\r\n]/g, '') : v);
        dataKind ??= 'form';
        break;
      }
      case '--json':
        data.push(value());
        dataKind = 'json';
        break;
      case '-F':
      case '--form': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new CurlImportError(`${word} ${v} is not name=value.`);
        if (v[eq + 1] === '@' || v[eq + 1] === '<') warnings.push(`The form part ${v.slice(0, eq)} reads a file; attach the file in the Body tab.`);
        multipart.push([v.slice(0, eq), v.slice(eq + 1).replace(/^[@<]/, '')]);
        break;
      }
      case '-u':
      case '--user':
        user = value();
        break;
      case '-b':
      case '--cookie': {
        const v = value();
        if (v.includes('=')) headers.push(['Cookie', v]);
        else warnings.push(`-b ${v} reads cookies from a file, which the sandbox cannot see.`);
        break;
      }
      case '-A':
      case '--user-agent':
        headers.push(['User-Agent', value()]);
        break;
      case '-e':
      case '--referer':
        headers.push(['Referer', value()]);
        break;
      case '-G':
      case '--get':
        get = true;
        break;
      case '-I':
      case '--head':
        head = true;
        break;
      case '-L':
      case '--location':
        followRedirects = true;
        break;
      case '--compressed':
        if (!headers.some(([n]) => n.toLowerCase() === 'accept-encoding')) headers.push(['Accept-Encoding', 'gzip, deflate, br']);
        break;
      case '--url':
        url = value();
        break;
      default:
        if (IGNORED_FLAGS.has(word)) break;
        if (IGNORED_WITH_VALUE.has(word)) {
          value();
          warnings.push(`Ignored ${word}: it does not change the request.`);
          break;
        }
        if (word.startsWith('-') && word.length > 1) {
          warnings.push(`Ignored ${word}, which the sandbox does not know.`);
          break;
        }
        if (url !== undefined) throw new CurlImportError(`The command names two URLs (${url} and ${word}); import one request at a time.`);
        url = word;
    }
  }
  if (url === undefined) throw new CurlImportError('The command has no URL. Add one, such as http://localhost:3000/api/books');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('/')) url = `http://${url}`;

  const draft: Draft = { ...emptyDraft(), headers: [], url };
  if (dataKind === 'json') {
    if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
    if (!headers.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', 'application/json']);
  }
  const body = data.join('&');
  if (get && data.length > 0) {
    draft.url = `${url}${url.includes('?') ? '&' : '?'}${body}`;
  } else if (data.length > 0) {
    const contentType = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
    if (!contentType && !removed.has('content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    const type = bodyTypeFor(headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1]);
    draft.bodyType = type === 'form' ? 'text' : type;
    draft.body = body;
  } else if (multipart.length > 0) {
    draft.bodyType = 'multipart';
    draft.multipart = multipart.map(([name, value]) => row(name, value));
  }
  if (user !== undefined) {
    const colon = user.indexOf(':');
    draft.auth = { kind: 'basic', username: colon === -1 ? user : user.slice(0, colon), password: colon === -1 ? '' : user.slice(colon + 1) };
  }
  draft.method = method ?? (head ? 'HEAD' : data.length > 0 && !get ? 'POST' : multipart.length > 0 ? 'POST' : 'GET');
  draft.headers = headers.map(([name, value]) => row(name, value));
  return { draft, followRedirects, warnings };
}

/** True when pasted text looks like a curl command rather than a URL. */
export function looksLikeCurl(text: string): boolean {
  return /^\s*(\$\s+)?curl(\s|$)/.test(text);
}
