/** How telemetry reads as text: sizes in binary units, rates per second, shares in percent. */
import type { AgentLimits, TelemetrySample } from '../../../shared/types.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "0 B", "512 MiB", "1.5 GiB": three significant digits at most. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${trim(value.toFixed(digits))} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** "34%", under 10 with one decimal ("3.4%"), "—" when unknown. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  if (percent > 0 && percent < 10) return `${trim(percent.toFixed(1))}%`;
  return `${Math.round(percent)}%`;
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** What CPU % means for these limits: of a number of cores, of a share of the host, of the host. */
export function cpuBasis(cpuLimit: string): string {
  if (cpuLimit === '') return 'of host';
  if (cpuLimit.endsWith('%')) return `of ${cpuLimit} of host`;
  return cpuLimit === '1' ? 'of 1 core' : `of ${cpuLimit} cores`;
}

/** The CPU share shown: of the agent's allowance when limited, else of the host. */
export function cpuShare(sample: TelemetrySample): number {
  return sample.cpuLimitPercent ?? sample.cpuHostPercent;
}

export function cpuText(sample: TelemetrySample, limits: AgentLimits): string {
  // The backend reports no allowance share when the agent is unlimited, whatever limits says.
  const basis = sample.cpuLimitPercent === null ? 'of host' : cpuBasis(limits.cpu);
  return `CPU ${formatPercent(cpuShare(sample))} ${basis}`;
}

export function memoryText(sample: TelemetrySample): string {
  if (sample.memoryBytes === null) return 'Mem —';
  const used = formatBytes(sample.memoryBytes);
  return sample.memoryLimitBytes === null ? `Mem ${used}` : `Mem ${used} / ${formatBytes(sample.memoryLimitBytes)}`;
}

export function processesText(sample: TelemetrySample): string {
  if (sample.processes === null) return 'Procs —';
  return sample.processesLimit === null ? `Procs ${sample.processes}` : `Procs ${sample.processes} / ${sample.processesLimit}`;
}

export function diskText(sample: TelemetrySample): string {
  if (sample.diskBytes === null) return 'Disk —';
  const used = formatBytes(sample.diskBytes);
  return sample.diskLimitBytes === null ? `Disk ${used}` : `Disk ${used} / ${formatBytes(sample.diskLimitBytes)}`;
}

export function netText(sample: TelemetrySample): string {
  return `↓ ${formatRate(sample.netRxBytesPerSec)} ↑ ${formatRate(sample.netTxBytesPerSec)}`;
}

/** Share of a limit in percent, or null without a limit. */
export function shareOf(value: number | null, limit: number | null): number | null {
  if (value === null || limit === null || limit <= 0) return null;
  return (value / limit) * 100;
}

/** How long a figure a newer sample lacks still shows on the card (a remote agent's memory arrives every 8 s). */
export const SHOWN_KNOWN_MS = 20_000;

/**
 * The newest sample for display: a figure it lacks (null: its source did not give it) taken
 * from the newest recent sample that has it (`recent`, oldest first, ends with the newest).
 * The kept samples stay as they came.
 */
export function withKnownFigures(recent: readonly TelemetrySample[]): TelemetrySample | undefined {
  const next = recent.at(-1);
  if (!next || (next.memoryBytes !== null && next.processes !== null && next.oomKills !== null)) return next;
  const known = <K extends 'memoryBytes' | 'processes' | 'oomKills'>(key: K): number | null => {
    for (let i = recent.length - 1; i >= 0; i--) {
      const s = recent[i]!;
      if (next.at - s.at > SHOWN_KNOWN_MS) break;
      if (s[key] !== null) return s[key];
    }
    return null;
  };
  return { ...next, memoryBytes: known('memoryBytes'), processes: known('processes'), oomKills: known('oomKills') };
}
