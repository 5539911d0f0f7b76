// Memory of a server process as the operating system sees it (Linux /proc): resident set now and at its
// peak, summed over the process and any it started. And the write load the memory row measures: N private
// sandboxes, each logged into and given W new books through the API, as N learners would.
import { readFileSync, readdirSync } from 'node:fs';
import { Pool } from 'undici';

function descendants(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    }
  } catch {
    // Gone while reading.
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory in bytes of pid and its descendants: now (rss) and at each one's peak (hwm). */
export function memoryOf(pid: number): { rss: number; hwm: number; processes: number } {
  const pids = [pid, ...descendants(pid)];
  return {
    rss: pids.reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0),
    hwm: pids.reduce((sum, p) => sum + statusField(p, 'VmHWM'), 0),
    processes: pids.length,
  };
}

/** CPU time (user + system) of pid and its descendants, in ms. */
export function cpuMsOf(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return sum;
    }
  }, 0);
}

/** N sandboxes × W writes: each sandbox logs in (a token) and adds W books. Returns the writes that failed. */
export async function fillSandboxes(origin: string, sandboxes: number, writes: number): Promise<number> {
  const pool = new Pool(origin, { connections: 16 });
  let failed = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sandboxes; i = next++) {
      const sandbox = { 'x-sandbox': `memory-${i}`, 'content-type': 'application/json' };
      const login = await pool.request({ path: '/api/tokens', method: 'POST', headers: sandbox, body: JSON.stringify({ username: 'ada', password: 'lovelace' }) });
      const { token } = (await login.body.json()) as { token: string };
      for (let j = 0; j < writes; j += 1) {
        const response = await pool.request({
          path: '/api/books',
          method: 'POST',
          headers: { ...sandbox, authorization: `Bearer ${token}` },
          body: JSON.stringify({ title: `Book ${j} of learner ${i}`, author: 'Bench', year: 2000 + j }),
        });
        await response.body.dump();
        if (response.statusCode !== 201) failed += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    await pool.close();
  }
  return failed;
}
