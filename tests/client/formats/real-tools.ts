// Runs real programs (bash + curl, HTTPie, Python requests, Node) against the capture server on 127.0.0.1,
// so tests can check generated code by what it actually sends. A missing program skips its tests on a
// developer's machine, and fails them under CI (CI=true), where .ci/run installs every one.
import { execFile, spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export const HAS_CURL = spawnSync('curl', ['--version']).status === 0;
export const HAS_PYTHON_REQUESTS = spawnSync('python3', ['-c', 'import requests']).status === 0;
export const HAS_HTTPIE = spawnSync('http', ['--version']).status === 0;

/**
 * describe() for tests that need a program: skipped when it is missing, except under CI, where a missing
 * program is a failing test that names it.
 */
export function describeWithTool(tool: string, present: boolean, name: string, body: () => void): void {
  if (present) describe(name, body);
  else if (process.env.CI) {
    describe(name, () => {
      it(`needs ${tool}`, () => {
        throw new Error(`${tool} is not installed; .ci/run installs it (apt-get install curl python3-requests httpie).`);
      });
    });
  } else describe.skip(`${name} (${tool} is not installed)`, body);
}

/** Runs a program and resolves with its stdout; rejects with stderr when it fails. */
export function run(file: string, args: string[], input?: string, timeout = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_PROXY: '*', no_proxy: '*' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Headers every client adds on its own: the connection and the body framing. */
const ALWAYS_ADDED = ['host', 'content-length', 'transfer-encoding', 'expect', 'connection'];

/** What each client adds when the request does not set it. */
export const CLIENT_DEFAULTS = {
  curl: ['user-agent', 'accept'],
  python: ['user-agent', 'accept', 'accept-encoding'],
  httpie: ['user-agent', 'accept', 'accept-encoding'],
  node: ['user-agent', 'accept', 'accept-encoding', 'accept-language', 'sec-fetch-mode'],
} as const;

/**
 * The sent headers without those the client added on its own: the connection and framing headers, and
 * the client's defaults for names the composed request does not have.
 */
export function composedPart(sent: readonly [string, string][], composed: readonly [string, string][], defaults: readonly string[] = CLIENT_DEFAULTS.curl): [string, string][] {
  const composedNames = new Set(composed.map(([name]) => name.toLowerCase()));
  return sent.filter(([name]) => {
    const lower = name.toLowerCase();
    if (composedNames.has(lower)) return true;
    return !ALWAYS_ADDED.includes(lower) && !defaults.includes(lower);
  });
}
