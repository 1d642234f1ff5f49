import { describe, expect, it } from 'vitest';
import { CPU_RULE, DISK_RULE, MEMORY_RULE, PROCESSES_RULE, cpuProblem, diskProblem, memoryProblem, processesProblem, sizeBytes } from './limits.js';

describe('limit rules', () => {
  it('accepts empty (unlimited) everywhere', () => {
    for (const check of [cpuProblem, memoryProblem, processesProblem, diskProblem]) expect(check('')).toBeNull();
  });

  it('cpu: a core count or a share of the host', () => {
    for (const ok of ['1', '2', '16', '50%', '100%']) expect(cpuProblem(ok)).toBeNull();
    for (const bad of ['0', '-1', '1.5', '0%', '101%', 'two', '2 cores']) expect(cpuProblem(bad)).toContain(CPU_RULE);
  });

  it('memory: a size of at least 32MiB or a share', () => {
    for (const ok of ['512MiB', '2GiB', '1.5GB', '25%']) expect(memoryProblem(ok)).toBeNull();
    expect(memoryProblem('16MiB')).toContain('below 32MiB');
    for (const bad of ['2G', 'lots', '512 MiB']) expect(memoryProblem(bad)).toContain(MEMORY_RULE);
  });

  it('processes: a whole number of at least 10', () => {
    expect(processesProblem('500')).toBeNull();
    for (const bad of ['5', '1e3', 'many', '-10']) expect(processesProblem(bad)).toContain(PROCESSES_RULE);
  });

  it('disk: a size of at least 1GiB, since the quota counts the image too', () => {
    expect(diskProblem('10GiB')).toBeNull();
    expect(diskProblem('200MiB')).toContain('below 1GiB');
    expect(diskProblem('50%')).toContain(DISK_RULE);
  });

  it('sizeBytes reads Incus sizes', () => {
    expect(sizeBytes('1KiB')).toBe(1024);
    expect(sizeBytes('1.5GB')).toBe(1.5e9);
    expect(sizeBytes('2GiB')).toBe(2 * 1024 ** 3);
    expect(sizeBytes('2 GiB')).toBeNaN();
  });
});
