import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/types.js';
import { mainView, nextOutageSince, outageParts, outageText } from './outage.js';

const connected: ConnectionStatus = {
  state: 'connected',
  socketPath: '/s',
  serverVersion: '6.0.4',
  project: 'enclave',
  storageDrivers: ['btrfs'],
  warning: null,
};
const LOST = '2026-01-01T10:00:00.000Z';
const unavailable = (since?: string): ConnectionStatus => ({
  state: 'unavailable',
  socketPath: '/s',
  tried: ['/s'],
  problem: 'missing',
  message: 'No Incus socket at /s.',
  hint: 'Start Incus.',
  nextRetryAt: '2026-01-01T10:00:02.000Z',
  setup: { available: false, reason: null },
  ...(since ? { since } : {}),
});
const reconnecting: ConnectionStatus = { state: 'connecting', socketPath: '/s', tried: ['/s'], since: LOST };
const firstConnect: ConnectionStatus = { state: 'connecting', socketPath: '/s', tried: ['/s'] };
const NOW = Date.parse('2026-01-01T10:02:12.000Z');

describe('nextOutageSince', () => {
  it('takes the date the backend gives and forgets it once connected', () => {
    expect(nextOutageSince(null, unavailable(LOST), NOW)).toBe(LOST);
    expect(nextOutageSince(LOST, connected, NOW)).toBeNull();
  });

  it('keeps the date of an outage that goes on, whatever later statuses of it say', () => {
    const later = '2026-01-01T10:01:00.000Z';
    expect(nextOutageSince(LOST, unavailable(), NOW)).toBe(LOST);
    expect(nextOutageSince(LOST, null, NOW)).toBe(LOST);
    expect(nextOutageSince(LOST, { ...firstConnect }, NOW)).toBe(LOST);
    // The backend's own date wins over one the window guessed (it saw the loss first).
    expect(nextOutageSince(later, unavailable(LOST), NOW)).toBe(LOST);
  });

  it('dates an undated outage from when this window learnt of it; a first connect is no outage', () => {
    expect(nextOutageSince(null, unavailable(), NOW)).toBe(new Date(NOW).toISOString());
    expect(nextOutageSince(null, firstConnect, NOW)).toBeNull();
  });
});

describe('mainView', () => {
  it('shows the grid while connected and the connecting screen before any status', () => {
    expect(mainView(connected, true, null)).toEqual({ kind: 'grid' });
    expect(mainView(null, true, null)).toEqual({ kind: 'connecting' });
  });

  it('keeps the known cards, greyed under the outage panel, while Incus is unavailable or being reached again', () => {
    expect(mainView(unavailable(LOST), true, LOST)).toEqual({ kind: 'stale-grid', status: unavailable(LOST), since: LOST });
    expect(mainView(reconnecting, true, LOST)).toEqual({ kind: 'stale-grid', status: reconnecting, since: LOST });
  });

  it('shows the connection screen alone when no card is known (a cold start without Incus)', () => {
    expect(mainView(unavailable(LOST), false, LOST)).toEqual({ kind: 'connection-screen', status: unavailable(LOST) });
    expect(mainView(reconnecting, false, LOST)).toEqual({ kind: 'connecting' });
    expect(mainView(firstConnect, false, null)).toEqual({ kind: 'connecting' });
  });
});

describe('outageText', () => {
  it('names when Incus went and for how long, in whole seconds', () => {
    const text = outageText(LOST, NOW);
    expect(text).toMatch(/^Incus unavailable since .+ \(for 2 min 12 s\)$/);
    expect(text).toContain(new Date(LOST).toLocaleTimeString());
  });

  it('names the date of an outage older than a day, and never a negative time', () => {
    const dayLater = Date.parse(LOST) + 25 * 3600_000;
    expect(outageText(LOST, dayLater)).toContain(new Date(LOST).toLocaleString());
    expect(outageText(LOST, Date.parse(LOST) - 5000)).toMatch(/\(for 0 s\)$/);
    expect(outageText('garbage', NOW)).toBe('Incus unavailable');
  });

  it('fits a card in its short form: the clock without seconds, then how long', () => {
    expect(outageParts(LOST, NOW, true)).toEqual({
      at: new Date(LOST).toLocaleTimeString([], { timeStyle: 'short' }),
      lasting: 'for 2 min 12 s',
    });
    expect(outageParts('garbage', NOW, true)).toBeNull();
  });
});
