import { readFileSync } from 'node:fs';
import { cgroupLimit, type Reading } from './rates.js';

/** Where the kernel mounts cgroups. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** The cgroup LXC gives a container: lxc.payload.<name>, or lxc.payload.<project>_<name> outside the default project. */
export function cgroupName(project: string, name: string): string {
  return project === 'default' ? `lxc.payload.${name}` : `lxc.payload.${project}_${name}`;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** `key value` lines (cpu.stat, memory.events, memory.oom_control) → the value of key. */
export function keyed(text: string | null, key: string): number | null {
  if (text === null) return null;
  for (const line of text.split('\n')) {
    const [k, v] = line.split(' ');
    if (k === key && v !== undefined) return Number(v);
  }
  return null;
}

/** Bytes received and sent over every interface but lo, from /proc/<pid>/net/dev. */
export function netDevTotals(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    rx += Number(f[0]) || 0;
    tx += Number(f[8]) || 0;
  }
  return { rx, tx };
}

/**
 * Reads a running container's counters straight from its cgroup files (kernel files of a
 * fixed size, read synchronously): microseconds, no daemon call. cgroup v1 (cpuacct, memory, pids hierarchies) and v2 (the unified tree, at the
 * root or under unified/ on hybrid hosts) are both supported, chosen per file: v1 first.
 * Memory is the working set: usage (memory.usage_in_bytes / memory.current) less the inactive
 * file cache (memory.stat), which the kernel reclaims before it would OOM-kill. Incus reports
 * the usage with the cache; counting the cache made a plain file write look like a memory
 * alert to the guard.
 */
export class CgroupSource {
  constructor(private readonly root: string = CGROUP_ROOT) {}

  private v1(controller: string, cg: string, file: string): string | null {
    return read(`${this.root}/${controller}/${cg}/${file}`);
  }

  private v2(cg: string, file: string): string | null {
    return read(`${this.root}/unified/${cg}/${file}`) ?? read(`${this.root}/${cg}/${file}`);
  }

  /**
   * One reading, or null when the container has no cgroup (not running). The network counters
   * are not in a cgroup: the caller passes them (NetCounters).
   */
  read(project: string, name: string, at = Date.now(), net: { rx: number; tx: number } = { rx: 0, tx: 0 }): Reading | null {
    const cg = cgroupName(project, name);
    let cpuNs: number | null = null;
    const usage = this.v1('cpuacct', cg, 'cpuacct.usage');
    if (usage !== null) cpuNs = Number(usage);
    else {
      const usec = keyed(this.v2(cg, 'cpu.stat'), 'usage_usec');
      if (usec !== null) cpuNs = usec * 1000;
    }
    if (cpuNs === null) return null;

    let memoryBytes: number;
    let memoryLimitBytes: number | null;
    let oomKills: number;
    let writingBytes: number;
    const v1Usage = this.v1('memory', cg, 'memory.usage_in_bytes');
    if (v1Usage !== null) {
      const stat = this.v1('memory', cg, 'memory.stat');
      memoryBytes = workingSet(Number(v1Usage), keyed(stat, 'total_inactive_file'));
      memoryLimitBytes = cgroupLimit(this.v1('memory', cg, 'memory.limit_in_bytes'));
      oomKills = keyed(this.v1('memory', cg, 'memory.oom_control'), 'oom_kill') ?? 0;
      writingBytes = (keyed(stat, 'total_dirty') ?? 0) + (keyed(stat, 'total_writeback') ?? 0);
    } else {
      const stat = this.v2(cg, 'memory.stat');
      memoryBytes = workingSet(Number(this.v2(cg, 'memory.current') ?? 0), keyed(stat, 'inactive_file'));
      memoryLimitBytes = cgroupLimit(this.v2(cg, 'memory.max'));
      oomKills = keyed(this.v2(cg, 'memory.events'), 'oom_kill') ?? 0;
      writingBytes = (keyed(stat, 'file_dirty') ?? 0) + (keyed(stat, 'file_writeback') ?? 0);
    }

    const pidsCurrent = this.v1('pids', cg, 'pids.current') ?? this.v2(cg, 'pids.current');
    const pidsMax = this.v1('pids', cg, 'pids.max') ?? this.v2(cg, 'pids.max');

    return {
      at,
      cpuNs,
      memoryBytes,
      memoryLimitBytes,
      processes: Number(pidsCurrent ?? 0),
      processesLimit: cgroupLimit(pidsMax),
      netRxBytes: net.rx,
      netTxBytes: net.tx,
      oomKills,
      writingBytes,
    };
  }

}

/** Usage less the inactive file cache, never below zero. */
export function workingSet(usage: number, inactiveFile: number | null): number {
  return Math.max(0, usage - (inactiveFile ?? 0));
}
