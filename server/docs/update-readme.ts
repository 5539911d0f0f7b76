// `npm run docs`: rewrites the generated sections of README.md from the running code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../app';
import { PROJECT_ROOT } from '../client-build';
import { SETTINGS } from '../config';
import { apiTable } from './api-table';
import { configTable } from './config-table';
import * as FIXED_LIMITS from '../limits';
import { fixedLimits, limitsTable } from './limits-table';
import { echoTable } from './echo-table';
import { replaceSection } from './readme-sections';

/** Every generated section: marker name → content. */
export async function generatedSections(): Promise<Record<string, string>> {
  const app = await buildApp();
  await app.ready();
  const echo = await app.inject({ url: '/endpoints' });
  const sections = {
    'endpoints:api': apiTable(app.swagger() as Parameters<typeof apiTable>[0]),
    'endpoints:echo': echoTable(echo.json()),
    config: configTable(SETTINGS),
    limits: limitsTable(fixedLimits(LIMITS_INDEX, FIXED_LIMITS, PROJECT_ROOT)),
  };
  await app.close();
  return sections;
}

export const README_PATH = join(PROJECT_ROOT, 'README.md');
/** The index of fixed limits the README's table is made from. */
export const LIMITS_INDEX = join(PROJECT_ROOT, 'server', 'limits.ts');

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  let readme = readFileSync(README_PATH, 'utf8');
  for (const [name, content] of Object.entries(await generatedSections())) readme = replaceSection(readme, name, content);
  writeFileSync(README_PATH, readme);
  console.log('README.md sections updated.');
}
