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
  beforeEach(() => useConnection.setState({ status: null, eventCount: 0 }));

  it('applies a reply when no event came in meanwhile', () => {
    const count = useConnection.getState().eventCount;
    useConnection.getState().receiveReply(connected, count);
    expect(useConnection.getState().status).toBe(connected);
  });

  it('keeps a pushed status over a reply to a call sent before it', () => {
    const count = useConnection.getState().eventCount;
    useConnection.getState().receiveEvent(unavailable);
    useConnection.getState().receiveReply(connected, count);
    expect(useConnection.getState().status).toBe(unavailable);
  });
});
