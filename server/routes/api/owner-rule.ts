// The owner rule of the toy API: only the user who created a book or a category may change or delete it.
// Authentication (401) comes first; this is authorisation (403, RFC 9110 §15.5.4): the server knows who
// is asking, and the answer is no. The Server X-ray shows the rule as one authorization step.
import { HttpProblem } from '../../http/problem';
import type { SandboxData, UserRecord } from '../../store/types';
import { traceStep } from '../../trace/tracer';

export interface Owned {
  id: number;
  ownerId: number;
}

/** Passes when `user` owns the item; otherwise 403 with a problem body naming the owner and you. */
export async function checkOwner(kind: 'book' | 'category', item: Owned, user: UserRecord, data: SandboxData, action: string, yours: string): Promise<void> {
  const rule = `Only a ${kind}'s owner may ${action} it`;
  const ruleId = 'only-owner-may-change';
  if (item.ownerId === user.id) {
    traceStep({ stage: 'authorization', title: `${rule}: ${kind} ${item.id} is yours`, outcome: 'pass', facts: { rule: ruleId, [kind]: item.id, owner: user.username, you: user.username }, learn: { kind: 'status', id: '403' } });
    return;
  }
  const owner = (await data.users.get(item.ownerId))?.username ?? `user ${item.ownerId}`;
  traceStep({
    stage: 'authorization',
    title: `${rule}: ${kind} ${item.id} belongs to ${owner}, you are ${user.username}`,
    outcome: 'refused',
    why: `The server knows who you are (authentication passed), and the owner rule says no: 403 Forbidden, not 401.`,
    facts: { rule: ruleId, [kind]: item.id, owner, you: user.username },
    learn: { kind: 'status', id: '403' },
  });
  throw new HttpProblem(
    'forbidden',
    `You are logged in as ${user.username}, but ${kind} ${item.id} belongs to ${owner}, and only a ${kind}'s owner may ${action} it. This is a 403, not a 401: the server knows who you are, and the answer is no. ${yours}`,
    { extra: { rule: ruleId, owner, you: user.username } },
  );
}
