// The goal checker on its own (no server): each condition holds or fails with a message that says what
// was wrong, the failure names the condition and its place in the goal, and carries the lesson's hint.
import { describe, expect, it } from 'vitest';
import { checkGoal, describeGoal, interimStatuses, validateGoal, type Goal } from '../../server/protocol/lesson-goals';
import type { Exchange, WireHeader } from '../../server/protocol/api-types';

interface Sent {
  method?: string;
  url?: string;
  requestHeaders?: WireHeader[];
  requestBody?: string;
  status?: number | null;
  headers?: WireHeader[];
  body?: string;
  raw?: string;
}

function exchange(s: Sent = {}): Exchange {
  const text = (data: string) => ({ encoding: 'text' as const, data, wireSize: data.length, decodedSize: data.length, truncated: false });
  const status = s.status === undefined ? 200 : s.status;
  return {
    request: { method: s.method ?? 'GET', url: `http://127.0.0.1:3000${s.url ?? '/api/books'}`, raw: '', headers: s.requestHeaders ?? [], body: s.requestBody === undefined ? null : text(s.requestBody) },
    response:
      status === null
        ? null
        : { httpVersion: '1.1', status, reason: '', headers: s.headers ?? [], trailers: [], body: s.body === undefined ? null : text(s.body), raw: s.raw ?? `HTTP/1.1 ${status} X\r\n\r\n` },
    timings: { completeMs: 1 },
    ...(status === null ? { error: { code: 'ECONNRESET', message: 'the server reset the connection' } } : {}),
  };
}

const created = exchange({ method: 'POST', status: 201, headers: [['Location', '/api/books/13']] });

