// For a request no route matched: the route it most likely meant, by edit distance between the path and
// each route pattern with its parameters filled from the path (/api/book/3 → /api/books/:id).

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The pattern closest to `path`, or undefined when there is none within a few edits. */
export function nearestRoute(path: string, patterns: readonly string[]): string | undefined {
  const segments = path.split('/');
  let best: { pattern: string; distance: number } | undefined;
  for (const pattern of patterns) {
    const filled = pattern
      .split('/')
      .map((segment, index) => (segment.startsWith(':') ? (segments[index] ?? segment) : segment === '*' ? (segments.slice(index).join('/') || segment) : segment))
      .join('/');
    const distance = editDistance(path.slice(0, 200), filled.slice(0, 200));
    if (!best || distance < best.distance) best = { pattern, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(path.length / 4)) ? best.pattern : undefined;
}
