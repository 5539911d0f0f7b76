// Lesson goals: small declarative data (no code in lesson files), checked against the real exchanges a
// learner sent during a step. Pure (no Node APIs) — the client runs it in the browser, lessons:check in
// Node. A result names each condition that did not hold, where it sits in the goal, and the hint the
// lesson gave for it, so the player can show the right hint rather than the next one in line.
import type { Exchange, WireHeader } from './api-types';

/**
 * A test on a named header or query parameter: present, absent, equal to a value, or containing text.
 * `{{response.Name}}` in `equals` or `contains` stands for the header Name of the latest earlier response
 * that had one (an ETag to send back, a Location to follow), so a goal can pin the learner's own resource.
 */
export interface FieldTest {
  name: string;
  exists?: boolean;
  equals?: string;
  contains?: string;
}

/** Sending the same request several times in a row, and what must (not) change between the answers. */
export interface RepeatedTest {
  /** How many identical requests in a row (same method, URL and body), at least 2. */
  times: number;
  /** The answers all have the same status (default true; false when the status must change, as DELETE twice). */
  sameStatus?: boolean;
  /** The answers all have the same body. */
  sameBody?: boolean;
  /** This response header is the same in every answer (an ETag: the state did not change). */
  sameHeader?: string;
  /** This response header is present and different in every answer (a Location: each made something new). */
  differentHeader?: string;
}

/** One condition on the exchanges; `all`, `any` and `earlier` combine others. */
export type Condition =
  /** Every one of these holds. */
  | { all: Goal[] }
  /** At least one of these holds. */
  | { any: Goal[] }
  /** The final status is this code or one of these codes. */
  | { status: number | number[] }
  /** The final status is in this class (2 for 2xx…). */
  | { statusClass: number }
  /** The request's method (case-insensitive). */
  | { method: string }
  /** The request path (without the query) matches this regular expression; `{{response.Location}}` in it stands for the path of an earlier response's Location. */
  | { path: string }
  /** A query parameter of the request URL. */
  | { query: FieldTest }
  /** A response header (names are case-insensitive). */
  | { header: FieldTest }
  /** A request header, as it went on the wire (including the ones the client added, such as Cookie). */
  | { requestHeader: FieldTest }
  /** The response body contains this text (case-sensitive). */
  | { bodyContains: string }
  /** The request body contains this text (case-sensitive). */
  | { requestBodyContains: string }
  /** An interim (1xx) response with this code came before the final one, such as 103 Early Hints. */
  | { interim: number }
  /** No complete response came back, and the error code is this one (ECONNRESET, UND_ERR_SOCKET…), or "*" for any. */
  | { connectionError: string }
  /** The last `times` requests were the same request, and their answers compare as asked. */
  | { repeated: RepeatedTest }
  /** Some earlier exchange of this step (before the last one) met this goal. */
  | { earlier: Goal };

/** A goal is one condition, with an optional hint shown when that condition is the one that failed. */
export type Goal = Condition & { hint?: string };

export const CONDITION_KINDS = [
  'all',
  'any',
  'status',
  'statusClass',
  'method',
  'path',
  'query',
  'header',
  'requestHeader',
  'bodyContains',
  'requestBodyContains',
  'interim',
  'connectionError',
  'repeated',
  'earlier',
] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/** Deepest nesting of all/any/earlier a goal may use (goals are meant to be read by people). */
export const MAX_GOAL_DEPTH = 6;
/** Most conditions in one goal. */
export const MAX_GOAL_CONDITIONS = 30;
/** Most repetitions a `repeated` goal may ask for: the player keeps the last 10 exchanges of a step. */
export const MAX_REPEATED_TIMES = 5;

export interface GoalFailure {
  /** The kind of condition that did not hold. */
  condition: ConditionKind;
  /** Where it sits in the goal: "goal", "goal.all[2]", "goal.all[0].earlier"… */
  at: string;
  /** What did not hold, in plain words ("the status is 415, not 201"). */
  message: string;
  /** The lesson's hint for this condition (or for the nearest enclosing one that has a hint). */
  hint?: string;
}

export interface GoalResult {
  passed: boolean;
  /** Each condition that did not hold, in goal order (empty when passed). */
  failed: GoalFailure[];
  /** The same, as messages only. */
  failures: string[];
}

