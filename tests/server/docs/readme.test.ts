import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSection, replaceSection } from '../../../server/docs/readme-sections';
import { README_PATH, generatedSections } from '../../../server/docs/update-readme';

describe('README generated sections', () => {
  it('are up to date with the code (run `npm run docs` when this fails)', async () => {
    const readme = readFileSync(README_PATH, 'utf8');
    for (const [name, content] of Object.entries(await generatedSections())) {
      expect(readSection(readme, name), `section ${name}`).toBe(content.trim());
    }
  });

  it('replaces only the text between the markers', () => {
    const text = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb';
    expect(replaceSection(text, 'x', 'new')).toBe('a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb');
    expect(() => replaceSection('no markers', 'x', 'new')).toThrow(/markers/);
  });
});
