import { describe, expect, it } from 'vitest';
import { changedSwitches, faultAction, FAULTS_OFF, faultProblem, roomCodeOfSandbox, roomSandboxId } from '../../../server/classroom/faults';

describe('fault switch rules', () => {
  it.each([
    ['room-kxmpqrtw-4fh7q2mn', 'KXMPQRTW'],
    ['room-kxmpqrtw-ab23cd45ef67', 'KXMPQRTW'],
    // The room code alone names no sandbox of the room: the instructor's has a secret after it.
    ['room-kxmpqrtw', undefined],
    ['room-kxmp-4fh7q2mn', undefined],
    ['room-kxmpqrtwz-4fh7q2mn', undefined],
    ['my-room-kxmpqrtw-4fh7q2mn', undefined],
    ['demo', undefined],
  ])('sandbox %s belongs to room %s', (sandbox, code) => {
    expect(roomCodeOfSandbox(sandbox)).toBe(code);
  });

  it('names room and student sandboxes so that they map back to the room', () => {
    expect(roomCodeOfSandbox(roomSandboxId('KXMPQRTW', 'ab23cd45ef67'))).toBe('KXMPQRTW');
    expect(roomCodeOfSandbox(roomSandboxId('KXMPQRTW', 'ab23cd45'))).toBe('KXMPQRTW');
  });

  it.each([
    [{}, undefined],
    [{ status429: true }, { kind: 'status', status: 429 }],
    [{ status429: true, status503: true }, { kind: 'status', status: 503 }],
    [{ status503: true, drop: true }, { kind: 'drop' }],
    [{ latencyMs: 500 }, undefined],
  ])('with switches %j the request gets %j', (on, action) => {
    expect(faultAction({ ...FAULTS_OFF, ...on })).toEqual(action);
  });

  it('lists the switches that changed', () => {
    expect(changedSwitches(FAULTS_OFF, { ...FAULTS_OFF, latencyMs: 200, drop: true })).toEqual(['latencyMs', 'drop']);
    expect(changedSwitches(FAULTS_OFF, FAULTS_OFF)).toEqual([]);
  });

  it.each([429, 503] as const)('answers %i with Retry-After and a marker header', (status) => {
    const problem = faultProblem('KXMP', status, 7);
    expect(problem.status).toBe(status);
    expect(problem.headers).toEqual({ 'retry-after': '7', 'x-sandbox-fault': String(status) });
    expect(problem.message).toMatch(/room KXMP/);
  });
});
