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

/** Longest metrics reply read: about 10 KB an instance, so room for well over a thousand. */
export const METRICS_MAX_BYTES = 16 * 2 ** 20;
/** ms the daemon has to answer a metrics call. */
export const METRICS_TIMEOUT_MS = 5000;

interface MetricsTally {
  cpuNs: number | null;
  memTotal: number | null;
  memAvailable: number | null;
  processes: number | null;
  oomKills: number | null;
  rx: number;
  tx: number;
  fsSize: number | null;
  fsAvail: number | null;
}

/**
 * Per-instance readings from the metrics text (of `project` only, when given). Memory use is
 * MemTotal − MemAvailable as Incus exposes them (the working set: the reclaimable cache is
 * available); limits are left null (the sampler takes them from the agent's own limits). A
 * metric the text does not have is null in the reading, not 0; an instance without CPU
 * figures has no reading.
 */
export function readingsFromMetrics(text: string, at = Date.now(), project?: string): Map<string, MetricsReading> {
  const byName = new Map<string, MetricsTally>();
  for (const { name: metric, labels, value } of parsePrometheus(text)) {
    const inst = labels.name;
    if (!inst || (project !== undefined && labels.project !== undefined && labels.project !== project)) continue;
    let r = byName.get(inst);
    if (!r) {
      r = { cpuNs: null, memTotal: null, memAvailable: null, processes: null, oomKills: null, rx: 0, tx: 0, fsSize: null, fsAvail: null };
      byName.set(inst, r);
    }
    const notLo = labels.device !== 'lo';
    switch (metric) {
      case 'incus_cpu_seconds_total':
        r.cpuNs = (r.cpuNs ?? 0) + value * 1e9;
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
        if (notLo) r.rx += value;
        break;
      case 'incus_network_transmit_bytes_total':
        if (notLo) r.tx += value;
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
    if (r.cpuNs === null) continue;
    out.set(inst, {
      at,
      cpuNs: Math.round(r.cpuNs),
      memoryBytes: r.memTotal !== null && r.memAvailable !== null ? Math.max(0, r.memTotal - r.memAvailable) : null,
      memoryLimitBytes: null,
      processes: r.processes,
      processesLimit: null,
      netRxBytes: r.rx,
      netTxBytes: r.tx,
      oomKills: r.oomKills,
      diskBytes: r.fsSize !== null && r.fsAvail !== null ? Math.max(0, r.fsSize - r.fsAvail) : null,
    });
  }
  return out;
}

/** The project's metrics text: one call for every instance, bounded and timed out. */
export function fetchMetricsText(client: IncusClient): Promise<string> {
  return client.getText('/1.0/metrics', { timeoutMs: METRICS_TIMEOUT_MS, maxBytes: METRICS_MAX_BYTES });
}
