// What the server masks before relaying an exchange or a capture to other people.
import { describe, expect, it } from 'vitest';
import { isSecretName, MASK, redactCapture, redactDraft, redactTranscript, redactUrl } from '../../../server/protocol/redact';
import { captureRequest } from '../../../server/classroom/capture';
import type { Exchange, Transcript } from '../../../server/protocol/api-types';

const SID = 's_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const TOKEN = 't_ZyXwVuTsRqPoNmLkJiHgFeDcBa987654';
const KEY = 'k'.repeat(20) + 'Q'.repeat(23);

function exchange(request: Partial<Exchange['request']>, response: Partial<NonNullable<Exchange['response']>> | null): Exchange {
  return {
    request: { method: 'GET', url: 'http://127.0.0.1:3000/', raw: '', headers: [], body: null, ...request },
    response: response === null ? null : { httpVersion: '1.1', status: 200, reason: 'OK', headers: [], trailers: [], body: null, raw: '', ...response },
    timings: { completeMs: 1 },
  };
}

function text(data: string) {
  return { encoding: 'text' as const, data, wireSize: data.length, decodedSize: data.length, truncated: false };
}

function transcriptOf(...exchanges: Exchange[]): Transcript {
  return { id: 'x', startedAt: '2026-12-01T00:00:00.000Z', exchanges };
}

