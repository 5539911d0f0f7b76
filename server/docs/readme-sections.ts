// README sections generated from the code (endpoint tables…), kept between marker comments so the
// README cannot drift from what the server really does. `npm run docs` rewrites them; a test fails
// when they are stale.

export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** Replaces the text between a section's markers; throws when the markers are missing. */
export function replaceSection(readme: string, name: string, content: string): string {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
  return `${readme.slice(0, from + start.length)}\n${content.trim()}\n${readme.slice(to)}`;
}

/** The text currently between a section's markers. */
export function readSection(readme: string, name: string): string | undefined {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) return undefined;
  return readme.slice(from + start.length, to).trim();
}
