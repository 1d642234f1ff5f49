/**
 * The seccomp policy of every agent (`raw.seccomp`), which replaces Incus's generated one.
 * Filled in by the disk-escape work: Incus's defaults plus masked ioctl rules refusing btrfs
 * subvolume and snapshot creation.
 */
export function agentSeccompPolicy(): string {
  return '';
}
