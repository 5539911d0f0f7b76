import { describe, expect, it } from 'vitest';
import { buildOutgoing } from '../../../client/src/lib/draft';
import { CurlParseError } from '../../../client/src/features/composer/formats/curl-parse-error';
import { looksLikeCurl, parseCurl } from '../../../client/src/features/composer/formats/parse-curl';
import { readCurlCommand } from '../../../client/src/features/composer/formats/read-curl';

const headersOf = (command: string) => parseCurl(command).draft.headers.map((h) => [h.name, h.value]);
const errorOf = (command: string): CurlParseError => {
  try {
    parseCurl(command);
  } catch (error) {
    if (error instanceof CurlParseError) return error;
    throw error;
  }
  throw new Error(`expected ${command} to fail`);
};

describe('import from curl: what the composer shows', () => {
  it('reads method, URL, headers in order, JSON body, basic auth and -L', () => {
    const { draft, followRedirects, warnings } = parseCurl(
      `curl -L -u ada:lovelace -X PUT 'http://localhost:3000/api/books/1' -H 'Content-Type: application/json' -H 'X-A: 1' -d '{"title":"x"}'`,
    );
    expect(draft.method).toBe('PUT');
    expect(draft.url).toBe('http://localhost:3000/api/books/1');
    expect(draft.headers.map((h) => [h.name, h.value, h.enabled])).toEqual([
      ['Content-Type', 'application/json', true],
      ['X-A', '1', true],
    ]);
    expect(draft.bodyType).toBe('json');
    expect(draft.body).toBe('{"title":"x"}');
    expect(draft.auth).toEqual({ kind: 'basic', username: 'ada', password: 'lovelace' });
    expect(followRedirects).toBe(true);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['-d alone is a POST with a form Content-Type, as curl sends it', `curl localhost:3000/anything -d a=1 -d b=2`, 'POST', 'form', 'application/x-www-form-urlencoded'],
    ['--json sets Content-Type and Accept', `curl --json '{"a":1}' http://localhost:3000/post`, 'POST', 'json', 'application/json'],
    ['an XML Content-Type makes an XML body', `curl -H 'Content-Type: application/atom+xml' -d '<feed/>' http://localhost:3000/post`, 'POST', 'xml', 'application/atom+xml'],
    ['a JSON-based type makes a JSON body', `curl -H 'Content-Type: application/merge-patch+json' -X PATCH -d '{}' http://localhost:3000/patch`, 'PATCH', 'json', 'application/merge-patch+json'],
    ['text/plain is text', `curl -H 'Content-Type: text/plain' -d hello http://localhost:3000/post`, 'POST', 'text', 'text/plain'],
    ["'Content-Type:' removes curl's type: raw text", `curl -H 'Content-Type:' -d hello http://localhost:3000/post`, 'POST', 'text', undefined],
    ['-G moves the data into the query', `curl -G http://localhost:3000/get -d q=1`, 'GET', 'none', undefined],
    ['-I is HEAD', `curl -I http://localhost:3000/`, 'HEAD', 'none', undefined],
    ['-X wins over what -d implies', `curl -X GET -d x=1 http://localhost:3000/anything`, 'GET', 'form', 'application/x-www-form-urlencoded'],
    ['-F is multipart', `curl -F a=1 http://localhost:3000/post`, 'POST', 'multipart', undefined],
  ])('%s', (_name, command, method, bodyType, contentType) => {
    const { draft } = parseCurl(command);
    expect(draft.method).toBe(method);
    expect(draft.bodyType).toBe(bodyType);
    expect(draft.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value).toBe(contentType);
  });

  it('form bodies become rows when the rows send the same bytes, and stay text otherwise', () => {
    const rows = parseCurl(`curl -d 'name=Ada+Lovelace' -d 'x=%26' http://localhost:3000/post`);
    expect(rows.draft.bodyType).toBe('form');
    expect(rows.draft.form.map((f) => [f.name, f.value])).toEqual([
      ['name', 'Ada Lovelace'],
      ['x', '&'],
    ]);
    const raw = parseCurl(`curl -d 'name=Ada Lovelace' http://localhost:3000/post`);
    expect(raw.draft.bodyType).toBe('text');
    expect(raw.draft.body).toBe('name=Ada Lovelace');
    expect(raw.notes.join(' ')).toMatch(/kept as raw text/);
  });

  it('-F text parts become rows; file parts wait, switched off, with a warning', () => {
    const { draft, warnings } = parseCurl(`curl -F title=Kindred -F 'cover=@./cover.png;type=image/png' -F 'note=<notes.txt' http://localhost:3000/post`);
    expect(draft.multipart.map((p) => [p.name, p.value, p.enabled])).toEqual([
      ['title', 'Kindred', true],
      ['cover', '', false],
      ['note', '', false],
    ]);
    expect(warnings).toEqual([
      'The form part "cover" uploads the file ./cover.png, which the sandbox cannot see; attach the file to that part in the Body tab.',
      'The form part "note" takes its value from the file notes.txt, which the sandbox cannot see; type the value in the Body tab.',
    ]);
  });

  it("-F leaves the multipart Content-Type to the composer (a typed one has no boundary)", () => {
    const { draft, notes } = parseCurl(`curl -H 'Content-Type: multipart/form-data' -F a=1 http://localhost:3000/post`);
    expect(draft.headers).toEqual([]);
    expect(notes.join(' ')).toMatch(/boundary/);
    expect(buildOutgoing(draft, 'B').headers).toEqual([['Content-Type', 'multipart/form-data; boundary=B']]);
  });

  it('a multipart body written out in full becomes rows again, files included', () => {
    const body = `--XYZ\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\n1\\r\\n--XYZ\\r\\nContent-Disposition: form-data; name="f"; filename="x.bin"\\r\\nContent-Type: application/octet-stream\\r\\n\\r\\n\\000\\377\\r\\n--XYZ--\\r\\n`;
    const { draft } = parseCurl(`printf '${body}' | curl -H 'Content-Type: multipart/form-data; boundary=XYZ' --data-binary @- http://localhost:3000/post`);
    expect(draft.bodyType).toBe('multipart');
    expect(draft.multipart.map((p) => [p.name, p.value, p.file])).toEqual([
      ['a', '1', undefined],
      ['f', '', { name: 'x.bin', type: 'application/octet-stream', data: 'AP8=' }],
    ]);
    expect(draft.headers).toEqual([]);
  });

  it.each([
    ['-u without a password', 'curl -u ada http://localhost:3000/basic-auth', { kind: 'basic', username: 'ada', password: '' }, /would ask for one/],
    ['credentials in the URL', `curl 'http://ada:p%40ss@localhost:3000/basic-auth'`, { kind: 'basic', username: 'ada', password: 'p@ss' }, undefined],
    ['--oauth2-bearer', 'curl --oauth2-bearer t_123 http://localhost:3000/bearer', { kind: 'bearer', token: 't_123' }, undefined],
  ])('auth from %s', (_name, command, auth, warning) => {
    const { draft, warnings } = parseCurl(command);
    expect(draft.auth).toEqual(auth);
    expect(draft.url).not.toContain('@');
    if (warning) expect(warnings.join(' ')).toMatch(warning);
  });

  it('an Authorization header given with -H replaces -u, as in curl', () => {
    const { draft, notes } = parseCurl(`curl -u ada:x -H 'Authorization: Bearer t' http://localhost:3000/bearer`);
    expect(draft.auth).toEqual({ kind: 'none' });
    expect(notes.join(' ')).toMatch(/replaces/);
  });

  it('builds the headers curl builds from -A, -e, -b, -r and --compressed, in curl’s order', () => {
    expect(headersOf(`curl -H 'X-Mine: 1' -b a=1 -b 'b=2' -e 'http://localhost:3000/from;auto' -A agent/1 -r 0-99 --compressed http://localhost:3000/headers`)).toEqual([
      ['Range', 'bytes=0-99'],
      ['User-Agent', 'agent/1'],
      ['Accept-Encoding', 'deflate, gzip, br, zstd'],
      ['Referer', 'http://localhost:3000/from'],
      ['Cookie', 'a=1;b=2'],
      ['X-Mine', '1'],
    ]);
  });

  it('"Name;" sends an empty header, "Name:" removes one curl would add, -H wins over -A', () => {
    expect(headersOf(`curl -H 'X-Empty;' -H 'Accept:' -A mine -H 'User-Agent: theirs' http://localhost:3000/headers`)).toEqual([
      ['X-Empty', ''],
      ['User-Agent', 'theirs'],
    ]);
  });

  it('--data-urlencode encodes as curl does (spaces as +), and -G puts it in the query', () => {
    expect(parseCurl(`curl -G --data-urlencode 'q=Ada Lovelace & co' --data-urlencode '=a/b' http://localhost:3000/get?x=1`).draft.url).toBe(
      'http://localhost:3000/get?x=1&q=Ada+Lovelace+%26+co&a%2Fb',
    );
  });

  it('URLs: a missing scheme becomes http://, a URL on this sandbox becomes a path when the origin is given', () => {
    expect(parseCurl('curl localhost:3000/get').draft.url).toBe('http://localhost:3000/get');
    expect(parseCurl('curl http://localhost:3000/api/books?page=2', { origin: 'http://localhost:3000' }).draft.url).toBe('/api/books?page=2');
    expect(parseCurl('curl http://localhost:3000', { origin: 'http://localhost:3000/' }).draft.url).toBe('/');
    expect(parseCurl('curl http://localhost:30001/x', { origin: 'http://localhost:3000' }).draft.url).toBe('http://localhost:30001/x');
  });
});

