/**
 * How often an agent's root disk use is read. Each read is a state call (~24 ms of daemon
 * time), so an idle disk is read rarely; a disk being written to, or close to its quota, is
 * read often enough that the guard's disk rule sees a fill within seconds.
 */

/** Focused agents' idle disks… */
export const DISK_FOCUSED_MS = 30_000;
/** …and everyone else's. */
export const DISK_OTHERS_MS = 60_000;
/** While an agent writes, and for a while after, and while its disk is near the quota. */
export const DISK_ACTIVE_MS = 3_000;
/** Dirty plus under-writeback page cache above this means the agent is writing. */
export const WRITING_BYTES = 4 * 2 ** 20;
/** How long a disk counts as active after the agent last wrote. */
export const ACTIVE_AFTER_WRITE_MS = 30_000;
/** Use at or above this share of the quota keeps the disk active. */
export const NEAR_QUOTA = 0.75;

export interface DiskCadenceInput {
  focused: boolean;
  /** When the agent was last seen writing (ms since the epoch), or null. */
  lastWriteAt: number | null;
  /** Last known use and quota, bytes. */
  bytes: number | null;
  limitBytes: number | null;
  now: number;
}

export function diskInterval({ focused, lastWriteAt, bytes, limitBytes, now }: DiskCadenceInput): number {
  if (lastWriteAt !== null && now - lastWriteAt < ACTIVE_AFTER_WRITE_MS) return DISK_ACTIVE_MS;
  if (bytes !== null && limitBytes && bytes >= NEAR_QUOTA * limitBytes) return DISK_ACTIVE_MS;
  return focused ? DISK_FOCUSED_MS : DISK_OTHERS_MS;
}
