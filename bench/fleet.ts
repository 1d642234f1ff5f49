/**
 * What the scale benchmarks share: many running agents launched with the incus CLI in parallel
 * batches, deleted the same way, and the CPU time of processes read from /proc.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { incus } from './support.js';

/** Runs `work` over `items`, at most `width` at a time. Rejects with the first failure, after all settled. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure) throw failure;
}

/** Launches (creates and starts) the named agents from `image` in `project`, `width` at a time. */
export async function launchAgents(project: string, image: string, names: string[], width = 8, stop = () => false): Promise<void> {
  await inBatches(names, width, async (name) => {
    if (stop()) return;
    await incus(['launch', image, name, '--project', project]);
  });
}

/** Force-deletes the named agents, `width` at a time; failures are reported, not thrown. */
export async function deleteAgents(project: string, names: string[], width = 10): Promise<void> {
  await inBatches(names, width, (name) => incus(['delete', '--force', name, '--project', project]).catch(() => undefined));
}

/**
 * The pid of the Incus daemon, found by its command line. `pgrep -x incusd` is not enough:
 * every container's `[lxc monitor]` process carries the same comm.
 */
export function incusdPid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const exe = argv[0] ?? '';
    if ((exe === 'incusd' || exe.endsWith('/incusd')) && !argv.includes('forkexec') && !argv.some((a) => a.startsWith('fork'))) {
      return Number(entry);
    }
  }
  throw new Error('no incusd process found (looked for a command line starting with …/incusd)');
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The user+system CPU time a process has used so far, in seconds (from /proc/<pid>/stat). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The comm field may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** This process's CPU time so far, in seconds. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** CPU time as a percentage of one core over a wall-clock span. */
export const pctOfCore = (cpuSeconds: number, wallMs: number) => (100 * cpuSeconds) / (wallMs / 1000);
