import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mountEntries } from '../mountinfo.js';
import { TOO_BIG, readBounded } from './bounded-read.js';

/**
 * The most of an agent's /proc/<pid>/mountinfo read (its mounts are its own to add): a few
 * thousand mounts. Past it the agent's quota is read from Incus instead.
 */
export const MOUNTINFO_MAX_BYTES = 256 * 1024;

/** Root disk use as btrfs counts it against the quota, and the quota itself (null: none). */
export interface QuotaUse {
  bytes: number;
  limitBytes: number | null;
}

/** The btrfs device and subvolume id mounted at `/` in a mountinfo text, or null when `/` is not btrfs. */
export function rootSubvolume(mountinfo: string): { device: string; subvolid: number } | null {
  const root = mountEntries(mountinfo).find((m) => m.mountPoint === '/');
  if (root?.fsType !== 'btrfs') return null;
  const id = /(?:^|,)subvolid=(\d+)(?:,|$)/.exec(root.superOptions)?.[1];
  return root.source && id ? { device: root.source, subvolid: Number(id) } : null;
}

/** The sysfs directory (/sys/fs/btrfs/<uuid>) of the btrfs filesystem on `device`, or null. */
export function btrfsSysDir(device: string, sysRoot = '/sys/fs/btrfs'): string | null {
  const name = device.split('/').pop();
  if (!name) return null;
  try {
    const uuid = readdirSync(sysRoot).find((u) => existsSync(`${sysRoot}/${u}/devices/${name}`));
    return uuid ? `${sysRoot}/${uuid}` : null;
  } catch {
    return null;
  }
}

function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * Reads a container's root disk use from the kernel's btrfs qgroup files: what the quota
 * (Incus's root `size`, a qgroup limit on referenced bytes) is checked against, including the
 * data the agent shares with its image. Incus's own state reports the exclusive bytes only,
 * which stay a whole image short of the quota, so a disk at its limit looked 75% full.
 * Microseconds per read and no daemon call; the subvolume comes from the init's mountinfo
 * (the init's pid is Incus's, its mountinfo read asynchronously and bounded).
 */
export class BtrfsQuotaSource {
  /** Init pid → its qgroup directory (null: not btrfs, or no qgroup). */
  private readonly dirs = new Map<number, string | null>();
  private readonly resolving = new Map<number, Promise<string | null>>();

  constructor(
    private readonly sysRoot = '/sys/fs/btrfs',
    private readonly procRoot = '/proc',
  ) {}

  /**
   * The use of the init's root subvolume; null when there is none (not btrfs, no qgroup);
   * undefined while it is being found (asynchronously, from the init's mountinfo).
   */
  read(pid: number): QuotaUse | null | undefined {
    const dir = this.dirs.get(pid);
    if (dir === undefined) {
      void this.resolve(pid);
      return undefined;
    }
    if (dir === null) return null;
    const bytes = readNumber(`${dir}/referenced`);
    if (bytes === null) {
      this.dirs.delete(pid); // subvolume gone (deleted or restored): resolve again next time
      return null;
    }
    const max = readNumber(`${dir}/max_referenced`);
    return { bytes, limitBytes: max ? max : null };
  }

  /** Finds (once per pid, asynchronously and bounded) the qgroup directory of the init's root. */
  resolve(pid: number): Promise<string | null> {
    const known = this.dirs.get(pid);
    if (known !== undefined) return Promise.resolve(known);
    let running = this.resolving.get(pid);
    if (!running) {
      running = this.find(pid)
        .catch(() => null)
        .then((dir) => {
          if (this.dirs.size > 4096) this.dirs.clear();
          this.dirs.set(pid, dir);
          return dir;
        })
        .finally(() => this.resolving.delete(pid));
      this.resolving.set(pid, running);
    }
    return running;
  }

  private async find(pid: number): Promise<string | null> {
    const mountinfo = await readBounded(`${this.procRoot}/${pid}/mountinfo`, MOUNTINFO_MAX_BYTES);
    if (mountinfo === null || mountinfo === TOO_BIG) return null;
    const root = rootSubvolume(mountinfo);
    const fs = root && btrfsSysDir(root.device, this.sysRoot);
    if (!root || !fs) return null;
    const dir = `${fs}/qgroups/0_${root.subvolid}`;
    return existsSync(`${dir}/referenced`) ? dir : null;
  }
}
