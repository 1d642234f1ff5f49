import { describe, expect, it } from 'vitest';
import { describeExpiry, formatBytes, formatExpiry, formatSpan, keptFor, restoreMessage } from './snapshot-format.js';

const now = Date.parse('2026-11-29T10:00:00Z');
const later = (ms: number) => new Date(now + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('expiry', () => {
  it('says how long a snapshot has left', () => {
    expect(formatExpiry(null, now)).toBe('kept until deleted');
    expect(formatExpiry(later(6 * DAY + 2 * HOUR), now)).toBe('expires in 6 days');
    expect(formatExpiry(later(7 * DAY - 1000), now)).toBe('expires in 7 days');
    expect(formatExpiry(later(30 * HOUR), now)).toBe('expires in 30 hours');
    expect(formatExpiry(later(1 * HOUR), now)).toBe('expires in 1 hour');
    expect(formatExpiry(later(HOUR - 10_000), now)).toBe('expires in 1 hour');
    expect(formatExpiry(later(90_000), now)).toBe('expires in 2 minutes');
    expect(formatExpiry(later(-1000), now)).toBe('expired');
  });

  it('spans less than a minute', () => {
    expect(formatSpan(5000)).toBe('less than a minute');
  });

  it('puts Incus expiries into words', () => {
    expect(describeExpiry('7d')).toBe('7 days');
    expect(describeExpiry('1w 3d')).toBe('1 week 3 days');
    expect(describeExpiry('1H 30M')).toBe('1 hour 30 minutes');
    expect(describeExpiry('2m 1y')).toBe('2 months 1 year');
    expect(describeExpiry('')).toBe('');
    expect(keptFor('7d')).toBe('kept for 7 days');
    expect(keptFor('')).toBe('kept until deleted');
  });
});

describe('restoreMessage', () => {
  it('says the safety snapshot comes first, how long it is kept, and what happens to the agent', () => {
    expect(restoreMessage('web', 'snap-1', '7d', true)).toBe(
      "Enclave will first take a safety snapshot of web's current state (kept for 7 days), then restore web to snap-1. The agent restarts; its open terminals reattach by themselves.",
    );
    expect(restoreMessage('web', 'snap-1', '', false)).toContain('(kept until deleted)');
    expect(restoreMessage('web', 'snap-1', '', false)).toContain('web is not running, and stays so.');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
  });
});
