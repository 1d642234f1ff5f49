import { describe, expect, it } from 'vitest';
import type { GuardAlert, GuardRule } from '../../../shared/types.js';
import { guardToastText } from './guard-headline.js';

const alert = (rule: GuardRule, message: string, at: number, action: string | null = null): GuardAlert => ({
  id: rule,
  agent: 'web',
  rule,
  message,
  at,
  value: 1,
  threshold: 1,
  active: true,
  action,
});

describe('guardToastText', () => {
  it('names the fork bomb, not the process count that fired after it, and counts the rest', () => {
    const active = [alert('processes-high', 'web: 900 processes, 90% of its limit', 2), alert('fork-bomb', 'web: +400 processes/s (fork bomb?)', 1, 'frozen automatically')];
    expect(guardToastText(active)).toBe('Guard: web: +400 processes/s (fork bomb?) (frozen automatically) +1 more');
  });

  it('says one alert as it is, and nothing for none', () => {
    expect(guardToastText([alert('cpu-pinned', 'web: CPU pinned for 30 s', 1)])).toBe('Guard: web: CPU pinned for 30 s');
    expect(guardToastText([])).toBeNull();
  });
});
