// parseCurl is checked against curl itself: bash runs each command, real curl sends it to a capture
// server on 127.0.0.1, and the imported draft must send the same method, target, headers and body.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildOutgoing } from '../../../client/src/lib/draft';
import { bodyBytes } from '../../../client/src/features/composer/formats/bytes';
import { multipartBoundaryOf, multipartRowsOf } from '../../../client/src/features/composer/formats/multipart-body';
import { parseCurl } from '../../../client/src/features/composer/formats/parse-curl';
import { readCurlCommand } from '../../../client/src/features/composer/formats/read-curl';
import { startCaptureServer, type CaptureServer } from './capture-server';
import { CURL_COMMANDS } from './curl-commands';
import { composedPart, describeWithTool, HAS_CURL, run } from './real-tools';


function target(url: string, origin: string): string {
  const withoutFragment = url.replace(/#.*$/, '');
  return withoutFragment.startsWith(origin) ? withoutFragment.slice(origin.length) || '/' : withoutFragment.replace(/^[a-z]+:\/\/[^/]*/i, '') || '/';
}

function withoutAuthorization(headers: readonly [string, string][]): [string, string][] {
  return headers.filter(([name]) => name.toLowerCase() !== 'authorization');
}

describeWithTool('curl', HAS_CURL, 'import from curl sends what curl sends (real curl, bash)', () => {
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
    // The body byte for byte, whether text or not (bytes that are not UTF-8 become a binary body).
    expect(Buffer.from(readCurlCommand(command).body ?? []).toString('hex')).toBe(sent.body.toString('hex'));
    expect(Buffer.from(composed.body ? bodyBytes(composed.body) : []).toString('hex')).toBe(sent.body.toString('hex'));
  });
});
