import { realpath, stat, statfs } from 'node:fs/promises';
import type { IncusClient } from '../../incus/client.js';

export type MountSupport = { possible: true } | { possible: false; reason: string };

/** What Incus says of the kernel it runs on (GET /1.0 environment). */
export interface MountKernel {
  idmappedMounts: boolean;
  /** e.g. "6.18.44"; '' when Incus does not say. */
  version: string;
}

/**
 * Filesystems by statfs magic, and whether an idmapped (`shift=true`) disk of a folder on them
 * works. Measured on Incus 6.0.4 / kernel 6.18 by adding a shifted disk of a folder on each to a
 * running container: ext4, btrfs, tmpfs and squashfs mount; overlayfs is refused by Incus
 * ("Required idmapping abilities not available"). The others follow the kernel's support
 * (FS_ALLOW_IDMAP): xfs has it since 5.12, tmpfs only since 6.3; NFS, SMB, 9p, Ceph, eCryptfs
 * have none; FUSE only where the FUSE server opts in (6.12 and later), which Incus cannot know.
 */
const FILESYSTEMS: Record<number, { name: string; idmap: true | false | { sinceKernel: [number, number] } }> = {
  0xef53: { name: 'ext4', idmap: true },
  0x9123683e: { name: 'btrfs', idmap: true },
  0x58465342: { name: 'xfs', idmap: true },
  0x73717368: { name: 'squashfs', idmap: true },
  0x01021994: { name: 'tmpfs', idmap: { sinceKernel: [6, 3] } },
  0x794c7630: { name: 'overlayfs', idmap: false },
  0x6969: { name: 'NFS', idmap: false },
  0xff534d42: { name: 'SMB (CIFS)', idmap: false },
  0xfe534d42: { name: 'SMB', idmap: false },
  0x65735546: { name: 'FUSE', idmap: false },
  0x01021997: { name: '9p', idmap: false },
  0x00c36400: { name: 'Ceph', idmap: false },
  0xf15f: { name: 'eCryptfs', idmap: false },
  0x2fc12fc1: { name: 'ZFS', idmap: false },
};

/** Folders Incus keeps for itself: a disk device of them is refused or hands Incus's own state to an agent. */
const INCUS_DIRS = ['/var/lib/incus', '/var/snap/incus', '/run/incus', '/var/log/incus'];

function kernelAtLeast(version: string, [major, minor]: [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a > major || (a === major && b >= minor);
}

/**
 * The pure rule: whether a shifted disk of a folder on filesystem `fsType` (statfs magic) works
 * with this kernel, and exactly why not.
 */
export function mountRule(path: string, fsType: number, kernel: MountKernel): MountSupport {
  if (!kernel.idmappedMounts) {
    return {
      possible: false,
      reason: `The kernel Incus runs on${kernel.version ? ` (${kernel.version})` : ''} has no idmapped mounts, so Incus cannot show the folder's files with their owners inside the agent.`,
    };
  }
  const fs = FILESYSTEMS[fsType];
  const hex = `0x${fsType.toString(16)}`;
  if (!fs) {
    return { possible: false, reason: `${path} is on a filesystem Enclave does not know (type ${hex}); Enclave mounts only folders on filesystems known to support idmapped mounts (ext4, btrfs, xfs, tmpfs).` };
  }
  if (fs.idmap === true) return { possible: true };
  if (fs.idmap === false) {
    return { possible: false, reason: `${path} is on ${fs.name}, which does not support the idmapped mounts a live mount needs.` };
  }
  if (kernelAtLeast(kernel.version, fs.idmap.sinceKernel)) return { possible: true };
  const [major, minor] = fs.idmap.sinceKernel;
  return {
    possible: false,
    reason: `${path} is on ${fs.name}, which supports idmapped mounts from Linux ${major}.${minor}; this kernel is ${kernel.version || 'older or unknown'}.`,
  };
}

/** Where a host folder is refused before the filesystem is asked. */
export function mountPathProblem(resolved: string): string | null {
  if (resolved === '/') return 'The whole file system cannot be a workspace: choose the folder of your project.';
  const own = INCUS_DIRS.find((d) => resolved === d || resolved.startsWith(`${d}/`));
  if (own) return `${resolved} is inside ${own}, which Incus keeps for itself.`;
  return null;
}

export async function mountKernel(client: IncusClient): Promise<MountKernel> {
  const info = await client.get<{ environment?: { kernel_version?: string; kernel_features?: Record<string, string> } }>('/1.0', { project: null });
  const env = info.environment ?? {};
  return { idmappedMounts: env.kernel_features?.idmapped_mounts === 'true', version: env.kernel_version ?? '' };
}

/**
 * Whether an idmapped (`shift=true`) disk device of this host folder works, and exactly why not:
 * the folder itself, the kernel Incus runs on, or the folder's filesystem.
 */
export async function mountSupport(path: string, client: IncusClient): Promise<MountSupport> {
  let resolved: string;
  try {
    resolved = await realpath(path);
    if (!(await stat(resolved)).isDirectory()) return { possible: false, reason: `${path} is not a folder.` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by Enclave' : `cannot be opened (${code ?? 'error'})`;
    return { possible: false, reason: `${path} ${why}.` };
  }
  const refused = mountPathProblem(resolved);
  if (refused) return { possible: false, reason: refused };
  const [kernel, fs] = await Promise.all([mountKernel(client), statfs(resolved)]);
  return mountRule(resolved, Number(fs.type), kernel);
}
