/**
 * The seccomp policy of every agent (`raw.seccomp`), which replaces Incus's generated one.
 *
 * Why: a root disk's `size` is a btrfs qgroup limit on the agent's subvolume, and a subvolume
 * root makes inside the agent (or a snapshot of one) is outside that qgroup, so an agent could
 * fill the pool through it. These ioctls are refused with EPERM.
 *
 * How (LXC's seccomp v2 syntax, src/lxc/seccomp.c): `ioctl errno 1 [1,VALUE,SCMP_CMP_MASKED_EQ,MASK]`,
 * argument 1 (the request) masked with 0xffffffff. Seccomp compares all 64 bits of an argument
 * while the kernel's ioctl truncates the request to 32, so a plain `==` is bypassed by setting
 * the upper bits (verified here). `[all]` also installs the rules for the compat arches, so the
 * i386 `int 0x80` ioctl is refused as well (verified; x32 is not built into this kernel).
 */

/** The ioctl requests refused, from linux/btrfs.h (`_IOW(0x94, nr, 4096-byte args)`). */
export const REFUSED_BTRFS_IOCTLS: Readonly<Record<string, number>> = {
  BTRFS_IOC_SNAP_CREATE: 0x50009401,
  BTRFS_IOC_SUBVOL_CREATE: 0x5000940e,
  BTRFS_IOC_SNAP_CREATE_V2: 0x50009417,
  BTRFS_IOC_SUBVOL_CREATE_V2: 0x50009418,
};

const EPERM = 1;
const REQUEST_MASK = 0xffffffff;

/**
 * Incus 6.0's generated default policy for a container without syscall interception, as it
 * writes it to /var/lib/incus/security/seccomp/<instance>: the policy `raw.seccomp` replaces.
 */
export const INCUS_DEFAULT_POLICY = [
  '2',
  'denylist',
  '[all]',
  'reject_force_umount  # comment this to allow umount -f;  not recommended',
  '[all]',
  'kexec_load errno 38',
  'open_by_handle_at errno 38',
  'init_module errno 38',
  'finit_module errno 38',
  'delete_module errno 38',
];

const hex = (n: number) => `0x${n.toString(16)}`;

/** One LXC rule refusing `ioctl(fd, request, …)` whatever the request's upper 32 bits hold. */
export function refuseIoctlRule(request: number): string {
  if (!Number.isInteger(request) || request < 0 || request > REQUEST_MASK) {
    throw new RangeError(`an ioctl request is a 32-bit number, not ${request}`);
  }
  return `ioctl errno ${EPERM} [1,${hex(request)},SCMP_CMP_MASKED_EQ,${hex(REQUEST_MASK)}]`;
}

export function agentSeccompPolicy(): string {
  const rules = Object.values(REFUSED_BTRFS_IOCTLS).map(refuseIoctlRule);
  return [...INCUS_DEFAULT_POLICY, ...rules].join('\n') + '\n';
}
