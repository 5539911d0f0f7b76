// The request the composer really sends: the draft as built by buildOutgoing, plus what the page adds
// on the learner's behalf — the cookies its jar holds for the target (the `sandbox` cookie that picks the
// learner's own data, the `sid` session cookie after logging in), as a browser would (RFC 6265 §5.4).
// Variables ({{name}}) are filled in first. Sending and "Copy as" both start from this one function, so
// they cannot disagree.
import { buildOutgoing, type Draft, type OutgoingRequest } from './draft';
import { expandDraft } from './variables';
import { cookieHeaderFor, type JarCookie } from './cookie-jar';

export interface RequestToSend {
  outgoing: OutgoingRequest;
  /** Indexes into outgoing.headers of the headers the page added (not typed by the learner). */
  addedByPage: number[];
  /** {{names}} the draft uses that have no value (left as written). */
  missing: string[];
}

export interface PageAdditions {
  jar: readonly JarCookie[];
  /** Send the jar's cookies (off: only what the learner typed). */
  useCookies: boolean;
  /** The page's origin, against which paths such as /api/books are resolved. */
  origin: string;
  /** Values for {{name}} in the draft. */
  variables?: Readonly<Record<string, string>>;
  /** The multipart boundary (tests fix it; otherwise a random one). */
  boundary?: string;
  now?: number;
}

function targetOf(url: string, origin: string): URL | undefined {
  try {
    return new URL(url, origin);
  } catch {
    return undefined;
  }
}

export function requestToSend(typed: Draft, page: PageAdditions): RequestToSend {
  const { draft, missing } = expandDraft(typed, page.variables ?? {});
  const outgoing = page.boundary === undefined ? buildOutgoing(draft) : buildOutgoing(draft, page.boundary);
  const addedByPage: number[] = [];
  const target = targetOf(outgoing.url, page.origin);
  // A Cookie the learner typed wins: the page adds none then, so the lesson of typing one stays visible.
  if (page.useCookies && target && !outgoing.headers.some(([name]) => name.toLowerCase() === 'cookie')) {
    const cookie = cookieHeaderFor(page.jar, target, page.now);
    if (cookie) {
      addedByPage.push(outgoing.headers.length);
      outgoing.headers.push(['Cookie', cookie]);
    }
  }
  return { outgoing, addedByPage, missing };
}
