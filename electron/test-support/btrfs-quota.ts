import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { btrfsPoolMounts, inconsistentPools, type PoolMount } from '../core/quota-health.js';
import { rootSubvolume } from '../core/telemetry/btrfs-quota.js';

const run = promisify(execFile);
/** A level-1 qgroup id no Incus pool uses. */
const SCRATCH_QGROUP = '1/4242';

/** The pool and subvolume of a running container, from its init's mountinfo (as root). */
export async function containerSubvolume(pid: number): Promise<{ pool: PoolMount; subvolid: number }> {
  const root = rootSubvolume(await readFile(`/proc/${pid}/mountinfo`, 'utf8'));
  if (!root) throw new Error(`the root of pid ${pid} is not on btrfs`);
  const pool = btrfsPoolMounts(await readFile('/proc/self/mountinfo', 'utf8')).find((p) => p.device === root.device);
  if (!pool) throw new Error(`no Incus pool is mounted from ${root.device}`);
  return { pool, subvolid: root.subvolid };
}

/**
 * Waits until btrfs has finished dropping deleted subvolumes (which is when their qgroups can
 * turn the accounting inconsistent), then rescans every inconsistent pool, as
 * scripts/setup-incus.sh does.
 */
export async function rescanQuotas(): Promise<void> {
  const mounts = btrfsPoolMounts(await readFile('/proc/self/mountinfo', 'utf8'));
  for (const p of mounts) await run('btrfs', ['subvolume', 'sync', p.mountPoint], { timeout: 60_000 });
  for (const p of inconsistentPools(mounts)) await run('btrfs', ['quota', 'rescan', '-w', p.mountPoint]);
}

/**
 * Makes btrfs mark a pool's quota accounting inconsistent, deterministically: the container's
 * subvolume, which shares extents with its image, joins a new parent qgroup without a rescan.
 * Returns the undo (leave the group, drop it, rescan).
 */
export async function breakQuotaAccounting(pid: number): Promise<() => Promise<void>> {
  const { pool, subvolid } = await containerSubvolume(pid);
  const mnt = pool.mountPoint;
  await run('btrfs', ['qgroup', 'create', SCRATCH_QGROUP, mnt]);
  await run('btrfs', ['qgroup', 'assign', '--no-rescan', `0/${subvolid}`, SCRATCH_QGROUP, mnt]);
  return async () => {
    await run('btrfs', ['qgroup', 'remove', '--no-rescan', `0/${subvolid}`, SCRATCH_QGROUP, mnt]).catch(() => undefined);
    await run('btrfs', ['qgroup', 'destroy', SCRATCH_QGROUP, mnt]).catch(() => undefined);
    await run('btrfs', ['quota', 'rescan', '-w', mnt]);
  };
}