describe('redactTranscript', () => {
  it('masks the session cookie in the Cookie header and the raw request, and says whose it was', () => {
    const raw = `DELETE /api/books/3 HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nCookie: sandbox=demo; sid=${SID}\r\n\r\n`;
    const { transcript, hidden } = redactTranscript(
      transcriptOf(exchange({ method: 'DELETE', url: 'http://127.0.0.1:3000/api/books/3', raw, headers: [['Host', '127.0.0.1:3000'], ['Cookie', `sandbox=demo; sid=${SID}`]] }, { status: 204 })),
      'the instructor',
    );
    const request = transcript.exchanges[0]!.request;
    expect(request.headers[1]).toEqual(['Cookie', `sandbox=demo; sid=${MASK} (hidden: the instructor's session)`]);
    expect(request.raw).toContain(`Cookie: sandbox=demo; sid=${MASK} (hidden: the instructor's session)\r\n`);
    expect(JSON.stringify(transcript)).not.toContain(SID);
    expect(hidden).toEqual(["Cookie: the instructor's session"]);
  });

  it.each([
    ['a private sandbox', 'abcdefghijk2345'],
    ["the instructor's room sandbox", 'room-kxmpqrtw-ab23cd45ef67'],
  ])('masks %s in the Cookie header and in X-Sandbox, wherever it stands', (_what, sandbox) => {
    const raw = `GET /api/books HTTP/1.1\r\nCookie: sandbox=${sandbox}; theme=dark\r\nX-Sandbox: ${sandbox}\r\n\r\n`;
    const { transcript } = redactTranscript(
      transcriptOf(exchange({ raw, headers: [['Cookie', `sandbox=${sandbox}; theme=dark`], ['X-Sandbox', sandbox]] }, null)),
      'the instructor',
    );
    const request = transcript.exchanges[0]!.request;
    expect(request.headers[0]![1]).toBe(`sandbox=${MASK}; theme=dark (hidden: the instructor's sandbox cookie)`);
    expect(request.headers[1]![1]).toBe(`${MASK} (hidden: the instructor's sandbox cookie)`);
    expect(JSON.stringify(transcript)).not.toContain(sandbox);
  });

  it('leaves the shared demo sandbox readable: naming it gives nobody anything', () => {
    const { transcript } = redactTranscript(transcriptOf(exchange({ headers: [['Cookie', 'sandbox=demo'], ['X-Sandbox', 'demo']] }, null)), 'the instructor');
    expect(transcript.exchanges[0]!.request.headers).toEqual([['Cookie', 'sandbox=demo'], ['X-Sandbox', 'demo']]);
  });

  it('masks Set-Cookie values with secret names and keeps the attributes a lesson talks about', () => {
    const setCookie = `sid=${SID}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`;
    const { transcript } = redactTranscript(
      transcriptOf(exchange({}, { status: 201, headers: [['Set-Cookie', setCookie], ['Set-Cookie', 'flavour=chocolate; Path=/']], raw: `HTTP/1.1 201 Created\r\nSet-Cookie: ${setCookie}\r\n\r\n` })),
      'the instructor',
    );
    const response = transcript.exchanges[0]!.response!;
    expect(response.headers).toEqual([
      ['Set-Cookie', `sid=${MASK}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax (hidden: the instructor's session)`],
      ['Set-Cookie', 'flavour=chocolate; Path=/'],
    ]);
    expect(response.raw).not.toContain(SID);
  });

  it.each([
    ['Authorization', `Bearer ${TOKEN}`, `Bearer ${MASK} (hidden: the instructor's credentials)`],
    ['Authorization', 'Basic YWRhOmxvdmVsYWNl', `Basic ${MASK} (hidden: the instructor's credentials)`],
    ['Proxy-Authorization', 'Basic YWRhOmxvdmVsYWNl', `Basic ${MASK} (hidden: the instructor's credentials)`],
    ['X-API-Key', 'abc123456789', `${MASK} (hidden: the instructor's key)`],
  ])('masks %s: %s', (name, value, shown) => {
    const { transcript } = redactTranscript(transcriptOf(exchange({ headers: [[name, value]], raw: `GET / HTTP/1.1\r\n${name}: ${value}\r\n\r\n` }, null)), 'the instructor');
    expect(transcript.exchanges[0]!.request.headers[0]).toEqual([name, shown]);
    expect(transcript.exchanges[0]!.request.raw).toBe(`GET / HTTP/1.1\r\n${name}: ${shown}\r\n\r\n`);
  });

  it('masks passwords in a JSON login body, and a token in the answer wherever it is echoed later', () => {
    const login = '{"username":"ada","password":"lovelace"}';
    const issued = `{"token":"${TOKEN}","tokenType":"Bearer"}`;
    const echoed = `{"headers":{"Authorization":"Bearer ${TOKEN}"}}`;
    const { transcript } = redactTranscript(
      transcriptOf(
        exchange({ method: 'POST', headers: [['Content-Type', 'application/json']], body: text(login), raw: `POST /api/tokens HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${login}` }, { status: 201, headers: [['Content-Type', 'application/json']], body: text(issued), raw: `HTTP/1.1 201 Created\r\n\r\n${issued}` }),
        exchange({}, { body: text(echoed), headers: [['Content-Type', 'application/json']], raw: `HTTP/1.1 200 OK\r\n\r\n${echoed}` }),
      ),
      'the instructor',
    );
    const all = JSON.stringify(transcript);
    expect(all).not.toContain('lovelace');
    expect(all).not.toContain(TOKEN);
    expect(transcript.exchanges[0]!.request.body!.data).toBe(`{"username":"ada","password":"${MASK}"}`);
    expect(transcript.exchanges[0]!.response!.body!.data).toBe(`{"token":"${MASK}","tokenType":"Bearer"}`);
    expect(transcript.exchanges[1]!.response!.body!.data).toContain(MASK);
  });

  it('masks secret fields of a form body, and keys in a URL and its request line', () => {
    const { transcript } = redactTranscript(
      transcriptOf(
        exchange(
          {
            method: 'POST',
            url: `http://127.0.0.1:3000/app/rooms/KXMP/roster?key=${KEY}&x=1`,
            headers: [['Content-Type', 'application/x-www-form-urlencoded']],
            body: text('user=ada&password=lovelace'),
            raw: `POST /app/rooms/KXMP/roster?key=${KEY}&x=1 HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nuser=ada&password=lovelace`,
          },
          null,
        ),
      ),
      'the instructor',
    );
    const request = transcript.exchanges[0]!.request;
    expect(request.url).toBe(`http://127.0.0.1:3000/app/rooms/KXMP/roster?key=${MASK}&x=1`);
    expect(request.raw.startsWith(`POST /app/rooms/KXMP/roster?key=${MASK}&x=1 HTTP/1.1\r\n`)).toBe(true);
    expect(request.body!.data).toBe(`user=ada&password=${MASK}`);
    expect(JSON.stringify(transcript)).not.toMatch(/lovelace|kkkkkkkk/);
  });

  it("masks the sandbox's session ids and tokens anywhere, even where no header announced them", () => {
    const { transcript } = redactTranscript(transcriptOf(exchange({}, { body: text(`I found ${SID} in a log`), raw: `HTTP/1.1 200 OK\r\n\r\nI found ${SID} in a log` })), 'the instructor');
    expect(transcript.exchanges[0]!.response!.body!.data).toBe(`I found ${MASK} in a log`);
  });

  it('leaves an exchange without secrets as it was', () => {
    const plain = transcriptOf(exchange({ headers: [['Accept', 'application/json']], raw: 'GET / HTTP/1.1\r\nAccept: application/json\r\n\r\n' }, { body: text('[{"id":1,"title":"Dune"}]'), raw: 'HTTP/1.1 200 OK\r\n\r\n[{"id":1,"title":"Dune"}]' }));
    expect(redactTranscript(plain, 'the instructor')).toEqual({ transcript: plain, hidden: [] });
  });
});

