import type { IncusClient } from '../../incus/client.js';
import type { Reading } from './rates.js';

/** The daemon caches /1.0/metrics for this long: polling faster returns the same numbers. */
export const METRICS_CACHE_MS = 8000;

export interface MetricLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → its samples (comments and malformed lines skipped). */
export function parsePrometheus(text: string): MetricLine[] {
  const out: MetricLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/);
    if (!m?.[1] || m[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      if (l[1]) labels[l[1]] = (l[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = Number(m[3]);
    if (!Number.isNaN(value)) out.push({ name: m[1], labels, value });
  }
  return out;
}

/** A reading per instance, plus its root filesystem use where the daemon reports it. */
export interface MetricsReading extends Reading {
  diskBytes: number | null;
}

/**
 * Per-instance readings from the metrics text. Memory use is MemTotal − MemAvailable as Incus
 * exposes them; limits are left null (the sampler takes them from the agent's own limits).
 */
export function readingsFromMetrics(text: string, at = Date.now()): Map<string, MetricsReading> {
  const byName = new Map<string, MetricsReading & { memTotal: number; memAvailable: number; fsSize: number | null; fsAvail: number | null }>();
  for (const { name: metric, labels, value } of parsePrometheus(text)) {
    const inst = labels.name;
    if (!inst) continue;
    let r = byName.get(inst);
    if (!r) {
      r = {
        at, cpuNs: 0, memoryBytes: 0, memoryLimitBytes: null, processes: 0, processesLimit: null,
        netRxBytes: 0, netTxBytes: 0, oomKills: 0, diskBytes: null, memTotal: 0, memAvailable: 0, fsSize: null, fsAvail: null,
      };
      byName.set(inst, r);
    }
    const notLo = labels.device !== 'lo';
    switch (metric) {
      case 'incus_cpu_seconds_total':
        r.cpuNs += value * 1e9;
        break;
      case 'incus_memory_MemTotal_bytes':
        r.memTotal = value;
        break;
      case 'incus_memory_MemAvailable_bytes':
        r.memAvailable = value;
        break;
      case 'incus_procs_total':
        r.processes = value;
        break;
      case 'incus_memory_OOM_kills_total':
        r.oomKills = value;
        break;
      case 'incus_network_receive_bytes_total':
        if (notLo) r.netRxBytes += value;
        break;
      case 'incus_network_transmit_bytes_total':
        if (notLo) r.netTxBytes += value;
        break;
      case 'incus_filesystem_size_bytes':
        if (labels.mountpoint === '/') r.fsSize = value;
        break;
      case 'incus_filesystem_avail_bytes':
        if (labels.mountpoint === '/') r.fsAvail = value;
        break;
    }
  }
  const out = new Map<string, MetricsReading>();
  for (const [inst, r] of byName) {
    const { memTotal, memAvailable, fsSize, fsAvail, ...reading } = r;
    reading.cpuNs = Math.round(reading.cpuNs);
    reading.memoryBytes = Math.max(0, memTotal - memAvailable);
    reading.diskBytes = fsSize !== null && fsAvail !== null ? Math.max(0, fsSize - fsAvail) : null;
    out.set(inst, reading);
  }
  return out;
}

/** The remote fallback: one metrics call for the whole project (cheap for the daemon, at most every 8 s). */
export async function fetchMetricsReadings(client: IncusClient): Promise<Map<string, MetricsReading>> {
  return readingsFromMetrics(await client.getText('/1.0/metrics', { timeoutMs: 5000 }));
}
