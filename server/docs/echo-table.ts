// The echo endpoints' table for the README, generated from the metadata each endpoint carries.
import type { EchoEndpoint } from '../protocol/echo-endpoints';

export function echoTable(endpoints: readonly EchoEndpoint[]): string {
  const rows = ['| Path | Methods | What it does | What it teaches | Example |', '|---|---|---|---|---|'];
  for (const e of endpoints) {
    const methods = e.methods.length >= 7 ? 'any' : e.methods.join(', ');
    const example = `curl -i 'http://localhost:3000${e.samples[0] ?? e.path}'`;
    rows.push(`| \`${e.path}\` | ${methods} | ${e.description.replaceAll('|', '\\|')} | ${e.teaches.replaceAll('|', '\\|')} | \`${example}\` |`);
  }
  return rows.join('\n');
}