function kindOf(goal: Goal): ConditionKind | undefined {
  return CONDITION_KINDS.find((kind) => kind in goal);
}

function findHeader(headers: readonly WireHeader[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

function parseUrl(exchange: Exchange): URL | undefined {
  try {
    return new URL(exchange.request.url, 'http://sandbox.invalid');
  } catch {
    return undefined;
  }
}

function pathOf(exchange: Exchange): string {
  return parseUrl(exchange)?.pathname ?? exchange.request.url;
}

/**
 * `{{response.Name}}`: the header Name of the latest response that had one; `{{response.body.field}}`: the
 * top-level field of the latest JSON response body that had it (a token, an inbox URL). In goals and in
 * check requests.
 */
export const RESPONSE_REFERENCE = /\{\{\s*response\.((?:body\.)?[A-Za-z0-9_-]+)\s*\}\}/g;

/** A top-level string or number field of a JSON body, as text. */
export function bodyField(body: { encoding: string; data: string } | null | undefined, field: string): string | undefined {
  if (body?.encoding !== 'text' || !body.data.trimStart().startsWith('{')) return undefined;
  try {
    const value = (JSON.parse(body.data) as Record<string, unknown>)[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Looks up a response header among the exchanges that came before the one being checked (latest first). */
type Lookup = (headerName: string) => string | undefined;

function lookupIn(exchanges: readonly Exchange[]): Lookup {
  return (name) => {
    for (let i = exchanges.length - 1; i >= 0; i -= 1) {
      const response = exchanges[i]!.response;
      const value = name.startsWith('body.') ? bodyField(response?.body, name.slice('body.'.length)) : findHeader(response?.headers ?? [], name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

class MissingReference extends Error {
  constructor(readonly headerName: string) {
    super(
      headerName.startsWith('body.')
        ? `no earlier response had a "${headerName.slice(5)}" field in its body to compare with (send the request that gives it first)`
        : `no earlier response had a ${headerName} header to compare with (send the request that gives it first)`,
    );
  }
}

/** Replaces each `{{response.Name}}` in text, through `map` (escaping for a regular expression, say). */
function resolve(text: string, lookup: Lookup, map: (value: string, name: string) => string = (v) => v): string {
  return text.replace(RESPONSE_REFERENCE, (_all, name: string) => {
    const value = lookup(name);
    if (value === undefined) throw new MissingReference(name);
    return map(value, name);
  });
}

/** A Location (or any URL) as the path a goal compares with, escaped for a regular expression. */
function pathPattern(value: string, name: string): string {
  let path = value;
  if (name.toLowerCase() === 'location' || value.startsWith('/') || /^https?:/i.test(value)) {
    try {
      path = new URL(value, 'http://sandbox.invalid').pathname;
    } catch {
      path = value;
    }
  }
  return path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fieldCheck(value: string | undefined, test: FieldTest, what: string, lookup: Lookup): string | undefined {
  if (test.exists === false) return value === undefined ? undefined : `${what} should not be there`;
  if (value === undefined) return `${what} is missing`;
  const equals = test.equals === undefined ? undefined : resolve(test.equals, lookup);
  const contains = test.contains === undefined ? undefined : resolve(test.contains, lookup);
  if (equals !== undefined && value !== equals) return `${what} is "${value}", not "${equals}"`;
  if (contains !== undefined && !value.toLowerCase().includes(contains.toLowerCase())) {
    return `${what} ("${value}") does not contain "${contains}"`;
  }
  return undefined;
}

function bodyText(body: { encoding: string; data: string } | null | undefined): string {
  return body?.encoding === 'text' ? body.data : '';
}

/** Interim (1xx) status codes that came before the final response, read from the raw response. */
export function interimStatuses(exchange: Exchange): number[] {
  const raw = exchange.response?.raw ?? '';
  const codes: number[] = [];
  // Each interim response is a status line and headers up to an empty line; the final one follows.
  const pattern = /^HTTP\/\d(?:\.\d)? (1\d\d)[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n/;
  let rest = raw;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    codes.push(Number(match[1]));
    rest = rest.slice(match[0].length);
  }
  return codes;
}

/** "{{response.ETag}}" as a reader would say it. */
function spoken(text: string): string {
  return text.replace(RESPONSE_REFERENCE, (_all, name: string) => `the ${name.replace(/^body\./, '')} you got`);
}

/** The goal in a few plain words ("status 201 and a Location response header"), for the player and messages. */
export function describeGoal(goal: Goal): string {
  return spoken(describeCondition(goal));
}

function describeCondition(goal: Goal): string {
  if ('all' in goal) return goal.all.map(describeCondition).join(' and ');
  if ('any' in goal) return `either ${goal.any.map(describeCondition).join(', or ')}`;
  if ('status' in goal) return `status ${Array.isArray(goal.status) ? goal.status.join(' or ') : goal.status}`;
  if ('statusClass' in goal) return `a ${goal.statusClass}xx status`;
  if ('method' in goal) return `the method ${goal.method.toUpperCase()}`;
  if ('path' in goal) return /^\^\{\{\s*response\.Location\s*\}\}\$$/.test(goal.path) ? 'the URL in the Location you got' : `a path matching ${goal.path}`;
  if ('query' in goal) return describeField(goal.query, 'query parameter');
  if ('header' in goal) return describeField(goal.header, 'response header');
  if ('requestHeader' in goal) return describeField(goal.requestHeader, 'request header');
  if ('bodyContains' in goal) return `a response body containing "${goal.bodyContains}"`;
  if ('requestBodyContains' in goal) return `a request body containing "${goal.requestBodyContains}"`;
  if ('interim' in goal) return `an interim ${goal.interim} response before the final one`;
  if ('connectionError' in goal) return goal.connectionError === '*' ? 'a connection that ends without a response' : `a connection that ends without a response (${goal.connectionError})`;
  if ('repeated' in goal) return `the same request sent ${goal.repeated.times} times in a row`;
  if ('earlier' in goal) return `an earlier request with ${describeCondition(goal.earlier)}`;
  return 'a goal this version does not know';
}

function describeField(test: FieldTest, what: string): string {
  if (test.exists === false) return `no ${what} ${test.name}`;
  if (test.equals !== undefined) return `the ${what} ${test.name}: ${test.equals}`;
  if (test.contains !== undefined) return `the ${what} ${test.name} containing "${test.contains}"`;
  return `the ${what} ${test.name}`;
}

function repeatedFailure(test: RepeatedTest, history: readonly Exchange[]): string | undefined {
  const key = (e: Exchange) => `${e.request.method.toUpperCase()} ${e.request.url}\n${e.request.body?.data ?? ''}`;
  const last = history.at(-1)!;
  let run = 0;
  for (let i = history.length - 1; i >= 0 && key(history[i]!) === key(last); i -= 1) run += 1;
  if (run < test.times) {
    return run === 1 && history.length > 1
      ? `the last request differs from the one before it: send exactly the same request ${test.times} times in a row`
      : `send the same request ${test.times} times in a row (so far ${run})`;
  }
  const recent = history.slice(-test.times);
  const statuses = recent.map((e) => e.response?.status ?? '–');
  const distinctStatuses = new Set(statuses).size;
  if ((test.sameStatus ?? true) && distinctStatuses > 1) return `the same request got different statuses: ${statuses.join(', ')}`;
  if (test.sameStatus === false && distinctStatuses === 1) return `every answer had the same status (${statuses[0]})`;
  if (test.sameBody && new Set(recent.map((e) => bodyText(e.response?.body))).size > 1) return 'the same request got different bodies';
  if (test.sameHeader) {
    const values = recent.map((e) => findHeader(e.response?.headers ?? [], test.sameHeader!));
    if (values.some((v) => v === undefined)) return `an answer has no ${test.sameHeader} header`;
    if (new Set(values).size > 1) return `the ${test.sameHeader} header changed: ${values.join(', ')}`;
  }
  if (test.differentHeader) {
    const values = recent.map((e) => findHeader(e.response?.headers ?? [], test.differentHeader!));
    if (values.some((v) => v === undefined)) return `an answer has no ${test.differentHeader} header`;
    if (new Set(values).size < values.length) return `the ${test.differentHeader} header was the same each time (${values[0]})`;
  }
  return undefined;
}

/** The message when a single condition fails on the last exchange, or undefined when it holds. */
function leafFailure(goal: Goal, history: readonly Exchange[], before: readonly Exchange[]): string | undefined {
  const last = history.at(-1)!;
  const lookup = lookupIn([...before, ...history.slice(0, -1)]);
  try {
    return leafMessage(goal, history, last, lookup);
  } catch (error) {
    if (error instanceof MissingReference) return error.message;
    throw error;
  }
}

function leafMessage(goal: Goal, history: readonly Exchange[], last: Exchange, lookup: Lookup): string | undefined {
  const response = last.response;
  const noResponse = `no response came back (${last.error?.message ?? 'the request failed'})`;
  if ('status' in goal) {
    const wanted = Array.isArray(goal.status) ? goal.status : [goal.status];
    if (!response) return noResponse;
    return wanted.includes(response.status) ? undefined : `the status is ${response.status}, not ${wanted.join(' or ')}`;
  }
  if ('statusClass' in goal) {
    if (!response) return noResponse;
    return Math.floor(response.status / 100) === goal.statusClass ? undefined : `the status ${response.status} is not a ${goal.statusClass}xx`;
  }
  if ('method' in goal) {
    return last.request.method.toUpperCase() === goal.method.toUpperCase() ? undefined : `the method is ${last.request.method}, not ${goal.method.toUpperCase()}`;
  }
  if ('path' in goal) {
    const pattern = resolve(goal.path, lookup, pathPattern);
    if (new RegExp(pattern).test(pathOf(last))) return undefined;
    return goal.path.includes('{{') ? `the request went to ${pathOf(last)}, not to ${pattern.replaceAll('\\', '').replace(/^\^|\$$/g, '')}` : `the request went to ${pathOf(last)}`;
  }
  if ('query' in goal) {
    const params = parseUrl(last)?.searchParams;
    return fieldCheck(params?.has(goal.query.name) ? (params.get(goal.query.name) ?? '') : undefined, goal.query, `the query parameter ${goal.query.name}`, lookup);
  }
  if ('header' in goal) {
    if (!response) return noResponse;
    return fieldCheck(findHeader(response.headers, goal.header.name), goal.header, `the response header ${goal.header.name}`, lookup);
  }
  if ('requestHeader' in goal) {
    return fieldCheck(findHeader(last.request.headers, goal.requestHeader.name), goal.requestHeader, `the request header ${goal.requestHeader.name}`, lookup);
  }
  if ('bodyContains' in goal) {
    if (!response) return noResponse;
    return bodyText(response.body).includes(goal.bodyContains) ? undefined : `the response body does not contain "${goal.bodyContains}"`;
  }
  if ('requestBodyContains' in goal) {
    return bodyText(last.request.body).includes(goal.requestBodyContains) ? undefined : `the request body does not contain "${goal.requestBodyContains}"`;
  }
  if ('interim' in goal) {
    if (!response) return noResponse;
    const seen = interimStatuses(last);
    if (seen.includes(goal.interim)) return undefined;
    return seen.length === 0 ? `no interim response came before the final ${response.status}` : `the interim responses were ${seen.join(', ')}, not ${goal.interim}`;
  }
  if ('connectionError' in goal) {
    if (response) return `a complete response came back (${response.status}): the connection did not break`;
    const code = last.error?.code ?? 'unknown';
    return goal.connectionError === '*' || code === goal.connectionError ? undefined : `the connection ended with ${code}, not ${goal.connectionError}`;
  }
  if ('repeated' in goal) return repeatedFailure(goal.repeated, history);
  return 'the goal is not one this version understands';
}

function evaluate(goal: Goal, history: readonly Exchange[], before: readonly Exchange[], at: string, hint: string | undefined): GoalFailure[] {
  const ownHint = goal.hint ?? hint;
  const condition = kindOf(goal);
  const fail = (message: string): GoalFailure[] => [{ condition: condition ?? 'all', at, message, ...(ownHint ? { hint: ownHint } : {}) }];
  if ('all' in goal) return goal.all.flatMap((g, i) => evaluate(g, history, before, `${at}.all[${i}]`, ownHint));
  if ('any' in goal) {
    const results = goal.any.map((g, i) => evaluate(g, history, before, `${at}.any[${i}]`, ownHint));
    if (results.some((r) => r.length === 0)) return [];
    const firstHint = ownHint ?? results.flat().find((f) => f.hint)?.hint;
    return [{ condition: 'any', at, message: `none of these held: ${results.map((r) => r.map((f) => f.message).join(' and ')).join('; or ')}`, ...(firstHint ? { hint: firstHint } : {}) }];
  }
  if ('earlier' in goal) {
    for (let end = history.length - 1; end > 0; end -= 1) {
      if (evaluate(goal.earlier, history.slice(0, end), before, `${at}.earlier`, ownHint).length === 0) return [];
    }
    return fail(`no earlier request in this step had ${describeGoal(goal.earlier)}`);
  }
  const message = leafFailure(goal, history, before);
  return message === undefined ? [] : fail(message);
}

/**
 * Checks a goal against the exchanges of a step (oldest first; the last one is the one just sent).
 * `before` holds exchanges from before the step began (the previous step's), only to resolve
 * `{{response.Name}}` references, such as the Location of the book created one step earlier.
 */
export function checkGoal(goal: Goal, history: readonly Exchange[], before: readonly Exchange[] = []): GoalResult {
  const failed: GoalFailure[] =
    history.length === 0 ? [{ condition: kindOf(goal) ?? 'all', at: 'goal', message: 'no request has been sent yet' }] : evaluate(goal, history, before, 'goal', undefined);
  return { passed: failed.length === 0, failed, failures: failed.map((f) => f.message) };
}

/** Problems with a goal as data (unknown or several conditions, a bad regular expression…), named by place. */
export function validateGoal(goal: unknown, at = 'goal'): string[] {
  const problems: string[] = [];
  let conditions = 0;
  const visit = (node: unknown, where: string, depth: number): void => {
    conditions += 1;
    if (depth > MAX_GOAL_DEPTH) {
      problems.push(`${where} nests all/any/earlier more than ${MAX_GOAL_DEPTH} deep; split the step instead.`);
      return;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push(`${where} must be an object with one condition, such as { status: 200 }.`);
      return;
    }
    const keys = Object.keys(node).filter((k) => k !== 'hint');
    const unknown = keys.filter((k) => !(CONDITION_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0) problems.push(`${where} has ${unknown.map((k) => `"${k}"`).join(', ')}, which is not a condition. Known conditions: ${CONDITION_KINDS.join(', ')}.`);
    const known = keys.filter((k) => (CONDITION_KINDS as readonly string[]).includes(k));
    if (known.length !== 1 && unknown.length === 0) {
      problems.push(`${where} must have exactly one condition, but has ${known.length === 0 ? 'none' : known.join(' and ')}. Combine several with all: [ … ].`);
    }
    const g = node as Record<string, unknown>;
    if ('hint' in g && (typeof g.hint !== 'string' || g.hint.trim().length < 5)) problems.push(`${where}.hint must be a sentence for the learner.`);
    for (const kind of ['all', 'any'] as const) {
      if (kind in g) {
        if (!Array.isArray(g[kind]) || g[kind].length === 0) problems.push(`${where}.${kind} must list at least one condition.`);
        else (g[kind] as unknown[]).forEach((child, i) => visit(child, `${where}.${kind}[${i}]`, depth + 1));
      }
    }
    if ('earlier' in g) visit(g.earlier, `${where}.earlier`, depth + 1);
    if ('path' in g) {
      try {
        new RegExp(String(g.path).replace(RESPONSE_REFERENCE, 'x'));
      } catch (error) {
        problems.push(`${where}.path is not a valid regular expression: ${(error as Error).message}`);
      }
    }
    if ('status' in g) {
      const codes = Array.isArray(g.status) ? g.status : [g.status];
      if (codes.length === 0 || codes.some((c) => !Number.isInteger(c) || (c as number) < 100 || (c as number) > 599)) problems.push(`${where}.status must be a code from 100 to 599, or a list of them.`);
    }
    if ('repeated' in g) {
      const times = (g.repeated as RepeatedTest | undefined)?.times;
      if (!Number.isInteger(times) || times! < 2 || times! > MAX_REPEATED_TIMES) problems.push(`${where}.repeated.times must be from 2 to ${MAX_REPEATED_TIMES}.`);
    }
  };
  visit(goal, at, 0);
  if (conditions > MAX_GOAL_CONDITIONS) problems.push(`${at} has ${conditions} conditions; at most ${MAX_GOAL_CONDITIONS} are allowed. Split the step into smaller ones.`);
  return problems;
}
