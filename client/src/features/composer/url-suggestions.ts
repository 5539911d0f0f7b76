// URL autocomplete: the toy API's paths (from /openapi.json) and the echo endpoints (from /endpoints),
// loaded once, after first paint.
import { useEffect, useState } from 'react';
import type { EchoEndpoint } from '../../../../server/protocol/echo-endpoints';
import { apiFetch } from '../../lib/api-client';

interface OpenApiPaths {
  paths?: Record<string, unknown>;
}

function examplePath(path: string): string {
  return path.replaceAll('{id}', '1').replace(/\{[^}]+\}/g, '');
}

/** Each echo endpoint's first sample (a ready path such as /status/418), or its route when that has no parameter. */
function echoPaths(endpoints: readonly EchoEndpoint[]): string[] {
  const paths: string[] = [];
  for (const endpoint of endpoints) {
    const sample = endpoint.samples[0];
    if (sample?.startsWith('/')) paths.push(sample);
    else if (!endpoint.path.includes(':') && !endpoint.path.includes('*')) paths.push(endpoint.path);
  }
  return paths;
}

export function useUrlSuggestions(): string[] {
  const [paths, setPaths] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    Promise.allSettled([apiFetch<OpenApiPaths>('/openapi.json'), apiFetch<EchoEndpoint[]>('/endpoints')]).then(([api, echo]) => {
      if (cancelled) return;
      const found = new Set<string>();
      if (api.status === 'fulfilled') for (const path of Object.keys(api.value.paths ?? {})) found.add(examplePath(path));
      if (echo.status === 'fulfilled') for (const path of echoPaths(echo.value)) found.add(path);
      setPaths([...found]);
    });
    return () => {
      cancelled = true;
    };
  }, []);
  return paths;
}
