import { describe, expect, it } from 'vitest';
import type { IsolationProblem } from '../../../shared/types.js';
import { PROBLEM_TITLES, restartNeeded, shownValue } from './isolation-format.js';

const disk: IsolationProblem = { kind: 'host-disk', item: 'hostdisk', value: '/srv/data', fix: 'removes the device', needsRestart: false };
const nesting: IsolationProblem = { kind: 'nesting', item: 'security.nesting', value: 'true', fix: 'turns nesting off', needsRestart: true };

describe('isolation problems as shown', () => {
  it('titles every kind in Enclave words', () => {
    expect(PROBLEM_TITLES['host-disk']).toBe('Host folder mounted');
    expect(PROBLEM_TITLES.nesting).toBe('Nesting enabled');
  });

  it('shows a value only where it says more than the title', () => {
    expect(shownValue(disk)).toBe('/srv/data');
    expect(shownValue(nesting)).toBeNull();
    expect(shownValue({ ...disk, value: '  ' })).toBe(''); // unset: the line says (not set)
    expect(shownValue({ ...disk, value: 'hostdisk' })).toBeNull();
  });

  it('says when a fix waits for a restart', () => {
    expect(restartNeeded([disk])).toBe(false);
    expect(restartNeeded([disk, nesting])).toBe(true);
  });
});
