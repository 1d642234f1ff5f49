import { describe, expect, it } from 'vitest';
import { INCUS_DEFAULT_POLICY, REFUSED_BTRFS_IOCTLS, agentSeccompPolicy, refuseIoctlRule } from './seccomp.js';

/** `_IOW(type, nr, size)` as linux/ioctl.h computes it on x86_64. */
const iow = (type: number, nr: number, size: number) => ((1 << 30) | (size << 16) | (type << 8) | nr) >>> 0;

describe('agentSeccompPolicy', () => {
  const policy = agentSeccompPolicy();
  const lines = policy.split('\n');

  it('starts with Incus own default policy, unchanged and in order', () => {
    expect(lines.slice(0, INCUS_DEFAULT_POLICY.length)).toEqual(INCUS_DEFAULT_POLICY);
    expect(lines[0]).toBe('2');
    expect(lines[1]).toBe('denylist');
    expect(lines).toContain('[all]');
    expect(policy).toMatch(/^reject_force_umount/m);
    for (const call of ['kexec_load', 'open_by_handle_at', 'init_module', 'finit_module', 'delete_module']) {
      expect(lines).toContain(`${call} errno 38`);
    }
  });

  it('refuses the four subvolume and snapshot ioctls with EPERM under a 32-bit mask', () => {
    expect(policy).toContain('ioctl errno 1 [1,0x50009401,SCMP_CMP_MASKED_EQ,0xffffffff]');
    expect(policy).toContain('ioctl errno 1 [1,0x5000940e,SCMP_CMP_MASKED_EQ,0xffffffff]');
    expect(policy).toContain('ioctl errno 1 [1,0x50009417,SCMP_CMP_MASKED_EQ,0xffffffff]');
    expect(policy).toContain('ioctl errno 1 [1,0x50009418,SCMP_CMP_MASKED_EQ,0xffffffff]');
    expect(lines.filter((l) => l.startsWith('ioctl '))).toHaveLength(4);
    // a plain compare would be bypassed by setting the upper 32 bits of the request
    expect(policy).not.toMatch(/SCMP_CMP_EQ|==/);
  });

  it('puts the ioctl rules in the [all] section, which covers the compat arches too', () => {
    const lastSection = lines.map((l, i) => (l.startsWith('[') ? i : -1)).filter((i) => i >= 0).pop()!;
    expect(lines[lastSection]).toBe('[all]');
    expect(lines.findIndex((l) => l.startsWith('ioctl '))).toBeGreaterThan(lastSection);
  });

  it('uses the request numbers of linux/btrfs.h', () => {
    expect(REFUSED_BTRFS_IOCTLS).toEqual({
      BTRFS_IOC_SNAP_CREATE: iow(0x94, 1, 4096),
      BTRFS_IOC_SUBVOL_CREATE: iow(0x94, 14, 4096),
      BTRFS_IOC_SNAP_CREATE_V2: iow(0x94, 23, 4096),
      BTRFS_IOC_SUBVOL_CREATE_V2: iow(0x94, 24, 4096),
    });
  });

  it('ends with a newline and has no blank lines or trailing spaces', () => {
    expect(policy.endsWith('\n')).toBe(true);
    expect(lines.pop()).toBe('');
    for (const line of lines) {
      expect(line).not.toBe('');
      expect(line).toBe(line.trimEnd());
    }
  });
});

describe('refuseIoctlRule', () => {
  it('refuses anything but a 32-bit request', () => {
    expect(() => refuseIoctlRule(-1)).toThrow(/32-bit/);
    expect(() => refuseIoctlRule(2 ** 32)).toThrow(/32-bit/);
    expect(() => refuseIoctlRule(1.5)).toThrow(/32-bit/);
    expect(refuseIoctlRule(0xffffffff)).toBe('ioctl errno 1 [1,0xffffffff,SCMP_CMP_MASKED_EQ,0xffffffff]');
  });
});