describe('import from curl: what people paste', () => {
  it.each([
    ['a leading $ prompt', `$ curl http://localhost:3000/get`],
    ['a PowerShell prompt and curl.exe', `PS C:\\Users\\ada> curl.exe http://localhost:3000/get`],
    ['no "curl" at all', `http://localhost:3000/get`],
    ['backslash continuations', `curl \\\n  http://localhost:3000/get`],
    ['PowerShell backtick continuations', 'curl.exe `\n  http://localhost:3000/get'],
    ['a path to curl', `/usr/bin/curl http://localhost:3000/get`],
    ['a piped jq', `curl -s http://localhost:3000/get | jq .`],
    ['an output redirection', `curl http://localhost:3000/get > out.json 2>&1`],
    ['a comment', `curl http://localhost:3000/get # fetch it`],
  ])('%s', (_name, command) => {
    const { draft } = parseCurl(command);
    expect(draft.method).toBe('GET');
    expect(draft.url).toBe('http://localhost:3000/get');
  });

  it('a "Copy as cURL (bash)" from Chrome, with $\'…\' and --compressed', () => {
    const { draft, warnings } = parseCurl(
      [
        `curl 'http://localhost:3000/api/books' \\`,
        `  -H 'Accept: application/json' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -H 'sec-ch-ua: "Chromium";v="120"' \\`,
        `  --data-raw $'{"title":"it\\'s \\u00e9t\\xc3\\xa9"}' \\`,
        `  --compressed`,
      ].join('\n'),
    );
    expect(draft.body).toBe(`{"title":"it's été"}`);
    expect(draft.headers.map((h) => h.name)).toEqual(['Accept-Encoding', 'Accept', 'Content-Type', 'sec-ch-ua']);
    expect(draft.headers.find((h) => h.name === 'sec-ch-ua')?.value).toBe('"Chromium";v="120"');
    expect(warnings).toEqual([]);
  });

  it('a "Copy as cURL (cmd)" from Chrome on Windows', () => {
    const { draft } = parseCurl(
      [
        `curl ^"http://localhost:3000/api/books?a=1^&b=2^" ^`,
        `  -H ^"Content-Type: application/json^" ^`,
        `  -H ^"sec-ch-ua: ^\\^"Chromium^\\^";v=^\\^"120^\\^"^" ^`,
        `  --data-raw ^"^{^\\^"title^\\^":^\\^"Kindred ^& co 100^%^\\^"^}^" ^`,
        `  --compressed`,
      ].join('\n'),
    );
    expect(draft.url).toBe('http://localhost:3000/api/books?a=1&b=2');
    expect(draft.headers.find((h) => h.name === 'sec-ch-ua')?.value).toBe('"Chromium";v="120"');
    expect(draft.body).toBe('{"title":"Kindred & co 100%"}');
  });

  it('a hand-written cmd command with "…" quoting and ^ line ends', () => {
    const { draft } = parseCurl(`curl -X POST "http://localhost:3000/post" ^\n -H "Content-Type: application/json" ^\n -d "{\\"a\\":1}"`);
    expect(draft.method).toBe('POST');
    expect(draft.body).toBe('{"a":1}');
  });

  it('a bash command with ^" inside quotes stays bash', () => {
    expect(parseCurl(`curl http://localhost:3000/post -H 'Content-Type: text/plain' --data-raw '^"'`).draft.body).toBe('^"');
  });

  it.each([
    ['printf', `printf '{"a":%d}\\n' 1 | curl --data-binary @- -H 'Content-Type: application/json' http://localhost:3000/post`, '{"a":1}\n'],
    ['echo (a newline is added)', `echo '{"a":1}' | curl --json @- http://localhost:3000/post`, '{"a":1}\n'],
    ['echo -n', `echo -n 'x=1' | curl -d @- http://localhost:3000/post`, 'x=1'],
    ['base64 --decode', `printf %s eD0x | base64 --decode | curl --data-binary @- -H 'Content-Type: text/plain' http://localhost:3000/post`, 'x=1'],
    ['a here-string', `curl --data-binary @- -H 'Content-Type: text/plain' http://localhost:3000/post <<< 'hello'`, 'hello\n'],
    ['-d @- drops line breaks, as curl does', `printf 'a\\nb\\r\\n' | curl -d @- -H 'Content-Type: text/plain' http://localhost:3000/post`, 'ab'],
  ])('a body from standard input: %s', (_name, command, body) => {
    expect(buildOutgoing(parseCurl(command).draft).body).toEqual({ encoding: 'text', data: body });
  });

  it('keeps what the shell would expand, and says so', () => {
    const { draft, warnings } = parseCurl(`curl -H "Authorization: Bearer $TOKEN" -d "id=$(cat id.txt)" http://localhost:3000/post`);
    expect(draft.headers[0]?.value).toBe('Bearer $TOKEN');
    expect(warnings).toEqual([
      'The command uses $TOKEN, which only your shell knows; it was imported as written. Replace it with its value.',
      'The command uses $(cat id.txt), which only your shell knows; it was imported as written. Replace it with its value.',
    ]);
  });

  it('reads an unquoted URL with & as meant, and warns that bash would cut it there', () => {
    const { draft, warnings } = parseCurl('curl http://localhost:3000/get?a=1&b=2');
    expect(draft.url).toBe('http://localhost:3000/get?a=1&b=2');
    expect(warnings.join(' ')).toMatch(/unquoted &/);
  });

  it('notes the options that only change what curl prints', () => {
    const { notes, warnings } = parseCurl('curl -sSv -k -i -o out.json --connect-timeout 5 http://localhost:3000/get');
    expect(warnings).toEqual([]);
    expect(notes).toEqual(['Ignored -s, -S, -v, -k, -i, -o, --connect-timeout: they change what curl prints, checks or saves, not the request.']);
  });

  it.each([
    ['an unknown option', 'curl --frobnicate http://localhost:3000/get', 'Ignored --frobnicate: curl has no such option, or the sandbox does not know it.'],
    ['an unknown short option in a group', 'curl -sQ http://localhost:3000/get', 'Ignored -Q (in -sQ): curl has no such option, or the sandbox does not know it.'],
    ['HTTP/2', 'curl --http2 http://localhost:3000/get', 'Ignored --http2: the sandbox always sends HTTP/1.1.'],
    ['digest auth', 'curl --digest -u a:b http://localhost:3000/get', 'Ignored --digest: the sandbox only builds Basic and Bearer authorization; send the Authorization header yourself.'],
    ['a proxy', 'curl -x http://proxy:8080 http://localhost:3000/get', 'Ignored -x http://proxy:8080: the sandbox connects to the target itself.'],
    ['a data file', 'curl -d @body.json http://localhost:3000/post', '-d reads the body from the file body.json, which the sandbox cannot see; paste its contents instead.'],
    ['a cookie file', 'curl -b cookies.txt http://localhost:3000/get', "-b cookies.txt reads cookies from a file, which the sandbox cannot see; write them as -b 'name=value'."],
    ['an upload', 'curl -T photo.png http://localhost:3000/put', '-T reads the body from the file photo.png, which the sandbox cannot see; paste its contents instead.'],
    ['stdin from a program', 'cat body.json | curl -d @- http://localhost:3000/post', '-d @- reads the body from standard input, here the output of cat body.json, which the sandbox cannot run; paste the body itself instead.'],
    ['two URLs', 'curl http://localhost:3000/a http://localhost:3000/b', 'The command names more than one URL; only the first, http://localhost:3000/a, was imported (curl would send a request to each).'],
    ['globbing', "curl 'http://localhost:3000/items/[1-3]'", 'The URL has { } or [ ], which curl expands into several requests unless you add -g (--globoff); it was imported as written.'],
    ['-d with -F', 'curl -d a=1 -F b=2 http://localhost:3000/post', 'The command has both -d and -F, which curl refuses (a body is either form data or multipart); the -F parts were left out.'],
    ['-I with -d', 'curl -I -d a=1 http://localhost:3000/post', 'The command has -I (HEAD) and a body, which curl refuses; it was imported as HEAD without the body.'],
    ['--next', 'curl http://localhost:3000/a --next http://localhost:3000/b', 'The command sends more than one request (--next); only the first was imported.'],
    ['a header without a colon', "curl -H 'X-Broken' http://localhost:3000/get", 'Skipped the header "X-Broken": a header is written "Name: value".'],
    ['ftp', 'curl ftp://localhost/file', 'The URL uses ftp://; the sandbox only speaks HTTP and HTTPS.'],
  ])('warns, and still imports, on %s', (_name, command, warning) => {
    expect(parseCurl(command).warnings).toContain(warning);
  });

  it('a word after an unknown option is taken as its value, not as a second URL', () => {
    const { draft, notes, warnings } = parseCurl('curl --some-new-option value http://localhost:3000/get');
    expect(draft.url).toBe('http://localhost:3000/get');
    expect(notes).toContain('"value" after --some-new-option was taken as that option\'s value.');
    expect(warnings).toHaveLength(1);
  });

  it('reads -XPOST, -HName:value and --request=POST', () => {
    expect(parseCurl('curl -XPOST -HX-A:1 http://localhost:3000/post').draft.method).toBe('POST');
    expect(headersOf('curl -HX-A:1 http://localhost:3000/post')).toEqual([['X-A', '1']]);
    const long = parseCurl('curl --request=DELETE http://localhost:3000/delete');
    expect(long.draft.method).toBe('DELETE');
    expect(long.notes).toContain('curl does not accept --request=…; it was read as --request followed by the value.');
  });

  it('--no-location undoes -L', () => {
    expect(parseCurl('curl -L --no-location http://localhost:3000/get').followRedirects).toBe(false);
  });

  it('keeps body bytes that are not UTF-8 byte for byte, as a binary body', () => {
    expect(readCurlCommand(`curl --data-binary $'\\xff\\x00' http://localhost:3000/post`).body).toEqual(Uint8Array.of(0xff, 0));
    const { draft, warnings, notes } = parseCurl(`curl -H 'Content-Type: image/x-test' --data-binary $'\\xffA' http://localhost:3000/post`);
    expect(draft.bodyType).toBe('binary');
    expect(draft.file).toEqual({ name: 'body from the command', type: 'image/x-test', data: Buffer.from([0xff, 0x41]).toString('base64') });
    expect(buildOutgoing(draft).body).toEqual({ encoding: 'base64', data: '/0E=' });
    expect(warnings).toEqual([]);
    expect(notes.join(' ')).toMatch(/2 bytes that are not UTF-8 text, so it is kept byte for byte/);
  });
});

