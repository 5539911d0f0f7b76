// "Import from curl": a pasted curl command becomes a composer draft that sends the same request.
// readCurlCommand does the reading (and throws CurlParseError when the command cannot be read); this
// module decides how the request is shown in the composer: body type from Content-Type, form and
// multipart rows when they reproduce the body exactly, -u as the Basic auth helper.
import { emptyDraft, row, type BodyType, type Draft, type MultipartRow } from '../../../lib/draft';
import { bytesToBase64, utf8Text } from './bytes';
import { formRowsOf } from './form-body';
import { multipartBoundaryOf, multipartRowsOf } from './multipart-body';
import { readCurlCommand } from './read-curl';

export interface CurlImport {
  draft: Draft;
  /** Parts of the command that could not be imported as curl would send them. Show these. */
  warnings: string[];
  /** Harmless remarks (ignored output options and the like). */
  notes: string[];
  /** -L/--location was given: the learner wants redirects followed (an option of the send, not the draft). */
  followRedirects: boolean;
  /** -m/--max-time, in ms (an option of the send): how long to wait before giving up. */
  timeoutMs?: number;
}

export interface ParseCurlOptions {
  /** This sandbox's origin (http://localhost:3000): URLs on it become paths such as /api/books. */
  origin?: string;
}

function bodyTypeOf(contentType: string | undefined): Exclude<BodyType, 'none' | 'multipart'> {
  if (!contentType) return 'text';
  if (/^\s*application\/x-www-form-urlencoded\b/i.test(contentType)) return 'form';
  if (/^\s*[\w.-]+\/([\w.-]+\+)?json\b/i.test(contentType)) return 'json';
  if (/^\s*[\w.-]+\/([\w.-]+\+)?xml\b/i.test(contentType)) return 'xml';
  return 'text';
}

/** A URL on `origin` as a path (kept exactly as written after the origin). */
function relativeTo(url: string, origin: string | undefined): string {
  if (!origin) return url;
  const base = origin.replace(/\/+$/, '');
  if (url.toLowerCase().startsWith(base.toLowerCase())) {
    const rest = url.slice(base.length);
    if (rest === '') return '/';
    if ('/?#'.includes(rest[0]!)) return rest.startsWith('/') ? rest : `/${rest}`;
  }
  return url;
}

/** Throws CurlParseError (from ./curl-parse-error) with a message for the learner when the command cannot be read. */
export function parseCurl(command: string, options: ParseCurlOptions = {}): CurlImport {
  const request = readCurlCommand(command);
  const { warnings, notes } = request;
  const headers = [...request.headers];
  const contentTypeAt = headers.findIndex(([name]) => name.toLowerCase() === 'content-type');
  const contentType = contentTypeAt === -1 ? undefined : headers[contentTypeAt]![1];
  const draft: Draft = { ...emptyDraft(), method: request.method, url: relativeTo(request.url, options.origin), headers: [] };
  const dropContentType = (why: string) => {
    headers.splice(contentTypeAt, 1);
    notes.push(why);
  };

  if (request.formParts.length > 0) {
    draft.bodyType = 'multipart';
    draft.multipart = request.formParts.map((part): MultipartRow => {
      if (part.type && !part.file) warnings.push(`The type ${part.type} of the form part "${part.name}" was dropped: the composer sends text parts without a type.`);
      // A file part waits, switched off, until the learner attaches the file.
      return part.file === undefined ? row(part.name, part.value) : row(part.name, '', false);
    });
    if (contentType && /^\s*multipart\/form-data\b/i.test(contentType)) {
      dropContentType('The multipart Content-Type header was left to the composer, which adds it with the boundary its body uses.');
    }
  } else if (request.body) {
    const boundary = contentType ? multipartBoundaryOf(contentType) : undefined;
    const parts = boundary ? multipartRowsOf(request.body, boundary) : undefined;
    const text = utf8Text(request.body);
    if (parts) {
      draft.bodyType = 'multipart';
      draft.multipart = parts;
      headers.splice(contentTypeAt, 1);
    } else if (text === undefined) {
      // Bytes that are not text are kept as they are: a binary body, as curl would send it.
      notes.push(`The body is ${request.body.length} bytes that are not UTF-8 text, so it is kept byte for byte as a binary body.`);
      draft.bodyType = 'binary';
      draft.file = { name: 'body from the command', type: contentType ?? '', data: bytesToBase64(request.body) };
    } else {
      const type = bodyTypeOf(contentType);
      const rows = type === 'form' ? formRowsOf(text) : undefined;
      if (rows) {
        draft.bodyType = 'form';
        draft.form = rows;
      } else {
        if (type === 'form') notes.push('The form body is kept as raw text, exactly as written (the form table would encode it differently).');
        draft.bodyType = type === 'form' ? 'text' : type;
        draft.body = text;
      }
    }
  }

  if (request.user) draft.auth = { kind: 'basic', username: request.user.username, password: request.user.password };
  else if (request.bearer !== undefined) draft.auth = { kind: 'bearer', token: request.bearer };
  draft.headers = headers.map(([name, value]) => row(name, value));
  return { draft, warnings, notes, followRedirects: request.followRedirects, ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}) };
}

/** True when pasted text looks like a curl command rather than a URL (for the URL bar). */
export { looksLikeCurl } from './looks-like-curl';
