import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../shared/servers.js';
import { serversBack } from './servers-back.js';

const server = (name: string, state: 'connected' | 'connecting'): ServerInfo => ({
  name,
  address: name,
  source: 'enclave',
  fingerprint: null,
  clientCertificate: null,
  status: state === 'connected' ? { state, socketPath: 's', serverVersion: '6', project: 'p', storageDrivers: [], warning: null } : { state, socketPath: 's', tried: [] },
  cluster: null,
});

describe('serversBack', () => {
  it('names the servers that were away and are connected now', () => {
    const before = [server('lab', 'connecting'), server('edge', 'connecting'), server('cl', 'connected')];
    const after = [server('lab', 'connected'), server('edge', 'connecting'), server('cl', 'connected'), server('new', 'connected')];
    expect(serversBack(before, after)).toEqual(['lab']);
  });
  it('says nothing on the first list', () => {
    expect(serversBack([], [server('lab', 'connected')])).toEqual([]);
  });
});
