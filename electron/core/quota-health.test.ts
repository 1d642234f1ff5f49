import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { btrfsPoolMounts, daemonDirOf, inconsistentPools, quotaWarning } from './quota-health.js';

const mountinfo = [
  '25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '60 25 0:44 / /var/lib/incus/storage-pools/enclave rw,relatime shared:30 - btrfs /dev/loop0 rw,space_cache=v2,subvolid=5,subvol=/',
  '61 25 0:45 / /var/lib/incus/storage-pools/fast rw,relatime shared:31 - btrfs /dev/nvme0n1p3 rw,subvolid=5,subvol=/',
  '62 25 0:46 / /var/lib/incus/storage-pools/plain rw,relatime shared:32 - ext4 /dev/loop1 rw',
  '63 25 0:47 / /mnt/storage-pools/other/deeper rw - btrfs /dev/loop2 rw',
  '64 25 0:48 / /var/lib/enclave-faults-x1/storage-pools/faults rw - btrfs /dev/loop3 rw',
].join('\n');

describe('quota health', () => {
  it("keeps to one daemon's pools when told its folder: a second incusd's are not its own", () => {
    expect(btrfsPoolMounts(mountinfo, daemonDirOf('/var/lib/incus/unix.socket')).map((p) => p.pool)).toEqual(['enclave', 'fast']);
    expect(btrfsPoolMounts(mountinfo, daemonDirOf('/run/incus/unix.socket')).map((p) => p.pool)).toEqual(['enclave', 'fast']);
    expect(btrfsPoolMounts(mountinfo, daemonDirOf('/var/lib/enclave-faults-x1/unix.socket')).map((p) => p.pool)).toEqual(['faults']);
  });

  it('finds the btrfs pools Incus mounted, and only those', () => {
    expect(btrfsPoolMounts(mountinfo).filter((p) => !p.mountPoint.includes('faults'))).toEqual([
      { pool: 'enclave', mountPoint: '/var/lib/incus/storage-pools/enclave', device: '/dev/loop0' },
      { pool: 'fast', mountPoint: '/var/lib/incus/storage-pools/fast', device: '/dev/nvme0n1p3' },
    ]);
  });

  it('reports the pools whose filesystem has inconsistent qgroups; quotas off or unknown are fine', () => {
    const sys = mkdtempSync(join(tmpdir(), 'enclave-btrfs-'));
    const put = (path: string, text: string) => {
      mkdirSync(join(sys, path, '..'), { recursive: true });
      writeFileSync(join(sys, path), text);
    };
    try {
      put('aaaa/devices/loop0', '');
      put('aaaa/qgroups/inconsistent', '1\n');
      put('bbbb/devices/nvme0n1p3', '');
      put('bbbb/qgroups/inconsistent', '0\n');
      const pools = btrfsPoolMounts(mountinfo);
      expect(inconsistentPools(pools, sys).map((p) => p.pool)).toEqual(['enclave']);
      rmSync(join(sys, 'aaaa/qgroups'), { recursive: true });
      expect(inconsistentPools(pools, sys)).toEqual([]);
      expect(inconsistentPools(pools, join(sys, 'missing'))).toEqual([]);
    } finally {
      rmSync(sys, { recursive: true });
    }
  });

  it('says what is wrong and the command that fixes it', () => {
    expect(quotaWarning([])).toBeNull();
    const text = quotaWarning([{ pool: 'enclave', mountPoint: '/var/lib/incus/storage-pools/enclave', device: '/dev/loop0' }]);
    expect(text).toContain('Disk sizes on storage pool enclave are not enforced right now');
    expect(text).toContain('sudo btrfs quota rescan -w /var/lib/incus/storage-pools/enclave');
  });
});
