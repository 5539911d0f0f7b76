// /status/:codes: a learner asks for any status, or a weighted random one, to see how clients react. What
// a real server sends along with some statuses is in one table.
import { HttpProblem } from '../http/problem';
import { ALL_METHODS, endpoint, type EchoRoute } from './endpoint';
import { STATUS_RETRY_AFTER_SECONDS } from './limits';
import { sendJson } from './reply';

interface StatusExtras {
  /** Header fields a real answer with this status carries. */
  headers?: Readonly<Record<string, string>>;
  /** A body of its own; 'none' where the status forbids one (RFC 9110 §15.3.5, §15.4.5). */
  body?: 'none' | { type: string; text: string };
}

/**
 * What /status/:code adds, by code, or by class ("3xx") when the code has no row of its own. A 1xx is not
 * in the table: it cannot be a final answer, so the endpoint explains that instead.
 */
export const STATUS_SPECIAL_CASES: Readonly<Record<string, StatusExtras>> = {
  // A redirect names where to go (RFC 9110 §10.2.2); 304 is not a redirect and has no body.
  '3xx': { headers: { location: '/redirect/1' } },
  204: { body: 'none' },
  304: { body: 'none' },
  // The challenge that says how to authenticate (RFC 9110 §11.6.1, §11.7.1).
  401: { headers: { 'www-authenticate': 'Basic realm="Fake Realm"' } },
  407: { headers: { 'proxy-authenticate': 'Basic realm="Fake Realm"' } },
  418: { body: { type: 'text/plain; charset=utf-8', text: "I'm a teapot: I refuse to brew coffee (RFC 2324).\n" } },
  // Retry-After tells the client how long to wait before asking again (RFC 9110 §10.2.3, RFC 6585 §4).
  429: { headers: { 'retry-after': String(STATUS_RETRY_AFTER_SECONDS) } },
  503: { headers: { 'retry-after': String(STATUS_RETRY_AFTER_SECONDS) } },
};

/** Picks a code from "200", "200,404" or "200:0.9,500:0.1" (weights), with a random number in [0,1). */
export function pickStatus(spec: string, random = Math.random()): number {
  const choices = spec.split(',').map((entry) => {
    const [code = '', weight = '1'] = entry.split(':');
    const status = Number(code);
    const w = Number(weight);
    if (!/^\d{3}$/.test(code) || status < 100 || status > 599 || !Number.isFinite(w) || w < 0) {
      throw new HttpProblem('invalid-path', `"${entry.slice(0, 20)}" is not a status code between 100 and 599 (with an optional :weight). Try /status/404 or /status/200:0.9,500:0.1.`);
    }
    return { status, weight: w };
  });
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  if (total <= 0) return choices[0]!.status;
  let point = random * total;
  for (const choice of choices) {
    point -= choice.weight;
    if (point < 0) return choice.status;
  }
  return choices.at(-1)!.status;
}

export const STATUS_CODES: readonly EchoRoute[] = [
  endpoint(
    { path: '/status/:codes', methods: ALL_METHODS, group: 'status codes', description: 'Answers with the given status, or one picked from a weighted list.', teaches: 'What each status code looks like to a client.', samples: ['/status/418', '/status/200:0.8,500:0.2'] },
    (request, reply) => {
      const status = pickStatus(request.params.codes ?? '');
      if (status < 200) {
        // An interim response alone would leave the client waiting; answer with a final one that says so.
        return sendJson(reply.code(200), { status, note: `${status} is an informational (1xx) status: it comes before a final response and cannot be the final answer itself. See /info/103 for a real interim response.` });
      }
      const extras = STATUS_SPECIAL_CASES[status] ?? STATUS_SPECIAL_CASES[`${Math.floor(status / 100)}xx`] ?? {};
      reply.code(status);
      if (extras.headers) reply.headers(extras.headers);
      if (extras.body === 'none') return reply.send();
      if (extras.body) return reply.type(extras.body.type).send(extras.body.text);
      return reply.send('');
    },
  ),
];
