// The README's Configuration table, generated from the settings table in server/config.ts (one row per setting).
import type { Setting } from '../config';

function shownDefault(value: unknown): string {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '(none)';
  return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
}

export function configTable(settings: Record<string, Setting<unknown>>): string {
  const rows = ['| Variable | Default | Allowed | What it sets |', '|---|---|---|---|'];
  for (const setting of Object.values(settings)) {
    const cells = [`\`${setting.env}\``, shownDefault(setting.default), setting.allowed, setting.doc];
    rows.push(`| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  }
  return rows.join('\n');
}
