import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { cpuBasis, cpuText, formatBytes, formatPercent, formatRate, memoryText, processesText, SHOWN_KNOWN_MS, shareOf, withKnownFigures } from './telemetry-format.js';

const base: TelemetrySample = {
  agent: 'a',
  at: 0,
  cpuHostPercent: 8.5,
  cpuLimitPercent: 34.2,
  memoryBytes: 512 * 1024 ** 2,
  memoryLimitBytes: 2 * 1024 ** 3,
  processes: 42,
  processesLimit: 2000,
  diskBytes: null,
  diskLimitBytes: null,
  netRxBytesPerSec: 1536,
  netTxBytesPerSec: 0,
  oomKills: 0,
};
const none = { cpu: '', memory: '', processes: '', disk: '' };

describe('formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatBytes(12.345 * 1024 ** 3)).toBe('12.3 GiB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('formats rates and percentages', () => {
    expect(formatRate(1536)).toBe('1.5 KiB/s');
    expect(formatPercent(34.4)).toBe('34%');
    expect(formatPercent(3.44)).toBe('3.4%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
    expect(shareOf(50, 200)).toBe(25);
    expect(shareOf(50, null)).toBeNull();
  });

  it('says what the CPU share is of', () => {
    expect(cpuBasis('')).toBe('of host');
    expect(cpuBasis('1')).toBe('of 1 core');
    expect(cpuBasis('2')).toBe('of 2 cores');
    expect(cpuBasis('50%')).toBe('of 50% of host');
    expect(cpuText(base, { ...none, cpu: '2' })).toBe('CPU 34% of 2 cores');
    expect(cpuText({ ...base, cpuLimitPercent: null }, none)).toBe('CPU 8.5% of host');
  });

  it('shows memory and processes against their limits', () => {
    expect(memoryText(base)).toBe('Mem 512 MiB / 2 GiB');
    expect(memoryText({ ...base, memoryLimitBytes: null })).toBe('Mem 512 MiB');
    expect(processesText(base)).toBe('Procs 42 / 2000');
    expect(processesText({ ...base, processesLimit: null })).toBe('Procs 42');
  });
});

describe('figures a sample lacks', () => {
  it('shows the newest recent known memory, processes and OOM count; a dash once it is old', () => {
    const live = { ...base, at: 5000, memoryBytes: null, oomKills: null, cpuHostPercent: 50 };
    const shown = withKnownFigures([{ ...base, at: 0, oomKills: 2 }, live]);
    expect(shown).toMatchObject({ at: 5000, cpuHostPercent: 50, memoryBytes: 512 * 1024 ** 2, oomKills: 2 });
    const old = withKnownFigures([base, { ...live, at: SHOWN_KNOWN_MS + 1 }]);
    expect(old?.memoryBytes).toBeNull();
    expect(memoryText(old!)).toBe('Mem —');
    expect(processesText({ ...base, processes: null })).toBe('Procs —');
    expect(withKnownFigures([])).toBeUndefined();
  });
});
