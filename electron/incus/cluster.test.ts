import { describe, expect, it } from 'vitest';
import { MAX_MEMBERS, parseCpuCount, parseMemberState, parseMembers } from './cluster.js';

const member = (over: Record<string, unknown> = {}) => ({
  server_name: 'm1',
  url: 'https://127.0.0.1:8443',
  roles: ['database-leader', 'database'],
  status: 'Online',
  message: 'Fully operational',
  architecture: 'x86_64',
  failure_domain: 'default',
  description: '',
  ...over,
});

describe('parseMembers', () => {
  it('keeps what Incus lists, and a status it does not know as its text', () => {
    const [a, b] = parseMembers([member(), member({ server_name: 'm2', status: 'Reshuffling', roles: [] })]);
    expect(a).toMatchObject({ server_name: 'm1', status: 'Online', roles: ['database-leader', 'database'] });
    expect(b).toMatchObject({ server_name: 'm2', status: 'Reshuffling', roles: [] });
  });

  it('drops entries without a name, and blanks fields of the wrong type', () => {
    const got = parseMembers([null, 7, member({ server_name: '' }), member({ server_name: 3 }), member({ status: 5, url: {}, roles: 'x', message: ['m'] })]);
    expect(got).toEqual([{ server_name: 'm1', url: '', status: '', message: '', roles: [], architecture: 'x86_64', failure_domain: 'default', description: '' }]);
  });

  it('bounds strings, roles and the number of members', () => {
    const huge = 'x'.repeat(100_000);
    const [m] = parseMembers([member({ message: huge, status: huge, roles: [...Array(100).keys()].map((i) => `r${i}${huge}`) })]);
    expect(m!.message.length).toBe(1024);
    expect(m!.status.length).toBe(64);
    expect(m!.roles.length).toBe(16);
    expect(m!.roles.every((r) => r.length <= 64)).toBe(true);
    expect(parseMembers(Array.from({ length: MAX_MEMBERS + 50 }, (_, i) => member({ server_name: `m${i}` }))).length).toBe(MAX_MEMBERS);
  });

  it('refuses what is not a list', () => {
    expect(() => parseMembers({ m1: member() })).toThrow(/not a list|other than a list/);
  });
});

describe('parseMemberState', () => {
  const state = { sysinfo: { uptime: 509, load_averages: [1.5, 0.9, 0.4], total_ram: 1000, free_ram: 600, shared_ram: 9, buffered_ram: 100, processes: 210 } };

  it('reads the load and memory', () => {
    expect(parseMemberState(state, 'm1')).toEqual({ load1: 1.5, load5: 0.9, load15: 0.4, memoryTotalBytes: 1000, memoryUsedBytes: 300, processes: 210, uptimeSeconds: 509 });
  });

  it('never reports negative use', () => {
    expect(parseMemberState({ sysinfo: { ...state.sysinfo, free_ram: 2000 } }, 'm1').memoryUsedBytes).toBe(0);
  });

  it('refuses a state without load or memory, naming the member', () => {
    expect(() => parseMemberState({ sysinfo: { ...state.sysinfo, load_averages: [1] } }, 'm2')).toThrow(/"m2"/);
    expect(() => parseMemberState({ sysinfo: { ...state.sysinfo, total_ram: 'lots' } }, 'm2')).toThrow(/load or memory/);
    expect(() => parseMemberState({ sysinfo: { ...state.sysinfo, total_ram: -1 } }, 'm2')).toThrow();
    expect(() => parseMemberState(null, 'm2')).toThrow();
  });
});

describe('parseCpuCount', () => {
  it('reads cpu.total and refuses nonsense', () => {
    expect(parseCpuCount({ cpu: { total: 2 } }, 'm1')).toBe(2);
    expect(() => parseCpuCount({ cpu: { total: 0 } }, 'm1')).toThrow(/CPU count/);
    expect(() => parseCpuCount({ cpu: { total: 1.5 } }, 'm1')).toThrow();
    expect(() => parseCpuCount({}, 'm1')).toThrow();
  });
});
