import { beforeEach, describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../shared/servers.js';
import { connectedServers, upsertServer, useServers } from './servers.js';

const server = (name: string, state: 'connected' | 'connecting'): ServerInfo => ({
  name,
  address: `https://${name}:8443`,
  source: 'enclave',
  fingerprint: 'a'.repeat(64),
  clientCertificate: 'enclave',
  status: state === 'connected' ? { state, socketPath: 's', serverVersion: '6', project: 'p', storageDrivers: [], warning: null } : { state, socketPath: 's', tried: [] },
  cluster: null,
});

describe('servers store', () => {
  beforeEach(() => useServers.setState({ servers: [], loaded: false, loads: { last: 0, open: null } }));

  it('takes a pushed list over a reply that was in flight', () => {
    const id = useServers.getState().beginLoad();
    useServers.getState().receive([server('lab', 'connected')]);
    useServers.getState().finishLoad(id, [server('lab', 'connecting')]);
    expect(useServers.getState().servers[0]?.status.state).toBe('connected');
    expect(useServers.getState().loaded).toBe(true);
  });
  it('drops a superseded reply', () => {
    const first = useServers.getState().beginLoad();
    const second = useServers.getState().beginLoad();
    useServers.getState().finishLoad(first, [server('old', 'connected')]);
    expect(useServers.getState().servers).toEqual([]);
    useServers.getState().finishLoad(second, [server('new', 'connected')]);
    expect(useServers.getState().servers.map((s) => s.name)).toEqual(['new']);
  });
  it('replaces or adds one entry, and picks the connected ones', () => {
    const list = upsertServer([server('lab', 'connecting')], server('lab', 'connected'));
    expect(list).toHaveLength(1);
    expect(upsertServer(list, server('edge', 'connecting')).map((s) => s.name)).toEqual(['lab', 'edge']);
    expect(connectedServers(upsertServer(list, server('edge', 'connecting'))).map((s) => s.name)).toEqual(['lab']);
  });
});
