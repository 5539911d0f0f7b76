// The composer's timeout: what a learner may type (seconds, within the send endpoint's limits), and the
// timeout the page keeps and sends — including for a learner whose saved settings predate the option.
import { describe, expect, it } from 'vitest';
import { SEND_LIMITS } from '../../../server/protocol/send-limits';
import { secondsText, timeoutFromText } from '../../../client/src/features/composer/timeout-field';
import { savedOptions, usableTimeout, useSendOptionsStore } from '../../../client/src/stores/send-options-store';

describe('the Timeout box reads seconds', () => {
  it.each([
    ['1', 1000],
    ['10', 10_000],
    ['0.1', SEND_LIMITS.minTimeoutMs],
    ['30', SEND_LIMITS.maxTimeoutMs],
    ['2.5', 2500],
    ['2,5', 2500],
    [' 3 ', 3000],
    ['.5', 500],
    ['1.', 1000],
  ] as const)('"%s" is %i ms', (text, ms) => {
    expect(timeoutFromText(text)).toBe(ms);
  });

  it.each([[''], ['0'], ['0.05'], ['30.1'], ['100'], ['-1'], ['abc'], ['1e3'], ['1 s']])('refuses "%s" (not 0.1 to 30 seconds)', (text) => {
    expect(timeoutFromText(text)).toBeUndefined();
  });

  it.each([
    [10_000, '10'],
    [1000, '1'],
    [1500, '1.5'],
    [100, '0.1'],
  ] as const)('shows %i ms as "%s"', (ms, text) => {
    expect(secondsText(ms)).toBe(text);
    expect(timeoutFromText(text)).toBe(ms);
  });
});

describe('the timeout the page sends', () => {
  it.each([
    [1000, 1000],
    [1000.4, 1000],
    [5, SEND_LIMITS.minTimeoutMs],
    [99_999, SEND_LIMITS.maxTimeoutMs],
    [Number.NaN, SEND_LIMITS.defaultTimeoutMs],
    ['1000', SEND_LIMITS.defaultTimeoutMs],
    [undefined, SEND_LIMITS.defaultTimeoutMs],
  ] as const)('%s → %i ms, within what the send endpoint accepts', (ms, sent) => {
    expect(usableTimeout(ms)).toBe(sent);
  });

  it('starts at the send endpoint’s default', () => {
    expect(useSendOptionsStore.getInitialState().options.timeoutMs).toBe(SEND_LIMITS.defaultTimeoutMs);
  });

  it('keeps a saved timeout, and gives settings saved before the option existed the default', () => {
    expect(savedOptions({ followRedirects: true, useCookies: false })).toEqual({ followRedirects: true, useCookies: false, timeoutMs: SEND_LIMITS.defaultTimeoutMs });
    expect(savedOptions({ followRedirects: false, useCookies: true, timeoutMs: 1500 }).timeoutMs).toBe(1500);
    expect(savedOptions({ followRedirects: false, useCookies: true, timeoutMs: 1e9 }).timeoutMs).toBe(SEND_LIMITS.maxTimeoutMs);
    expect(savedOptions(undefined)).toEqual(useSendOptionsStore.getInitialState().options);
  });
});
