import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative, secondsUntil } from './time.js';

const at = Date.parse('2025-06-01T12:00:00Z');

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5000, '0 s'],
    [42_900, '42 s'],
    [4 * 60_000 + 12_000, '4 min 12 s'],
    [2 * 3_600_000 + 5 * 60_000 + 59_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatRelative', () => {
  it.each([
    ['2025-06-01T11:59:30Z', 'just now'],
    ['2025-06-01T11:55:00Z', '5 min ago'],
    ['2025-06-01T09:00:00Z', '3 h ago'],
    ['2025-05-31T10:00:00Z', 'yesterday'],
    ['2025-05-28T12:00:00Z', '4 days ago'],
    ['not a date', 'unknown'],
  ])('%s is %s', (iso, text) => {
    expect(formatRelative(iso, at)).toBe(text);
  });

  it('shows a date beyond a month', () => {
    expect(formatRelative('2024-01-01T00:00:00Z', at)).toBe(new Date('2024-01-01T00:00:00Z').toLocaleDateString());
  });
});

describe('secondsUntil', () => {
  it('rounds up and never goes below zero', () => {
    expect(secondsUntil('2025-06-01T12:00:04.200Z', at)).toBe(5);
    expect(secondsUntil('2025-06-01T11:00:00Z', at)).toBe(0);
  });
});
