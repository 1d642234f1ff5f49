import { describe, expect, it } from 'vitest';
import type { ClusterMember } from '../../../shared/servers.js';
import { memberChoices, memberLoadText, memberTone, memoryShare } from './cluster-format.js';

const member = (name: string, status: string): ClusterMember => ({
  name,
  url: `https://${name}:8443`,
  status,
  message: '',
  roles: [],
  load: { cpus: 4, load1: 1.236, memoryUsedBytes: 4 * 1024 ** 3, memoryTotalBytes: 16 * 1024 ** 3 },
  agents: 2,
});

describe('cluster members', () => {
  it('tones Incus statuses', () => {
    expect(['Online', 'Evacuated', 'Offline', 'Blocked'].map(memberTone)).toEqual(['online', 'evacuated', 'offline', 'other']);
  });
  it('reads the load', () => {
    expect(memberLoadText(member('m1', 'Online').load)).toEqual({ cpu: '1.24 / 4 CPUs', memory: '4 GiB of 16 GiB' });
    expect(memberLoadText(null)).toBeNull();
    expect(memoryShare(member('m1', 'Online').load)).toBe(0.25);
    expect(memoryShare({ cpus: 1, load1: 0, memoryUsedBytes: 1, memoryTotalBytes: 0 })).toBeNull();
  });
  it('offers only online members, naming why the others are off, and leaves out the current one', () => {
    const members = [member('m1', 'Online'), member('m2', 'Evacuated'), member('m3', 'Offline')];
    expect(memberChoices(members)).toEqual([
      { name: 'm1', label: 'm1', disabled: false },
      { name: 'm2', label: 'm2 (Evacuated)', disabled: true },
      { name: 'm3', label: 'm3 (Offline)', disabled: true },
    ]);
    expect(memberChoices(members, 'm1').map((c) => c.name)).toEqual(['m2', 'm3']);
  });
});
