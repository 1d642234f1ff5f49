/** Checks of resource limits as Incus writes them; each problem states the accepted forms. */
import type { AgentLimits } from './types.js';

export const CPU_RULE =
  'CPU is empty (unlimited), a number of cores such as "2", or a share of the host such as "50%".';
export const MEMORY_RULE =
  'Memory is empty (unlimited), a size such as "512MiB" or "2GiB" (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), or a share of the host such as "25%".';
export const PROCESSES_RULE = 'Processes is empty (unlimited) or a whole number of at least 10, such as "500".';
export const DISK_RULE = 'Disk is empty (the pool decides) or a size such as "10GiB" (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB).';

const SIZE = /^\d+(\.\d+)?(B|kB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;
const PERCENT = /^([1-9]\d?|100)%$/;

export function cpuProblem(v: string): string | null {
  if (v === '' || /^[1-9]\d{0,3}$/.test(v) || PERCENT.test(v)) return null;
  return `"${v}" is not a CPU limit. ${CPU_RULE}`;
}

export function memoryProblem(v: string): string | null {
  if (v === '' || PERCENT.test(v)) return null;
  if (SIZE.test(v) && sizeBytes(v) >= 32 * 1024 * 1024) return null;
  if (SIZE.test(v)) return `"${v}" is below 32MiB, too little for an agent. ${MEMORY_RULE}`;
  return `"${v}" is not a memory limit. ${MEMORY_RULE}`;
}

export function processesProblem(v: string): string | null {
  if (v === '' || (/^\d{1,7}$/.test(v) && Number(v) >= 10)) return null;
  return `"${v}" is not a process limit. ${PROCESSES_RULE}`;
}

export function diskProblem(v: string): string | null {
  if (v === '') return null;
  // The quota counts the data an agent shares with its image too: below that it cannot write.
  if (SIZE.test(v) && sizeBytes(v) >= 1024 ** 3) return null;
  if (SIZE.test(v)) return `"${v}" is below 1GiB; the root disk holds the image's files too. ${DISK_RULE}`;
  return `"${v}" is not a disk size. ${DISK_RULE}`;
}

export const LIMIT_PROBLEMS: Record<keyof AgentLimits, (v: string) => string | null> = {
  cpu: cpuProblem,
  memory: memoryProblem,
  processes: processesProblem,
  disk: diskProblem,
};

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** Bytes of an Incus size such as "512MiB"; NaN when it is not one. */
export function sizeBytes(v: string): number {
  const m = v.match(/^(\d+(?:\.\d+)?)(B|kB|MB|GB|TB|KiB|MiB|GiB|TiB)$/);
  return m ? Math.round(Number(m[1]) * (UNITS[m[2] ?? ''] ?? NaN)) : NaN;
}
