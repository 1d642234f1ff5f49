import { describe, expect, it } from 'vitest';
import { mountPathProblem, mountRule } from './mount-support.js';

const KERNEL = { idmappedMounts: true, version: '6.18.44' };
const EXT4 = 0xef53;
const TMPFS = 0x01021994;

describe('mountRule', () => {
  it('allows the filesystems measured to work (ext4, btrfs, tmpfs on a new kernel)', () => {
    expect(mountRule('/p', EXT4, KERNEL)).toEqual({ possible: true });
    expect(mountRule('/p', 0x9123683e, KERNEL)).toEqual({ possible: true });
    expect(mountRule('/p', TMPFS, KERNEL)).toEqual({ possible: true });
  });

  it('says the kernel has no idmapped mounts, naming its version', () => {
    expect(mountRule('/p', EXT4, { idmappedMounts: false, version: '5.4.0' })).toEqual({
      possible: false,
      reason: 'The kernel Incus runs on (5.4.0) has no idmapped mounts, so Incus cannot show the folder\'s files with their owners inside the agent.',
    });
  });

  it('refuses overlayfs, NFS and FUSE by name', () => {
    expect(mountRule('/p', 0x794c7630, KERNEL)).toMatchObject({ possible: false, reason: '/p is on overlayfs, which does not support the idmapped mounts a live mount needs.' });
    expect(mountRule('/p', 0x6969, KERNEL)).toMatchObject({ possible: false, reason: expect.stringContaining('NFS') });
    expect(mountRule('/p', 0x65735546, KERNEL)).toMatchObject({ possible: false, reason: expect.stringContaining('FUSE') });
  });

  it('refuses tmpfs before Linux 6.3', () => {
    expect(mountRule('/p', TMPFS, { idmappedMounts: true, version: '6.1.0-13-amd64' })).toEqual({
      possible: false,
      reason: '/p is on tmpfs, which supports idmapped mounts from Linux 6.3; this kernel is 6.1.0-13-amd64.',
    });
  });

  it('refuses a filesystem it does not know, with its magic', () => {
    expect(mountRule('/p', 0x1234, KERNEL)).toMatchObject({ possible: false, reason: expect.stringContaining('type 0x1234') });
  });
});

describe('mountPathProblem', () => {
  it("refuses the root and Incus's own folders", () => {
    expect(mountPathProblem('/')).toMatch(/whole file system/);
    expect(mountPathProblem('/var/lib/incus/containers')).toMatch(/Incus keeps for itself/);
    expect(mountPathProblem('/var/lib/incusx')).toBeNull();
    expect(mountPathProblem('/home/ann/shop')).toBeNull();
  });
});
