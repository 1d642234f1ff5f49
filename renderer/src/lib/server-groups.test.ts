import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../shared/servers.js';
import { effectiveFilter, groupByServer, parseServerFilter, serverFilterOptions } from './server-groups.js';

const server = (name: string, state: 'connected' | 'unavailable' = 'connected'): ServerInfo => ({
  name,
  address: name === 'local' ? '/var/lib/incus/unix.socket' : `https://${name}:8443`,
  source: name === 'local' ? 'local' : 'enclave',
  fingerprint: null,
  clientCertificate: null,
  status:
    state === 'connected'
      ? { state, socketPath: 's', serverVersion: '6', project: 'p', storageDrivers: [], warning: null }
      : { state, socketPath: 's', tried: [], problem: 'unreachable', message: 'm', hint: 'h', nextRetryAt: 'x', setup: { available: false, reason: null } },
  cluster: null,
});
const agent = (name: string, srv: string) => ({ name, server: srv });

describe('groupByServer', () => {
  const servers = [server('lab'), server('edge', 'unavailable'), server('local')];
  const agents = [agent('a', 'local'), agent('lab:b', 'lab'), agent('edge:c', 'edge'), agent('lab:d', 'lab')];

  it('gives local first, then servers by name, each with its agents in order', () => {
    const groups = groupByServer(agents, servers, 'all');
    expect(groups.map((g) => g.server)).toEqual(['local', 'edge', 'lab']);
    expect(groups[2]?.agents.map((a) => a.name)).toEqual(['lab:b', 'lab:d']);
  });
  it('keeps an unavailable server and its cards beside the others', () => {
    const edge = groupByServer(agents, servers, 'all').find((g) => g.server === 'edge');
    expect(edge?.agents.map((a) => a.name)).toEqual(['edge:c']);
    expect(edge?.info?.status.state).toBe('unavailable');
  });
  it('lists a server without agents, and agents of a server not listed', () => {
    const groups = groupByServer([agent('x:y', 'x')], [server('local')], 'all');
    expect(groups.map((g) => [g.server, g.agents.length, g.info === null])).toEqual([
      ['local', 0, false],
      ['x', 1, true],
    ]);
  });
  it('filters to one server, and shows all when that server is gone', () => {
    expect(groupByServer(agents, servers, 'lab').map((g) => g.server)).toEqual(['lab']);
    expect(effectiveFilter('gone', servers)).toBe('all');
    expect(groupByServer(agents, servers, 'gone')).toHaveLength(3);
  });
});

describe('filter options', () => {
  it('counts each server', () => {
    expect(serverFilterOptions([agent('a', 'local'), agent('lab:b', 'lab')], [server('lab'), server('local')])).toEqual([
      { value: 'all', label: 'All servers (2)' },
      { value: 'local', label: 'local (1)' },
      { value: 'lab', label: 'lab (1)' },
    ]);
  });
  it('parses a saved filter', () => {
    expect(parseServerFilter('lab')).toBe('lab');
    expect(parseServerFilter(3)).toBe('all');
    expect(parseServerFilter('')).toBe('all');
  });
});
