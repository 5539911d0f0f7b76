// parseCurl is checked against curl itself: bash runs each command, real curl sends it to a capture
// server on 127.0.0.1, and the imported draft must send the same method, target, headers and body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOutgoing } from '../../../client/src/features/composer/draft';
import { bodyBytes } from '../../../client/src/features/composer/formats/bytes';
import { multipartBoundaryOf, multipartRowsOf } from '../../../client/src/features/composer/formats/multipart-body';
import { parseCurl } from '../../../client/src/features/composer/formats/parse-curl';
import { readCurlCommand } from '../../../client/src/features/composer/formats/read-curl';
import { startCaptureServer, type CaptureServer } from './capture-server';
import { composedPart, HAS_CURL, run } from './real-tools';

/** {URL} is the capture server's origin, {HOSTPORT} its host:port. */
export const CURL_COMMANDS = [
  `curl {URL}/get`,
  `curl -X POST {URL}/api/books -H 'Content-Type: application/json' -d '{"title":"Kindred","year":1979}'`,
  `curl {URL}/anything -d a=1 -d 'b=hello world' -d c=%26`,
  `curl --json '{"a":1' --json ',"b":2}' {URL}/post`,
  `curl -G {URL}/get -d q=1 --data-urlencode 'name=Ada Lovelace & co'`,
  `curl --data-urlencode 'q=a b&c' --data-urlencode '=only value' --data-urlencode plain~text {URL}/post`,
  `curl -u ada:lovelace -A 'my-agent/1.0' -e '{URL}/from;auto' -b 'sid=1' -b 'theme=dark' --compressed {URL}/headers`,
  `curl -H 'X-Dup: one' -H 'X-Dup: two' -H 'Accept:' -H 'X-Empty;' {URL}/headers`,
  `curl -X PUT -H 'Content-Type:' -d 'raw' {URL}/put`,
  `curl -I {URL}/head`,
  `curl -r 0-99 {URL}/range`,
  `curl -sSLk -XPATCH -HX-A:1 {URL}/patch --data-raw '@not-a-file'`,
  `curl {URL}/post --data-binary $'line1\\nline2\\r\\n\\ttab \\xc3\\xa9'`,
  `printf 'a\\0b\\377' | curl --data-binary @- {URL}/post`,
  `echo 'x=1' | curl -d @- {URL}/post`,
  `curl {URL}/anything -d "it's \\"quoted\\" \\\\ and \\$dollar"`,
  `curl -F name=ada -F 'note=hello world' {URL}/post`,
  `curl --url-query 'a=b c' --url-query '+raw=%41' {URL}/get?x=1`,
  `curl --oauth2-bearer t0ken {URL}/bearer`,
  `curl 'http://ada:lo%40ve@{HOSTPORT}/basic-auth'`,
  `curl -X OPTIONS {URL}/api/books -H 'Origin: http://example.org' -H 'Access-Control-Request-Method: DELETE'`,
  `curl -d '' {URL}/empty`,
  `curl {URL}/anything --data-ascii 'a b' --data-raw 'c&d'`,
  `curl -H 'Content-Type: text/plain; charset=utf-8' -d 'ünïcödé ✓' {URL}/post`,
  `curl -X DELETE {URL}/api/books/3`,
  `curl -A '' {URL}/user-agent`,
  `curl \\\n  -X POST \\\n  {URL}/api/books \\\n  --json '{"title":"x"}'`,
  `curl -X GET {URL}/anything -d 'a body on GET' -H 'Content-Type: text/plain'`,
  `curl {URL}/cookies -H 'Cookie: a=1' -b 'b=2'`,
  `curl -d 'x=1' -H 'Content-Type: application/xml' {URL}/post --data-binary '<a/>'`,
];

function target(url: string, origin: string): string {
  const withoutFragment = url.replace(/#.*$/, '');
  return withoutFragment.startsWith(origin) ? withoutFragment.slice(origin.length) || '/' : withoutFragment.replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
}

function withoutAuthorization(headers: readonly [string, string][]): [string, string][] {
  return headers.filter(([name]) => name.toLowerCase() !== 'authorization');
}

describe.skipIf(!HAS_CURL)('import from curl sends what curl sends (real curl, bash)', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer();
  });
  afterAll(() => server.close());

  it.each(CURL_COMMANDS)('%s', async (template) => {
    const command = template.replaceAll('{URL}', server.origin).replaceAll('{HOSTPORT}', server.origin.replace('http://', ''));
    server.requests.length = 0;
    await run('bash', ['-c', `${command} > /dev/null`]);
    const sent = server.requests[0]!;
    expect(sent).toBeDefined();

    const { draft } = parseCurl(command);
    const composed = buildOutgoing(draft);
    expect(composed.method).toBe(sent.method);
    expect(target(composed.url, server.origin)).toBe(sent.target);

    const sentHeaders = composedPart(sent.headers, composed.headers);
    const boundary = multipartBoundaryOf(sentHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '');
    if (boundary) {
      // curl chose its own boundary: compare the parts instead of the bytes.
      const parts = multipartRowsOf(new Uint8Array(sent.body), boundary);
      expect(parts?.map((p) => [p.name, p.value])).toEqual(draft.multipart.filter((p) => p.enabled).map((p) => [p.name, p.value]));
      expect(composed.headers.map(([n]) => n)).toEqual(sentHeaders.map(([n]) => n));
      return;
    }
    // curl sends Authorization (from -u or the URL) near the top; the composer adds it last.
    expect(withoutAuthorization(composed.headers)).toEqual(withoutAuthorization(sentHeaders));
    expect(composed.headers.find(([n]) => n === 'Authorization')).toEqual(sentHeaders.find(([n]) => n === 'Authorization'));
    // The reader has the body byte for byte; the composer holds text, so it matches whenever the body is UTF-8.
    const read = readCurlCommand(command);
    expect(Buffer.from(read.body ?? []).toString('hex')).toBe(sent.body.toString('hex'));
    if (sent.body.toString('utf8') === new TextDecoder().decode(sent.body) && !sent.body.toString('utf8').includes('\uFFFD')) {
      expect(Buffer.from(composed.body ? bodyBytes(composed.body) : []).toString('hex')).toBe(sent.body.toString('hex'));
    }
  });
});
