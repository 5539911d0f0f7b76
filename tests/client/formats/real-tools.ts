// Runs real programs (bash + curl, Python requests, Node) against the capture server on 127.0.0.1, so
// tests can check generated code by what it actually sends. Tests skip when a program is missing.
import { execFile, spawnSync } from 'node:child_process';
import type { CapturedRequest } from './capture-server';

export const HAS_CURL = spawnSync('curl', ['--version']).status === 0;
export const HAS_PYTHON_REQUESTS = spawnSync('python3', ['-c', 'import requests']).status === 0;

/** Runs a program and resolves with its stdout; rejects with stderr when it fails. */
export function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 10_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_PROXY: '*', no_proxy: '*' } }, (error, stdout, stderr) => {
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