describe('single conditions', () => {
  it.each<[string, Goal, Exchange, string | undefined]>([
    ['status holds', { status: 201 }, created, undefined],
    ['status misses', { status: 201 }, exchange({ status: 415 }), 'the status is 415, not 201'],
    ['status from a list', { status: [200, 303] }, exchange({ status: 303 }), undefined],
    ['status without a response', { status: 200 }, exchange({ status: null }), 'no response came back (the server reset the connection)'],
    ['class holds', { statusClass: 4 }, exchange({ status: 451 }), undefined],
    ['class misses', { statusClass: 2 }, exchange({ status: 404 }), 'the status 404 is not a 2xx'],
    ['method, any case', { method: 'post' }, created, undefined],
    ['method misses', { method: 'PUT' }, created, 'the method is POST, not PUT'],
    ['path holds', { path: '^/api/books/\\d+$' }, exchange({ url: '/api/books/3?x=1' }), undefined],
    ['path misses', { path: '^/api/books$' }, exchange({ url: '/api/bookz' }), 'the request went to /api/bookz'],
    ['query equals', { query: { name: 'page', equals: '2' } }, exchange({ url: '/api/books?page=2' }), undefined],
    ['query missing', { query: { name: 'per_page', exists: true } }, exchange({ url: '/api/books?perpage=5' }), 'the query parameter per_page is missing'],
    ['header, any case of name', { header: { name: 'location', exists: true } }, created, undefined],
    ['header missing', { header: { name: 'ETag', exists: true } }, created, 'the response header ETag is missing'],
    ['header must be absent', { header: { name: 'Location', exists: false } }, created, 'the response header Location should not be there'],
    ['header equals', { header: { name: 'Location', equals: '/api/books/14' } }, created, 'the response header Location is "/api/books/13", not "/api/books/14"'],
    ['header contains, any case', { header: { name: 'Content-Type', contains: 'JSON' } }, exchange({ headers: [['content-type', 'application/json']] }), undefined],
    ['request header', { requestHeader: { name: 'If-None-Match', exists: true } }, exchange(), 'the request header If-None-Match is missing'],
    ['response body', { bodyContains: 'Kindred' }, exchange({ body: '[{"title":"Kindred"}]' }), undefined],
    ['response body misses', { bodyContains: 'Dune' }, exchange({ body: '[]' }), 'the response body does not contain "Dune"'],
    ['request body', { requestBodyContains: '"status"' }, exchange({ requestBody: '{"status":"read"}' }), undefined],
    ['interim 103', { interim: 103 }, exchange({ raw: 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n' }), undefined],
    ['no interim', { interim: 103 }, exchange(), 'no interim response came before the final 200'],
  ])('%s', (_name, goal, sent, message) => {
    const result = checkGoal(goal, [sent]);
    expect(result.passed).toBe(message === undefined);
    expect(result.failures).toEqual(message === undefined ? [] : [message]);
  });

  it('says so when nothing was sent yet', () => {
    expect(checkGoal({ status: 200 }, []).failures).toEqual(['no request has been sent yet']);
  });
});

describe('combining conditions', () => {
  const goal: Goal = {
    all: [{ method: 'POST' }, { status: 201, hint: 'Log in first: 401 means the server does not know you.' }, { header: { name: 'Location', exists: true } }],
  };

  it('names each condition that failed and where it is, with its hint', () => {
    const result = checkGoal(goal, [exchange({ method: 'POST', status: 401 })]);
    expect(result.failed).toEqual([
      { condition: 'status', at: 'goal.all[1]', message: 'the status is 401, not 201', hint: 'Log in first: 401 means the server does not know you.' },
      { condition: 'header', at: 'goal.all[2]', message: 'the response header Location is missing' },
    ]);
  });

  it('passes when every condition of all holds', () => {
    expect(checkGoal(goal, [created]).passed).toBe(true);
  });

  it('gives a hint on all to every condition inside it that has none', () => {
    const result = checkGoal({ all: [{ status: 200 }], hint: 'Ask for the list.' }, [exchange({ status: 404 })]);
    expect(result.failed[0]).toMatchObject({ at: 'goal.all[0]', hint: 'Ask for the list.' });
  });

  it('any holds when one alternative does, and lists every alternative when none does', () => {
    const any: Goal = { any: [{ header: { name: 'Content-Type', contains: 'xml' } }, { header: { name: 'Content-Type', contains: 'yaml' } }] };
    expect(checkGoal(any, [exchange({ headers: [['Content-Type', 'application/yaml']] })]).passed).toBe(true);
    const result = checkGoal(any, [exchange({ headers: [['Content-Type', 'application/json']] })]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ condition: 'any', at: 'goal' });
    expect(result.failed[0]!.message).toMatch(/^none of these held: .*xml.*; or .*yaml/);
  });

  it('earlier looks at the exchanges before the last one only', () => {
    const goal: Goal = { all: [{ status: 304 }, { earlier: { header: { name: 'ETag', exists: true } } }] };
    const first = exchange({ headers: [['ETag', '"v1"']] });
    const second = exchange({ status: 304, headers: [['ETag', '"v1"']] });
    expect(checkGoal(goal, [first, second]).passed).toBe(true);
    expect(checkGoal(goal, [second]).failed).toEqual([{ condition: 'earlier', at: 'goal.all[1]', message: 'no earlier request in this step had the response header ETag' }]);
  });
});

describe('repeated', () => {
  const put = (body: string, etag = '"a"') => exchange({ method: 'PUT', url: '/api/books/1', requestBody: body, body: `{"v":${body}}`, headers: [['ETag', etag]] });
  const post = (location: string) => exchange({ method: 'POST', status: 201, requestBody: '{}', headers: [['Location', location]] });

  it.each<[string, Goal, Exchange[], string | undefined]>([
    ['PUT twice, same state', { repeated: { times: 2, sameBody: true, sameHeader: 'ETag' } }, [put('1'), put('1')], undefined],
    ['only once so far', { repeated: { times: 2 } }, [put('1')], 'send the same request 2 times in a row (so far 1)'],
    ['a different body is a different request', { repeated: { times: 2 } }, [put('1'), put('2')], 'the last request differs from the one before it: send exactly the same request 2 times in a row'],
    ['the state changed', { repeated: { times: 2, sameHeader: 'ETag' } }, [put('1', '"a"'), put('1', '"b"')], 'the ETag header changed: "a", "b"'],
    ['POST twice made two things', { repeated: { times: 2, differentHeader: 'Location' } }, [post('/api/books/13'), post('/api/books/14')], undefined],
    ['POST twice made one thing', { repeated: { times: 2, differentHeader: 'Location' } }, [post('/api/books/13'), post('/api/books/13')], 'the Location header was the same each time (/api/books/13)'],
    [
      'DELETE twice: 204 then 404',
      { repeated: { times: 2, sameStatus: false } },
      [exchange({ method: 'DELETE', status: 204 }), exchange({ method: 'DELETE', status: 404 })],
      undefined,
    ],
    [
      'different statuses when they should agree',
      { repeated: { times: 2 } },
      [exchange({ method: 'DELETE', status: 204 }), exchange({ method: 'DELETE', status: 404 })],
      'the same request got different statuses: 204, 404',
    ],
  ])('%s', (_name, goal, history, message) => {
    expect(checkGoal(goal, history).failures).toEqual(message === undefined ? [] : [message]);
  });
});

describe('reading interim responses from the raw response', () => {
  it.each([
    ['HTTP/1.1 200 OK\r\n\r\n{}', []],
    ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /x\r\n\r\n', [100]],
    ['HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nLink: </b>\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', [103, 103]],
  ])('%j → %j', (raw, codes) => {
    expect(interimStatuses(exchange({ raw }))).toEqual(codes);
  });
});

describe('describing a goal for the player', () => {
  it.each<[Goal, string]>([
    [{ all: [{ status: 201 }, { header: { name: 'Location', exists: true } }] }, 'status 201 and the response header Location'],
    [{ query: { name: 'page', equals: '2' } }, 'the query parameter page: 2'],
    [{ repeated: { times: 2 } }, 'the same request sent 2 times in a row'],
  ])('%j', (goal, words) => {
    expect(describeGoal(goal)).toBe(words);
  });
});

describe('validating a goal written by an instructor', () => {
  it.each<[string, unknown, RegExp]>([
    ['an unknown condition', { stauts: 200 }, /goal has "stauts", which is not a condition/],
    ['two conditions side by side', { status: 200, method: 'GET' }, /must have exactly one condition, but has status and method.*all:/],
    ['only a hint', { hint: 'Try again, please.' }, /exactly one condition, but has none/],
    ['a broken regular expression', { all: [{ path: '^/api/(books' }] }, /goal\.all\[0\]\.path is not a valid regular expression/],
    ['an empty all', { all: [] }, /goal\.all must list at least one condition/],
    ['too many repetitions', { repeated: { times: 50 } }, /repeated\.times must be from 2 to 5/],
    ['a code that does not exist', { status: 999 }, /status must be a code from 100 to 599/],
    ['nesting that nobody can read', { earlier: { earlier: { earlier: { earlier: { earlier: { earlier: { earlier: { status: 200 } } } } } } } }, /more than 6 deep/],
  ])('finds %s', (_name, goal, problem) => {
    expect(validateGoal(goal).join(' ')).toMatch(problem);
  });

  it('accepts a well-formed goal', () => {
    expect(validateGoal({ all: [{ status: 201, hint: 'Log in first.' }, { earlier: { status: 201 } }] })).toEqual([]);
  });
});

describe('references to earlier responses ({{response.Name}})', () => {
  const ownBook: Goal = { all: [{ method: 'GET' }, { path: '^{{response.Location}}$' }, { status: 200 }] };
  const readBack = (url: string) => exchange({ url, status: 200 });

  it.each<[string, Exchange[], Exchange[], boolean]>([
    ['the book created in this step', [created, readBack('/api/books/13')], [], true],
    ['the book created in the step before', [readBack('/api/books/13')], [created], true],
    ['a seed book instead of the one created', [readBack('/api/books/1')], [created], false],
    ['a longer path that starts the same', [readBack('/api/books/130')], [created], false],
  ])('a path pinned to the Location: %s', (_name, history, before, passes) => {
    expect(checkGoal(ownBook, history, before).passed).toBe(passes);
  });

  it('says what was expected when the path differs, and what is missing when nothing gave a Location', () => {
    expect(checkGoal(ownBook, [readBack('/api/books/1')], [created]).failures).toEqual(['the request went to /api/books/1, not to /api/books/13']);
    expect(checkGoal(ownBook, [readBack('/api/books/1')]).failures[0]).toMatch(/no earlier response had a Location header/);
  });

  it('takes the path of an absolute Location, and the latest response that had the header', () => {
    const absolute = exchange({ method: 'POST', status: 201, headers: [['Location', 'http://127.0.0.1:3000/api/books/14']] });
    expect(checkGoal(ownBook, [created, absolute, readBack('/api/books/14')]).passed).toBe(true);
    expect(checkGoal(ownBook, [absolute, created, readBack('/api/books/14')]).passed).toBe(false);
  });

  it('compares a request header with an earlier ETag, so only the real tag revalidates', () => {
    const goal: Goal = { requestHeader: { name: 'If-None-Match', equals: '{{response.ETag}}' } };
    const read = exchange({ headers: [['ETag', '"v7"']] });
    const withTag = (tag: string) => exchange({ requestHeaders: [['If-None-Match', tag]], status: 304 });
    expect(checkGoal(goal, [read, withTag('"v7"')]).passed).toBe(true);
    expect(checkGoal(goal, [read, withTag('"v6"')]).failures).toEqual(['the request header If-None-Match is ""v6"", not ""v7""']);
  });

  it('reads references out loud in descriptions, and accepts them in a valid path', () => {
    expect(describeGoal(ownBook)).toBe('the method GET and the URL in the Location you got and status 200');
    expect(describeGoal({ header: { name: 'ETag', equals: '{{response.ETag}}' } })).toBe('the response header ETag: the ETag you got');
    expect(validateGoal({ path: '^{{response.Location}}$' })).toEqual([]);
  });
});

describe('connectionError', () => {
  const broken = (code: string) => ({ ...exchange({ status: null }), error: { code, message: 'the server reset the connection' } });
  it.each<[string, Goal, Exchange, string | undefined]>([
    ['any error', { connectionError: '*' }, broken('UND_ERR_SOCKET'), undefined],
    ['the named error', { connectionError: 'ECONNRESET' }, broken('ECONNRESET'), undefined],
    ['another error', { connectionError: 'ECONNRESET' }, broken('UND_ERR_SOCKET'), 'the connection ended with UND_ERR_SOCKET, not ECONNRESET'],
    ['a response', { connectionError: '*' }, exchange({ status: 502 }), 'a complete response came back (502): the connection did not break'],
  ])('%s', (_name, goal, sent, message) => {
    expect(checkGoal(goal, [sent]).failures).toEqual(message ? [message] : []);
  });
});

describe('references to fields of an earlier JSON body ({{response.body.field}})', () => {
  const issued = exchange({ method: 'POST', status: 201, body: '{"token": "t_abc", "expiresIn": 3600}' });
  const goal: Goal = { requestHeader: { name: 'Authorization', equals: 'Bearer {{response.body.token}}' } };
  const using = (value: string) => exchange({ requestHeaders: [['Authorization', value]] });

  it.each<[string, Exchange[], boolean]>([
    ['the token that was issued', [issued, using('Bearer t_abc')], true],
    ['another token', [issued, using('Bearer t_old')], false],
  ])('%s', (_name, history, passes) => {
    expect(checkGoal(goal, history).passed).toBe(passes);
  });

  it('says what is missing when no body had the field', () => {
    expect(checkGoal(goal, [using('Bearer t_abc')]).failures[0]).toMatch(/no earlier response had a "token" field in its body/);
    expect(describeGoal(goal)).toBe('the request header Authorization: Bearer the token you got');
  });
});
