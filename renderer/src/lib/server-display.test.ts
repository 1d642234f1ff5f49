import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/types.js';
import { badgeText, displayName, nextTryText, takenOn, groupedFingerprint, serverOfRef, serverProblem, serverStale, shortFingerprint, showServerBadges } from './server-display.js';

const unavailable = (problem: 'certificate-changed' | 'unreachable'): ConnectionStatus => ({
  state: 'unavailable',
  socketPath: 'https://127.0.0.1:8443',
  tried: [],
  problem,
  message: 'm',
  hint: 'h',
  nextRetryAt: '2026-12-02T05:00:00Z',
  setup: { available: false, reason: null },
});

describe('agent refs on screen', () => {
  it('shows the bare name and finds the server', () => {
    expect(displayName('lab:web')).toBe('web');
    expect(displayName('web')).toBe('web');
    expect(serverOfRef('lab:web')).toBe('lab');
    expect(serverOfRef('web')).toBe('local');
  });
  it('badges only with more than one server', () => {
    expect(showServerBadges([])).toBe(false);
    expect(showServerBadges([{ name: 'local' }])).toBe(false);
    expect(showServerBadges([{ name: 'local' }, { name: 'lab' }])).toBe(true);
  });
  it('names the member beside the server', () => {
    expect(badgeText('cl', 'm1')).toBe('cl · m1');
    expect(badgeText('lab', null)).toBe('lab');
  });
});

describe('server problems', () => {
  it('has none while connected or connecting', () => {
    expect(serverProblem({ state: 'connecting', socketPath: 's', tried: [] })).toBeNull();
  });
  it('marks a changed certificate and offers no silent retry time', () => {
    const p = serverProblem(unavailable('certificate-changed'));
    expect(p?.certificateChanged).toBe(true);
    expect(p?.nextRetryAt).toBeNull();
    const q = serverProblem(unavailable('unreachable'));
    expect(q?.certificateChanged).toBe(false);
    expect(q?.nextRetryAt).toBe('2026-12-02T05:00:00Z');
  });
  it('is stale unless connected; unknown is not stale', () => {
    expect(serverStale(undefined)).toBe(false);
    expect(serverStale(unavailable('unreachable'))).toBe(true);
  });
});

describe('fingerprints', () => {
  const fp = 'ab'.repeat(32);
  it('shortens and groups', () => {
    expect(shortFingerprint(fp)).toBe('abababab…abab');
    expect(groupedFingerprint('0123456789')).toBe('0123 4567 89');
  });
});

describe('next try', () => {
  it('counts down, then says it is trying', () => {
    const now = Date.parse('2026-12-02T05:00:00Z');
    expect(nextTryText('2026-12-02T05:00:12Z', now)).toBe('Next try in 12 s');
    expect(nextTryText('2026-12-02T04:59:00Z', now)).toBe('Trying again…');
    expect(nextTryText('nonsense', now)).toBe('');
  });
});

describe('names taken on a server', () => {
  it('keeps the bare names of that server only', () => {
    expect(takenOn('local', ['web', 'lab:web', 'local:api', 'lab:db'])).toEqual(['web', 'api']);
    expect(takenOn('lab', ['web', 'lab:web', 'lab:db'])).toEqual(['web', 'db']);
  });
});