describe('import from curl: commands that cannot be read', () => {
  it.each([
    ['nothing', '   ', /^Paste a curl command, such as curl -i/],
    ['no URL', 'curl -X GET', /^The command has no URL\. Add one at the end/],
    ['an open single quote', `curl -d '{"a":1} http://localhost:3000`, /^The single quote \(\S\) at character 9 is never closed: '\{"a":1\} http:\/\/localhos…/],
    ['an open double quote', `curl -H "Accept: text/html http://x`, /^The double quote \("\) at character 9 is never closed/],
    ["an open $'…'", `curl --data-raw $'abc`, /^The \$'…' quote at character 17 is never closed/],
    ['an option without its value', 'curl http://localhost:3000/get -H', /^-H needs a value after it, such as -H 'Accept: application\/json', but the command ends there\.$/],
    ['a method with a space', `curl -X 'GET /' http://localhost:3000/`, /^-X "GET \/" is not a method: a method is one word of letters such as GET, POST or PATCH, with no spaces\.$/],
    ['wget', 'wget http://localhost:3000/get', /^This is a wget command, not curl\./],
    ['HTTPie', 'http POST localhost:3000/post a=1', /^This is an HTTPie command, not curl\./],
    ['JavaScript', 'await fetch("/api/books")', /^This is JavaScript \(fetch\), not a curl command\./],
    ['another program', 'ls -la', /^"ls" is not curl: paste a command that starts with curl/],
    ['only a comment', '# curl http://x', /^Paste a curl command/],
    ["PowerShell's curl", `curl -Uri http://localhost:3000/post -Method POST -Body 'a=1'`, /^-Uri belongs to PowerShell's Invoke-WebRequest \(which PowerShell also calls curl\), not to curl\./],
  ])('%s', (_name, command, message) => {
    expect(errorOf(command).message).toMatch(message);
  });

  it('says where the problem is', () => {
    expect(errorOf(`$ curl -d 'open http://x`).position).toBe(10);
    expect(`$ curl -d 'open http://x`[10]).toBe("'");
  });
});

describe('looksLikeCurl (pasting into the URL bar)', () => {
  it.each([
    ['curl http://x', true],
    ['  $ curl -i x', true],
    ['curl.exe ^"http://x^"', true],
    ['/usr/bin/curl x', true],
    ['/api/curly', false],
    ['C:\\tools\\curl.exe -i x', true],
    ['http://localhost:3000/curl', false],
  ])('%s → %s', (text, expected) => {
    expect(looksLikeCurl(text)).toBe(expected);
  });
});
