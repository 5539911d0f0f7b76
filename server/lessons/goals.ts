// Lesson goals: small declarative data (no code in lesson files), checked against the real exchanges a
// learner sent during a step. Pure — the client runs it in the browser, lessons:check runs it in Node.
import type { Exchange, WireHeader } from '../protocol';

/** A header test: present, absent, equal to a value, or containing text (names are case-insensitive). */
export interface HeaderTest {
  name: string;
  exists?: boolean;
  equals?: string;
  contains?: string;
}

export type Goal =
  | { all: Goal[] }
  | { any: Goal[] }
  /** Final status is one of these. */
  | { status: number | number[] }
  /** Final status is in this class (2 for 2xx…). */
  | { statusClass: number }
  | { method: string }
  /** The request path (without the query) matches this regular expression. */
  | { path: string }
  /** A response header. */
  | { header: HeaderTest }
  /** A request header, as it went on the wire. */
  | { requestHeader: HeaderTest }
  /** The response body contains this text. */
  | { bodyContains: string }
  /** The last `times` exchanges were the same request and got the same status (and body, when asked). */
  | { repeated: { times: number; sameBody?: boolean } }
  /** Some earlier exchange in this step matched the goal. */
  | { earlier: Goal };

export interface GoalResult {
  passed: boolean;
  /** What did not hold, in plain words (empty when passed). */
  failures: string[];
}

function find(headers: readonly WireHeader[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

function headerCheck(headers: readonly WireHeader[], test: HeaderTest, where: string): string | undefined {
  const value = find(headers, test.name);
  if (test.exists === false) return value === undefined ? undefined : `the ${where} should not have a ${test.name} header`;
  if (value === undefined) return `the ${where} has no ${test.name} header`;
  if (test.equals !== undefined && value !== test.equals) return `the ${where}'s ${test.name} is "${value}", not "${test.equals}"`;
  if (test.contains !== undefined && !value.toLowerCase().includes(test.contains.toLowerCase())) {
    return `the ${where}'s ${test.name} ("${value}") does not contain "${test.contains}"`;
  }
  return undefined;
}

function pathOf(exchange: Exchange): string {
  try {
    return new URL(exchange.request.url).pathname;
  } catch {
    return exchange.request.url;
  }
}

function evaluate(goal: Goal, history: readonly Exchange[]): string[] {
  const last = history.at(-1);
  if (!last) return ['no request has been sent yet'];
  const status = last.response?.status;
  if ('all' in goal) return goal.all.flatMap((g) => evaluate(g, history));
  if ('any' in goal) {
    const results = goal.any.map((g) => evaluate(g, history));
    return results.some((r) => r.length === 0) ? [] : [`none of these held: ${results.map((r) => r.join(' and ')).join('; or ')}`];
  }
  if ('status' in goal) {
    const wanted = Array.isArray(goal.status) ? goal.status : [goal.status];
    if (status === undefined) return [`no response came back (${last.error?.message ?? 'the request failed'})`];
    return wanted.includes(status) ? [] : [`the status is ${status}, not ${wanted.join(' or ')}`];
  }
  if ('statusClass' in goal) {
    if (status === undefined) return ['no response came back'];
    return Math.floor(status / 100) === goal.statusClass ? [] : [`the status ${status} is not a ${goal.statusClass}xx`];
  }
  if ('method' in goal) return last.request.method.toUpperCase() === goal.method.toUpperCase() ? [] : [`the method is ${last.request.method}, not ${goal.method}`];
  if ('path' in goal) return new RegExp(goal.path).test(pathOf(last)) ? [] : [`the request went to ${pathOf(last)}`];
  if ('header' in goal) {
    if (!last.response) return ['no response came back'];
    const failure = headerCheck(last.response.headers, goal.header, 'response');
    return failure ? [failure] : [];
  }
  if ('requestHeader' in goal) {
    const failure = headerCheck(last.request.headers, goal.requestHeader, 'request');
    return failure ? [failure] : [];
  }
  if ('bodyContains' in goal) {
    const body = last.response?.body?.encoding === 'text' ? last.response.body.data : '';
    return body.includes(goal.bodyContains) ? [] : [`the response body does not contain "${goal.bodyContains}"`];
  }
  if ('repeated' in goal) {
    const recent = history.slice(-goal.repeated.times);
    if (recent.length < goal.repeated.times) return [`send the same request ${goal.repeated.times} times (so far ${recent.length})`];
    const key = (e: Exchange) => `${e.request.method} ${e.request.url}`;
    if (new Set(recent.map(key)).size > 1) return [`the last ${goal.repeated.times} requests were not the same request`];
    if (new Set(recent.map((e) => e.response?.status)).size > 1) return [`the same request got different statuses: ${recent.map((e) => e.response?.status ?? '–').join(', ')}`];
    if (goal.repeated.sameBody && new Set(recent.map((e) => e.response?.body?.data ?? '')).size > 1) return ['the same request got different bodies'];
    return [];
  }
  if ('earlier' in goal) {
    for (let i = history.length - 1; i > 0; i -= 1) {
      if (evaluate(goal.earlier, history.slice(0, i)).length === 0) return [];
    }
    return ['an earlier step of the exercise is missing'];
  }
  return ['the goal is not one this version understands'];
}

/** Checks a goal against the exchanges of a step (oldest first; the last one is the one just sent). */
export function checkGoal(goal: Goal, history: readonly Exchange[]): GoalResult {
  const failures = evaluate(goal, history);
  return { passed: failures.length === 0, failures };
}
