// The toy API's endpoint table for the README, generated from the OpenAPI document (itself generated
// from the route schemas), with one curl example per endpoint.

interface Operation {
  summary?: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, { example?: unknown; schema?: { examples?: unknown[] } }> };
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
}

const ORIGIN = 'http://localhost:3000';
const METHOD_ORDER = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

function examplePath(path: string): string {
  return path.replace('{id}', '1').replace('{jobId}', '<job-id>');
}

function curlFor(method: string, path: string, operation: Operation): string {
  const parts = ['curl -i'];
  if (method !== 'get') parts.push(`-X ${method.toUpperCase()}`);
  if (operation.security?.length) parts.push('-H "Authorization: Bearer $TOKEN"');
  const content = operation.requestBody?.content ?? {};
  const json = content['application/json'] ?? Object.values(content)[0];
  const example = json?.example ?? json?.schema?.examples?.[0];
  if (example !== undefined) {
    parts.push("-H 'Content-Type: application/json'", `-d '${JSON.stringify(example)}'`);
  }
  parts.push(`${ORIGIN}${examplePath(path)}`);
  return parts.join(' ');
}

export function apiTable(document: OpenApiDocument): string {
  const rows = ['| Method | Path | What it does | Example |', '|---|---|---|---|'];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const methods = Object.keys(operations).sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    for (const method of methods) {
      const operation = operations[method]!;
      const login = operation.security?.length ? ' (login)' : '';
      const summary = (operation.summary ?? '').replace(/ \((logged in|owner only|author only)\)$/, '');
      rows.push(
        `| ${method.toUpperCase()} | \`${path}\` | ${summary}${login} | \`${curlFor(method, path, operation).replaceAll('|', '\\|')}\` |`,
      );
    }
  }
  return rows.join('\n');
}
