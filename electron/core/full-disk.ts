/**
 * An agent whose disk quota is full wedges Incus: `start` and config changes fail to write
 * the instance's backup.yaml (Incus keeps it on the agent's own subvolume), and deleting one
 * that holds nested subvolumes fails to destroy them. Changing the root disk's size still
 * works (the qgroup limit is applied before the backup file is written). So where the user
 * asks for exactly those things, Enclave lifts the quota, retries once, and says so.
 *
 * The lift only works while the agent is at its quota, not over it (btrfs then refuses the
 * qgroup change itself); an agent is only ever over it after its size was lowered below what
 * it holds.
 */
import { EnclaveError } from '../../shared/errors.js';
import { sizeBytes } from '../../shared/limits.js';
import type { IncusClient } from '../incus/client.js';
import { getInstance, patchInstance } from '../incus/instances.js';
import { findRoot, rootDeviceWithSize } from './limits-model.js';

/**
 * Why a new disk size would wedge the agent, or null: below what the agent holds, btrfs
 * refuses every later change of the qgroup, raising it included (checked on Incus 6.0.4 with
 * kernel 6.18), and only deleting files through Incus's file API gets it back.
 */
export function shrinkProblem(agent: string, size: string, usedBytes: number | null): string | null {
  const bytes = sizeBytes(size);
  if (!size || usedBytes === null || !Number.isFinite(bytes) || bytes >= usedBytes) return null;
  const mib = (n: number) => `${Math.ceil(n / 2 ** 20)}MiB`;
  return (
    `${agent} holds ${mib(usedBytes)} on its disk; a size of ${size} is below that, and btrfs would then refuse ` +
    `every later change of its quota. Choose at least ${mib(usedBytes * 1.1)}, or delete files in the agent first.`
  );
}

/** Whether Incus refused because a disk quota is exhausted (its own or btrfs's words). */
export function isDiskQuotaExceeded(err: unknown): boolean {
  return err instanceof Error && /disk quota exceeded/i.test(err.message);
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** A size with room to start again: 10% more, at least 256MiB more; '' when `current` is no size. */
export function raisedDiskSize(current: string): string {
  const bytes = sizeBytes(current);
  if (!Number.isFinite(bytes) || bytes <= 0) return '';
  const next = Math.ceil((bytes + Math.max(bytes / 10, 256 * MiB)) / MiB) * MiB;
  return next % GiB === 0 ? `${next / GiB}GiB` : `${next / MiB}MiB`;
}

export type LiftPurpose = 'start' | 'delete';

export interface QuotaLift {
  from: string;
  /** '' = no size any more (the pool decides). */
  to: string;
}

/** What the activity log and the progress line say about a lift. */
export function quotaLiftText(lift: QuotaLift, purpose: LiftPurpose): string {
  const to = lift.to || 'no size';
  return purpose === 'start'
    ? `its disk was full, so Incus could not start it: Enclave raised its disk size ${lift.from} → ${to} to start it`
    : `its disk was full, so Incus could not delete it: Enclave removed its disk size (${lift.from} → ${to}) to delete it`;
}

/** The root disk size the instance has now ('' when none). */
export function rootDiskSize(inst: { devices?: Record<string, Record<string, string>>; expanded_devices?: Record<string, Record<string, string>> }): string {
  return (findRoot(inst.devices) ?? findRoot(inst.expanded_devices))?.[1].size ?? '';
}

/**
 * Raises (for a start) or removes (for a delete) the root disk size of `name`. Null when the
 * root disk has no size: then the quota in the error was not the agent's own.
 */
export async function liftDiskQuota(client: IncusClient, name: string, purpose: LiftPurpose): Promise<QuotaLift | null> {
  const inst = await getInstance(client, name);
  const from = rootDiskSize(inst);
  if (!from) return null;
  const to = purpose === 'start' ? raisedDiskSize(from) : '';
  try {
    await patchInstance(client, name, { devices: rootDeviceWithSize(inst.devices, inst.expanded_devices, to) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new EnclaveError(
      'incus',
      `The disk of "${name}" is full and Incus could not change its size (${from} → ${to || 'no size'}): ${why}. ` +
        'An agent holding more than its size cannot have it changed; delete files from it first (incus file delete) and try again.',
    );
  }
  return { from, to };
}

/**
 * Runs `attempt`; when Incus refuses it because the agent's disk quota is full, lifts the
 * quota, tells `tell` what it did, and runs `retry` (default: `attempt` again) once.
 */
export async function withDiskQuotaLifted<T>(
  opts: { client: IncusClient; name: string; purpose: LiftPurpose; tell: (text: string) => void },
  attempt: () => Promise<T>,
  retry: () => Promise<T> = attempt,
): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!isDiskQuotaExceeded(err)) throw err;
    const lift = await liftDiskQuota(opts.client, opts.name, opts.purpose);
    if (!lift) throw err;
    opts.tell(quotaLiftText(lift, opts.purpose));
    return retry();
  }
}

type InstanceChange = { config?: Record<string, string>; devices?: Record<string, Record<string, string>> };

/**
 * PATCHes a limits change. When Incus refuses it because the agent's disk is full, the new
 * root disk size is applied on its own first (that is what un-wedges the agent), then the
 * rest, and a note says so. A change without a disk size gets a clear error instead: only
 * a bigger disk gets a full agent out.
 */
export async function patchFullAware(client: IncusClient, name: string, change: InstanceChange, currentSize: string, notes: string[]): Promise<void> {
  try {
    await patchInstance(client, name, change);
    return;
  } catch (err) {
    if (!isDiskQuotaExceeded(err)) throw err;
    const why = err instanceof Error ? err.message : String(err);
    const newSize = change.devices ? rootDiskSize({ devices: change.devices }) : undefined;
    if (newSize === undefined || !change.config) {
      throw new EnclaveError(
        'incus',
        `The disk of "${name}" is full (${currentSize || 'no size set'}), so Incus cannot save changes to it: ${why}. ` +
          (newSize === undefined ? 'Raise its disk limit, first or in the same change.' : 'Give it a disk size above what it holds.'),
      );
    }
    try {
      await patchInstance(client, name, { devices: change.devices });
    } catch (again) {
      const whyAgain = again instanceof Error ? again.message : String(again);
      throw new EnclaveError('incus', `The disk of "${name}" is full and Incus could not change its size (${currentSize || 'no size'} → ${newSize || 'no size'}): ${whyAgain}.`);
    }
    await patchInstance(client, name, { config: change.config });
    notes.push(
      `Its disk was full, so Incus could not save the change in one step: Enclave applied the disk size first (${currentSize || 'no size'} → ${newSize || 'no size'}), then the other limits.`,
    );
  }
}
