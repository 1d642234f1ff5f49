import { describe, expect, it } from 'vitest';
import type { GuardAlert, GuardRule } from './types.js';
import { GUARD_SEVERITY, bySeverity, headlineAlert } from './guard-severity.js';

const alert = (rule: GuardRule, at: number, id: string = rule): Pick<GuardAlert, 'rule' | 'at' | 'id'> => ({ rule, at, id });

describe('guard severity', () => {
  it('ranks every rule once', () => {
    const rules: Record<GuardRule, true> = { 'cpu-pinned': true, 'memory-high': true, 'processes-high': true, 'disk-high': true, 'oom-kill': true, 'fork-bomb': true };
    expect([...GUARD_SEVERITY].sort()).toEqual(Object.keys(rules).sort());
  });

  it('headlines a fork bomb over the process count, whichever fired last', () => {
    expect(headlineAlert([alert('processes-high', 2), alert('fork-bomb', 1)])).toEqual({ alert: alert('fork-bomb', 1), others: 1 });
    expect(headlineAlert([alert('fork-bomb', 2), alert('processes-high', 1)])?.alert.rule).toBe('fork-bomb');
  });

  it('orders the rules by what is lost soonest; ties go to the newest', () => {
    const all = [alert('cpu-pinned', 6), alert('processes-high', 5), alert('disk-high', 4), alert('memory-high', 3), alert('oom-kill', 2), alert('fork-bomb', 1)];
    expect([...all].sort(bySeverity).map((a) => a.rule)).toEqual(['fork-bomb', 'oom-kill', 'memory-high', 'disk-high', 'processes-high', 'cpu-pinned']);
    expect([alert('cpu-pinned', 1, 'a'), alert('cpu-pinned', 2, 'b')].sort(bySeverity).map((a) => a.id)).toEqual(['b', 'a']);
  });

  it('has no headline for no alerts', () => {
    expect(headlineAlert([])).toBeNull();
  });
});
