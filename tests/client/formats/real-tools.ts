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

/**
 * The sent headers without those the client adds on its own (Host, Content-Length, Expect, Connection,
 * and curl's default User-Agent and Accept when the composed request has none).
 */
export function composedPart(sent: readonly [string, string][], composed: readonly [string, string][]): [string, string][] {
  const composedNames = new Set(composed.map(([name]) => name.toLowerCase()));
  return sent.filter(([name, value]) => {
    const lower = name.toLowerCase();
    if (composedNames.has(lower)) return true;
    if (['host', 'content-length', 'expect', 'connection'].includes(lower)) return false;
    if (lower === 'user-agent' && value.startsWith('curl/')) return false;
    if (lower === 'accept' && value === '*/*') return false;
    return true;
  });
}
