// URL autocomplete: the toy API's paths (from /openapi.json) and the echo endpoints (from /endpoints),
// loaded once, after first paint.
import { useEffect, useState } from 'react';
import { apiFetch } from '../../lib/api-client';

interface OpenApiPaths {
  paths?: Record<string, unknown>;
}

function examplePath(path: string): string {
  return path.replaceAll('{id}', '1').replace(/\{[^}]+\}/g, '');
}

function echoPaths(index: unknown): string[] {
  const list = Array.isArray(index) ? index : ((index as { endpoints?: unknown[] } | null)?.endpoints ?? []);
  const paths: string[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as { path?: string; examples?: unknown[]; samples?: unknown[] };
    const samples = (e.examples ?? e.samples ?? []) as unknown[];
    const sample = samples.find((s) => typeof s === 'string' || (s && typeof s === 'object' && 'url' in (s as object)));
    if (typeof sample === 'string' && sample.startsWith('/')) paths.push(sample);
    else if (sample && typeof sample === 'object' && typeof (sample as { url?: unknown }).url === 'string') paths.push((sample as { url: string }).url);
    else if (e.path && !e.path.includes(':') && !e.path.includes('*')) paths.push(e.path);
  }
  return paths;
}

export function useUrlSuggestions(): string[] {
  const [paths, setPaths] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    Promise.allSettled([apiFetch<OpenApiPaths>('/openapi.json'), apiFetch<unknown>('/endpoints')]).then(([api, echo]) => {
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
