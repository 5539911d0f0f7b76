// The toy API's representations. One resource, four media types: the content of each is the same data,
// which is what "representation" means in RFC 9110 §3.2.
import { stringify as toYaml } from 'yaml';

export type Format = 'json' | 'xml' | 'yaml' | 'html';

/** Media types we can produce, in the order we prefer them when the client has no preference. */
export const OFFERED_MEDIA_TYPES = [
  'application/json',
  'application/xml',
  'text/xml',
  'application/yaml',
  'text/yaml',
  'application/x-yaml',
  'text/html',
] as const;

export const FORMAT_OF_MEDIA_TYPE: Record<(typeof OFFERED_MEDIA_TYPES)[number], Format> = {
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/yaml': 'yaml',
  'text/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/html': 'html',
};

/** Names used to wrap data in XML and title it in HTML. */
export interface RepresentationNames {
  /** Root element / page title, e.g. "books" or "book". */
  root: string;
  /** Element for each item of a list, e.g. "book". */
  item: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function escapeXml(text: string): string {
  return escapeHtml(text).replaceAll('&#39;', '&apos;');
}

function xmlElement(name: string, value: Json, itemName: string, indent: string): string {
  if (value === null) return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}<${name}/>`;
    const children = value.map((child) => xmlElement(itemName, child, 'item', `${indent}  `));
    return `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value).map(([key, child]) => xmlElement(key, child, 'item', `${indent}  `));
    if (children.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
}

export function toXml(data: unknown, names: RepresentationNames): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlElement(names.root, data as Json, names.item, '')}\n`;
}

function htmlCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value));
  return escapeHtml(String(value));
}

function htmlTable(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const head = columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((column) => `<td>${htmlCell(row[column])}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function toHtml(data: unknown, names: RepresentationNames): string {
  let table: string;
  if (Array.isArray(data)) {
    table = htmlTable(data as Record<string, unknown>[]);
  } else if (data !== null && typeof data === 'object') {
    const rows = Object.entries(data).map(
      ([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${htmlCell(value)}</td></tr>`,
    );
    table = `<table>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
  } else {
    table = `<p>${htmlCell(data)}</p>`;
  }
  const title = escapeHtml(names.root);
  return `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n${table}\n</body>\n</html>\n`;
}

/** Serialises data in the chosen format. JSON is pretty-printed because people read it. */
export function serialize(format: Format, data: unknown, names: RepresentationNames): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'xml':
      return toXml(data, names);
    case 'yaml':
      return toYaml(data);
    case 'html':
      return toHtml(data, names);
  }
}
