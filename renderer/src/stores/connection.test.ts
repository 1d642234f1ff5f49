import { NO_LOADS } from '../lib/reconcile.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/types.js';
import { useConnection } from './connection.js';

const connected: ConnectionStatus = {
  state: 'connected',
  socketPath: 'incus/unix.socket',
  serverVersion: '6.0.4',
  project: 'enclave',
  storageDrivers: ['btrfs'],
  warning: null,
};
const unavailable: ConnectionStatus = {
  state: 'unavailable',
  socketPath: 'incus/unix.socket',
  tried: [],
  problem: 'missing',
  message: 'no socket',
  hint: 'install incus',
  nextRetryAt: '2025-01-01T00:00:05Z',
  setup: { available: false, reason: null },
};

describe('useConnection', () => {
  beforeEach(() => useConnection.setState({ status: null, outageSince: null, loads: NO_LOADS }));

  it('applies a reply when no event came in meanwhile', () => {
    const id = useConnection.getState().beginLoad();
    useConnection.getState().receiveReply(connected, id);
    expect(useConnection.getState().status).toBe(connected);
  });

  it('keeps a pushed status over a reply to a call sent before it', () => {
    const id = useConnection.getState().beginLoad();
    useConnection.getState().receiveEvent(unavailable);
    useConnection.getState().receiveReply(connected, id);
    expect(useConnection.getState().status).toBe(unavailable);
  });

  it('drops the reply of a call a newer one superseded', () => {
    const first = useConnection.getState().beginLoad();
    const second = useConnection.getState().beginLoad();
    useConnection.getState().receiveReply(unavailable, first);
    expect(useConnection.getState().status).toBeNull();
    useConnection.getState().receiveReply(connected, second);
    expect(useConnection.getState().status).toBe(connected);
  });

  it('dates the outage from the backend and keeps the date through the statuses of the same outage', () => {
    const since = '2025-01-01T00:00:00.000Z';
    useConnection.getState().receiveEvent(connected);
    expect(useConnection.getState().outageSince).toBeNull();
    useConnection.getState().receiveEvent({ state: 'connecting', socketPath: 'incus/unix.socket', tried: [], since });
    useConnection.getState().receiveEvent(unavailable);
    expect(useConnection.getState().outageSince).toBe(since);
    // A page loaded during the outage learns the date from the reply.
    useConnection.setState({ status: null, outageSince: null });
    const id = useConnection.getState().beginLoad();
    useConnection.getState().receiveReply({ ...unavailable, since }, id);
    expect(useConnection.getState().outageSince).toBe(since);
    useConnection.getState().receiveEvent(connected);
    expect(useConnection.getState().outageSince).toBeNull();
  });
});