describe('redactCapture', () => {
  it("hides the sender's credentials from a capture the room sees", () => {
    const capture = captureRequest('abcdefghijkm', 1, {
      method: 'POST',
      target: '/inbox/abcdefghijkm/hook?token=supersecret1',
      httpVersion: '1.1',
      rawHeaders: ['Host', 'x', 'Authorization', 'Bearer mine-only-123', 'User-Agent', 'curl/8.5.0', 'Cookie', 'sid=abcdef123456'],
      body: Buffer.from('{"password":"hunter22","note":"hi"}'),
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
      receivedAt: new Date(0),
    });
    const shown = redactCapture(capture);
    const all = JSON.stringify(shown);
    for (const secret of ['supersecret1', 'mine-only-123', 'abcdef123456', 'hunter22']) expect(all).not.toContain(secret);
    expect(shown.headers).toContainEqual(['User-Agent', 'curl/8.5.0']);
    expect(shown.target).toBe(`/inbox/abcdefghijkm/hook?token=${MASK}`);
    expect(shown.query).toBe(`token=${MASK}`);
    expect(shown.raw).toContain(`Authorization: Bearer ${MASK} (hidden: the sender's credentials)`);
  });
});

describe('redactUrl and isSecretName', () => {
  it.each([
    [`/app/rooms/KXMP/events?key=${KEY}`, `/app/rooms/KXMP/events?key=${MASK}`],
    ['/get?a=1&access_token=abc&b=2', `/get?a=1&access_token=${MASK}&b=2`],
    ['/api/books?page=2', '/api/books?page=2'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it.each(['password', 'newPassword', 'api_key', 'X-Api-Key', 'instructorKey', 'github_token', 'sid', 'client-secret'])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['title', 'author', 'keywords', 'status', 'username', 'tokenType'])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('fields the redactor does not know by name', () => {
  it('masks a secret seen in a header wherever else it stands in the exchange, new fields included', () => {
    const cookie = `sandbox=demo; sid=${SID}`;
    const withExtra = {
      ...exchange({ headers: [['Cookie', cookie]], raw: `GET / HTTP/1.1\r\nCookie: ${cookie}\r\n\r\n` }, null),
      typedVsSent: [{ name: 'Cookie', sent: cookie.replace(SID, 'abcdefghij-plain-secret'), note: `sent ${SID}` }],
    } as Exchange;
    const { transcript } = redactTranscript(transcriptOf(withExtra), 'the instructor');
    expect(JSON.stringify(transcript)).not.toContain(SID);
  });
});

describe('redactDraft', () => {
  it("empties every credential of a pushed composer draft and keeps the request itself", () => {
    const draft = {
      method: 'POST',
      url: `/app/rooms/KXMP/roster?key=${KEY}&page=2`,
      headers: [
        { id: 'a', name: 'Content-Type', value: 'application/json', enabled: true },
        { id: 'b', name: 'Authorization', value: `Bearer ${TOKEN}`, enabled: true },
        { id: 'c', name: 'Cookie', value: `sid=${SID}`, enabled: false },
      ],
      bodyType: 'json',
      body: '{\n  "username": "ada",\n  "password": "lovelace"\n}',
      form: [{ id: 'd', name: 'password', value: 'hunter22', enabled: true }],
      auth: { kind: 'basic', username: 'ada', password: 'lovelace' },
    };
    const { draft: pushed, left } = redactDraft(draft);
    expect(JSON.stringify(pushed)).not.toMatch(/lovelace|hunter22|kkkkkkkk|t_Zy|s_Ab/);
    expect(pushed).toEqual({
      ...draft,
      url: '/app/rooms/KXMP/roster?key=&page=2',
      headers: [draft.headers[0], { ...draft.headers[1], value: '' }, { ...draft.headers[2], value: '' }],
      body: '{\n  "username": "ada",\n  "password": ""\n}',
      form: [{ ...draft.form[0], value: '' }],
      auth: { kind: 'basic', username: 'ada', password: '' },
    });
    expect(left).toEqual(['the query parameter key', 'the header Authorization', 'the header Cookie', 'the "password" field', 'the form field password', 'the password']);
  });
});
