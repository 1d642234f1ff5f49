import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IncusError } from '../incus/errors.js';
import type { IncusClient } from '../incus/client.js';

const incus = vi.hoisted(() => ({ getInstance: vi.fn(), patchInstance: vi.fn() }));
vi.mock('../incus/instances.js', () => incus);

const { isDiskQuotaExceeded, patchFullAware, quotaLiftText, raisedDiskSize, rootDiskSize, shrinkProblem, withDiskQuotaLifted } = await import('./full-disk.js');

const client = {} as IncusClient;
const BACKUP = 'Failed to write backup file: Failed to create file "/var/lib/incus/containers/a/backup.yaml": open /var/lib/incus/containers/a/backup.yaml: disk quota exceeded';
const SUBVOL = 'Error deleting storage volume: … (ERROR: Could not destroy subvolume/snapshot: Disk quota exceeded)';
const root = (size?: string) => ({ root: { type: 'disk', path: '/', pool: 'enclave', ...(size ? { size } : {}) } });

describe('isDiskQuotaExceeded', () => {
  it('knows both of Incus refusals of a full agent', () => {
    expect(isDiskQuotaExceeded(new IncusError(BACKUP, 400))).toBe(true);
    expect(isDiskQuotaExceeded(new IncusError(SUBVOL, 400))).toBe(true);
    expect(isDiskQuotaExceeded(new IncusError('The instance is already running', 400))).toBe(false);
    expect(isDiskQuotaExceeded('disk quota exceeded')).toBe(false);
  });
});

describe('raisedDiskSize', () => {
  it('gives at least 256MiB or 10% more, in whole MiB', () => {
    expect(raisedDiskSize('1GiB')).toBe('1280MiB');
    expect(raisedDiskSize('10GiB')).toBe('11GiB');
    expect(raisedDiskSize('3GB')).toBe(`${Math.ceil((3e9 + 3e8) / 2 ** 20)}MiB`);
  });
  it('has nothing to raise without a size', () => {
    expect(raisedDiskSize('')).toBe('');
    expect(raisedDiskSize('lots')).toBe('');
  });
});

describe('quotaLiftText and rootDiskSize', () => {
  it('names the old and new size', () => {
    expect(quotaLiftText({ from: '1GiB', to: '1280MiB' }, 'start')).toContain('1GiB → 1280MiB');
    expect(quotaLiftText({ from: '1GiB', to: '' }, 'delete')).toContain('1GiB → no size');
  });
  it('reads the own root device first, then the inherited one', () => {
    expect(rootDiskSize({ devices: root('2GiB'), expanded_devices: root('1GiB') })).toBe('2GiB');
    expect(rootDiskSize({ devices: {}, expanded_devices: root('1GiB') })).toBe('1GiB');
    expect(rootDiskSize({ devices: {}, expanded_devices: root() })).toBe('');
  });
});

describe('withDiskQuotaLifted', () => {
  beforeEach(() => {
    incus.getInstance.mockReset().mockResolvedValue({ devices: {}, expanded_devices: root('1GiB') });
    incus.patchInstance.mockReset().mockResolvedValue(null);
  });

  it('raises the size, says so and retries a start refused for a full disk', async () => {
    const said: string[] = [];
    const attempt = vi.fn().mockRejectedValueOnce(new IncusError(BACKUP, 400)).mockResolvedValue('started');
    const retry = vi.fn().mockResolvedValue('started again');
    const out = await withDiskQuotaLifted({ client, name: 'a', purpose: 'start', tell: (t) => said.push(t) }, attempt, retry);
    expect(out).toBe('started again');
    expect(incus.patchInstance).toHaveBeenCalledWith(client, 'a', { devices: root('1280MiB') });
    expect(said).toEqual([expect.stringContaining('1GiB → 1280MiB')]);
  });

  it('removes the size for a delete', async () => {
    const attempt = vi.fn().mockRejectedValueOnce(new IncusError(SUBVOL, 400)).mockResolvedValue('deleted');
    const said: string[] = [];
    expect(await withDiskQuotaLifted({ client, name: 'a', purpose: 'delete', tell: (t) => said.push(t) }, attempt)).toBe('deleted');
    expect(incus.patchInstance).toHaveBeenCalledWith(client, 'a', { devices: root() });
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(said[0]).toContain('removed its disk size');
  });

  it('leaves other failures, and quotas that are not the agent own, alone', async () => {
    const tell = vi.fn();
    await expect(withDiskQuotaLifted({ client, name: 'a', purpose: 'start', tell }, () => Promise.reject(new IncusError('nope', 400)))).rejects.toThrow('nope');
    incus.getInstance.mockResolvedValue({ devices: {}, expanded_devices: root() });
    await expect(withDiskQuotaLifted({ client, name: 'a', purpose: 'start', tell }, () => Promise.reject(new IncusError(BACKUP, 400)))).rejects.toThrow(/backup file/);
    expect(incus.patchInstance).not.toHaveBeenCalled();
    expect(tell).not.toHaveBeenCalled();
  });

  it('explains when Incus cannot change the size either', async () => {
    incus.patchInstance.mockRejectedValue(new IncusError('Failed to update device "root": … Disk quota exceeded', 400));
    await expect(
      withDiskQuotaLifted({ client, name: 'a', purpose: 'start', tell: vi.fn() }, () => Promise.reject(new IncusError(BACKUP, 400))),
    ).rejects.toThrow(/could not change its size \(1GiB → 1280MiB\).*delete files/);
  });
});

describe('patchFullAware', () => {
  beforeEach(() => {
    incus.patchInstance.mockReset();
  });

  it('applies the disk size first, then the rest, when the one-step change is refused', async () => {
    incus.patchInstance.mockRejectedValueOnce(new IncusError(BACKUP, 400)).mockResolvedValue(null);
    const notes: string[] = [];
    const change = { config: { 'limits.memory': '300MiB' }, devices: root('2GiB') };
    await patchFullAware(client, 'a', change, '1GiB', notes);
    expect(incus.patchInstance.mock.calls.map((c) => c[2])).toEqual([change, { devices: root('2GiB') }, { config: change.config }]);
    expect(notes).toEqual([expect.stringContaining('1GiB → 2GiB')]);
  });

  it('says plainly that a full agent needs a bigger disk first', async () => {
    incus.patchInstance.mockRejectedValue(new IncusError(BACKUP, 400));
    await expect(patchFullAware(client, 'a', { config: { 'limits.memory': '300MiB' } }, '1GiB', [])).rejects.toThrow(/is full \(1GiB\).*Raise its disk limit/);
    expect(incus.patchInstance).toHaveBeenCalledTimes(1);
  });
});

describe('shrinkProblem', () => {
  it('refuses a size below what the agent holds, naming both and a size that works', () => {
    expect(shrinkProblem('a', '1GiB', 1.5 * 2 ** 30)).toBe(
      'a holds 1536MiB on its disk; a size of 1GiB is below that, and btrfs would then refuse every later change of its quota. Choose at least 1690MiB, or delete files in the agent first.',
    );
  });

  it('lets through a size at or above the use, no size, and an unknown use', () => {
    expect(shrinkProblem('a', '2GiB', 1.5 * 2 ** 30)).toBeNull();
    expect(shrinkProblem('a', '', 1.5 * 2 ** 30)).toBeNull();
    expect(shrinkProblem('a', '1GiB', null)).toBeNull();
  });
});
