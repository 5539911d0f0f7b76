import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';
import * as FIXED_LIMITS from '../../../server/limits';
import { fixedLimits, reasonsIn } from '../../../server/docs/limits-table';
import { LIMITS_INDEX } from '../../../server/docs/update-readme';

describe('fixed limits', () => {
  const limits = fixedLimits(LIMITS_INDEX, FIXED_LIMITS, PROJECT_ROOT);

  it('are gathered in server/limits.ts, numbers every one', () => {
    expect(limits.length).toBeGreaterThan(50);
  });

  it.each(limits.map((limit) => [limit.name, limit] as const))('%s says why it has its value, where it is defined', (_name, limit) => {
    expect(limit.reason, `${limit.name} in ${limit.file} needs a doc comment giving the reason for its value`).toMatch(/\w.{10,}/);
    expect(limit.file).toMatch(/^server\/.+\.ts$/);
  });
});

describe('reading reasons from source', () => {
  it('takes the doc comment above a constant or field; one right below shares it; a blank line ends a group', () => {
    const source = [
      '/** Two of a kind,',
      ' *  said once. */',
      'export const A = 1;',
      'export const B = 2;',
      '',
      'export const C = 3;',
      'export const LIMITS = {',
      '  /** First field. */',
      '  first: 1,',
      '  second: 2,',
      '} as const;',
    ].join('\n');
    expect(Object.fromEntries(reasonsIn(source))).toEqual({
      A: 'Two of a kind, said once.',
      B: 'Two of a kind, said once.',
      C: undefined,
      LIMITS: undefined,
      'LIMITS.first': 'First field.',
      'LIMITS.second': 'First field.',
    });
  });
});
