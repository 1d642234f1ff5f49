import type { TelemetrySample } from '../../../shared/types.js';

/** Cumulative counters and gauges of one agent at one moment, as a source read them. */
export interface Reading {
  /** Milliseconds since the epoch. */
  at: number;
  /** CPU time used since the agent started, nanoseconds. */
  cpuNs: number;
  /** Null: the source does not give it (see TelemetrySample). */
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  processes: number | null;
  processesLimit: number | null;
  /** Bytes since the agent started, summed over its interfaces other than lo. */
  netRxBytes: number;
  netTxBytes: number;
  oomKills: number | null;
  /** Dirty and under-writeback page cache (local cgroups only): the agent is writing to disk. */
  writingBytes?: number;
}

/** Cores an agent may use: "2" (a count, at most the host's), "50%" (a share of the host), '' → null. */
export function limitCores(cpu: string, hostCores: number): number | null {
  if (!cpu) return null;
  if (cpu.endsWith('%')) return (Number(cpu.slice(0, -1)) / 100) * hostCores;
  const n = Number(cpu);
  return Number.isFinite(n) && n > 0 ? Math.min(n, hostCores) : null;
}

/** Per-second increase of a counter; 0 on the first reading, after a reset (restart) or without elapsed time. */
export function perSecond(prev: number | undefined, cur: number, seconds: number): number {
  if (prev === undefined || !(seconds > 0) || cur < prev) return 0;
  return (cur - prev) / seconds;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * A sample from two readings of the same agent: rates over the interval between them. The
 * first reading (prev null) gives zero rates rather than rates since the agent started.
 */
export function toSample(
  agent: string,
  prev: Reading | null,
  cur: Reading,
  opts: { hostCores: number; limitCores: number | null; diskBytes: number | null; diskLimitBytes: number | null },
): TelemetrySample {
  const seconds = prev ? (cur.at - prev.at) / 1000 : 0;
  const cpuCoresBusy = perSecond(prev?.cpuNs, cur.cpuNs, seconds) / 1e9;
  const hostCores = opts.hostCores > 0 ? opts.hostCores : 1;
  return {
    agent,
    at: cur.at,
    cpuHostPercent: round1(Math.min(100, (cpuCoresBusy / hostCores) * 100)),
    cpuLimitPercent: opts.limitCores && opts.limitCores > 0 ? round1((cpuCoresBusy / opts.limitCores) * 100) : null,
    memoryBytes: cur.memoryBytes,
    memoryLimitBytes: cur.memoryLimitBytes,
    processes: cur.processes,
    processesLimit: cur.processesLimit,
    diskBytes: opts.diskBytes,
    diskLimitBytes: opts.diskLimitBytes,
    netRxBytesPerSec: Math.round(perSecond(prev?.netRxBytes, cur.netRxBytes, seconds)),
    netTxBytesPerSec: Math.round(perSecond(prev?.netTxBytes, cur.netTxBytes, seconds)),
    oomKills: cur.oomKills,
  };
}

/** A cgroup limit value: "max" (v2) or a near-2^63 page-rounded number (v1) mean unlimited. */
export function cgroupLimit(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (t === '' || t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) && n < 2 ** 62 ? n : null;
}
