import { describe, expect, it } from 'vitest';
import { alertNotifier, type DesktopNotice } from './notifier.js';
import type { GuardAlert, GuardRule, GuardSettings, TelemetrySample } from '../../../shared/types.js';
import { sampleFixture } from '../../../shared/test-fixtures.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { evaluate, pinnedFor } from './rules.js';
import { guardPatch, guardSettingsOf } from './service.js';

const G: GuardSettings = { ...DEFAULT_SETTINGS.guardDefaults, cpuPinnedSeconds: 10 };
const T0 = 1_000_000;

function sample(i: number, over: Partial<TelemetrySample> = {}, stepMs = 2000): TelemetrySample {
  return sampleFixture('worker', T0 + i * stepMs, {
    cpuHostPercent: 10,
    cpuLimitPercent: 10,
    memoryBytes: 100 * 1024 ** 2,
    memoryLimitBytes: 1024 ** 3,
    processes: 10,
    processesLimit: 50,
    ...over,
  });
}

const rules = (samples: TelemetrySample[], settings = G, firing: GuardRule[] = [], cpuLimit = '1') =>
  evaluate('worker', samples, settings, samples.at(-1)!.at, { cpuLimit, firing: new Set(firing) });

describe('guard rules', () => {
  it('fires nothing on a quiet agent, or when disabled', () => {
    expect(rules([sample(0), sample(1)])).toEqual([]);
    expect(rules([sample(0, { processes: 49 }), sample(1, { processes: 49 })], { ...G, enabled: false })).toEqual([]);
  });

  it('processes-high at ≥ the percentage of the limit, with hysteresis', () => {
    const [f] = rules([sample(0, { processes: 48 }), sample(1, { processes: 48 })]);
    expect(f).toMatchObject({ rule: 'processes-high', value: 96, threshold: 90 });
    expect(f!.message).toBe('worker: 48 of 50 processes (96% ≥ 90%)');
    // 88% does not start it, but keeps it firing (clears below 85%).
    expect(rules([sample(0, { processes: 44 }), sample(1, { processes: 44 })])).toEqual([]);
    expect(rules([sample(0, { processes: 44 }), sample(1, { processes: 44 })], G, ['processes-high'])).toHaveLength(1);
    expect(rules([sample(0, { processes: 42 }), sample(1, { processes: 42 })], G, ['processes-high'])).toEqual([]);
  });

  it('memory-high and disk-high; skipped when unlimited', () => {
    const mem = rules([sample(0, { memoryBytes: 118 * 1024 ** 2, memoryLimitBytes: 128 * 1024 ** 2 })]);
    expect(mem).toHaveLength(1);
    expect(mem[0]!.message).toBe('worker: memory 118 MiB of 128 MiB (92% ≥ 90%)');
    expect(rules([sample(0, { memoryBytes: 10 * 1024 ** 3, memoryLimitBytes: null })])).toEqual([]);
    const disk = rules([sample(0, { diskBytes: 19 * 1024 ** 3, diskLimitBytes: 20 * 1024 ** 3 })]);
    expect(disk[0]).toMatchObject({ rule: 'disk-high', value: 95 });
    expect(rules([sample(0, { diskBytes: 19 * 1024 ** 3, diskLimitBytes: null })])).toEqual([]);
    expect(rules([sample(0, { processes: 5000, processesLimit: null })])).toEqual([]);
  });

  it('cpu-pinned only after cpuPinnedSeconds continuously at ≥ 95%', () => {
    const busy = (i: number) => sample(i, { cpuLimitPercent: 99, cpuHostPercent: 50 });
    const run = [sample(0), busy(1), busy(2), busy(3), busy(4)];
    expect(pinnedFor(run, 95)).toBe(8000);
    expect(rules(run)).toEqual([]);
    const longer = [...run, busy(5)];
    const [f] = rules(longer);
    expect(f).toMatchObject({ rule: 'cpu-pinned', value: 99, threshold: 95 });
    expect(f!.message).toBe('worker: CPU pinned at its 1-core allowance for 10 s');
    // A dip breaks the run.
    expect(rules([sample(0), busy(1), busy(2), sample(3, { cpuLimitPercent: 80 }), busy(4), busy(5)])).toEqual([]);
    // One noisy sample above the floor does not restart the count…
    expect(rules([sample(0), busy(1), busy(2), sample(3, { cpuLimitPercent: 93 }), busy(4), busy(5), busy(6)])).toHaveLength(1);
    // …but the run must average ≥ 95%.
    expect(rules([sample(0), ...[1, 2, 3, 4].map((i) => sample(i, { cpuLimitPercent: 91 })), busy(5)])).toEqual([]);
    // Hysteresis: 91% keeps it, 89% clears it.
    expect(rules([...longer, sample(6, { cpuLimitPercent: 91 })], G, ['cpu-pinned'])).toHaveLength(1);
    expect(rules([...longer, sample(6, { cpuLimitPercent: 89 })], G, ['cpu-pinned'])).toEqual([]);
  });

  it('cpu-pinned uses the host share when the CPU is unlimited', () => {
    const s = (i: number) => sample(i, { cpuLimitPercent: null, cpuHostPercent: 97 });
    const [f] = rules([sample(0, { cpuLimitPercent: null }), s(1), s(2), s(3), s(4), s(5)], G, [], '');
    expect(f!.message).toBe('worker: CPU pinned at the whole host for 10 s');
  });

  it('a figure a sample lacks (null) is neither zero nor an alert: the newest known one counts, for a while', () => {
    // A remote agent in view: state samples each second, memory and OOMs only every 8 s.
    const live = (i: number, over: Partial<TelemetrySample> = {}) => sample(i, { memoryBytes: null, oomKills: null, ...over }, 1000);
    const high = 1000 * 1024 ** 2;
    const run = [live(0, { memoryBytes: high, oomKills: 0 }), live(1), live(2), live(3)];
    expect(rules(run).map((f) => f.rule)).toEqual(['memory-high']);
    // The figure is 20 s old and nothing newer: no alert, rather than one on old news.
    expect(rules([live(0, { memoryBytes: high, oomKills: 0 }), live(21)])).toEqual([]);
    // All null: nothing fires, nothing throws.
    expect(rules([live(0, { processes: null }), live(1, { processes: null })])).toEqual([]);
  });

  it('oom-kill compares the samples that counted kills, across the ones that did not', () => {
    const live = (i: number, oomKills: number | null) => sample(i, { oomKills }, 1000);
    const s = [live(0, 1), live(1, null), live(2, null), live(8, 2), live(9, null)];
    expect(rules(s)).toMatchObject([{ rule: 'oom-kill', value: 2 }]);
    expect(rules([live(0, 1), live(1, null), live(2, null)])).toEqual([]);
  });

  it('fork-bomb skips samples without a process count', () => {
    const s = [sample(0, { processes: 10, processesLimit: null }, 1000), sample(1, { processes: null, processesLimit: null }, 1000), sample(2, { processes: 250, processesLimit: null }, 1000)];
    expect(rules(s)).toMatchObject([{ rule: 'fork-bomb', value: 120 }]);
    expect(rules([...s, sample(3, { processes: null, processesLimit: null }, 1000)])).toMatchObject([{ rule: 'fork-bomb' }]);
    expect(rules([sample(0, { processes: null }), sample(1, { processes: 49 })])).toMatchObject([{ rule: 'processes-high' }]);
  });

  it('oom-kill on an increase; clears 10 s after the last one; a restart is no kill', () => {
    const s = [sample(0, { oomKills: 1 }), sample(1, { oomKills: 3 })];
    const [f] = rules(s);
    expect(f).toMatchObject({ rule: 'oom-kill', value: 3 });
    expect(f!.message).toBe('worker: 3 OOM kills');
    const later = [...s, sample(2, { oomKills: 3 }), sample(3, { oomKills: 3 }), sample(4, { oomKills: 3 })];
    expect(rules(later, G, ['oom-kill'])).toHaveLength(1); // 6 s after
    expect(rules([...later, sample(5, { oomKills: 3 }), sample(6, { oomKills: 3 })], G, ['oom-kill'])).toEqual([]);
    expect(rules([sample(0, { oomKills: 4 }), sample(1, { oomKills: 0 })])).toEqual([]);
  });

  it('fork-bomb on a fast climb, or climbing into the pids limit', () => {
    const [f] = rules([sample(0, { processes: 10, processesLimit: null }), sample(1, { processes: 250, processesLimit: null })]);
    expect(f).toMatchObject({ rule: 'fork-bomb', value: 120, threshold: 50 });
    expect(f!.message).toBe('worker: processes climbing 120/s (fork bomb?)');
    // 40/s is below the rate but ends at the limit.
    const pinned = rules([sample(0, { processes: 20, processesLimit: 100 }), sample(1, { processes: 100, processesLimit: 100 })]);
    expect(pinned.map((x) => x.rule).sort()).toEqual(['fork-bomb', 'processes-high']);
    expect(pinned.find((x) => x.rule === 'fork-bomb')!.message).toBe('worker: processes climbing 40/s up to the 100-process limit (fork bomb?)');
    // Slow growth is fine; a gap between samples is no rate.
    expect(rules([sample(0, { processes: 10, processesLimit: null }), sample(1, { processes: 60, processesLimit: null })])).toEqual([]);
    expect(rules([sample(0, { processes: 10, processesLimit: null }), sample(10, { processes: 900, processesLimit: null })])).toEqual([]);
    // Stays flagged while pinned at the limit; clears once off it and not climbing.
    const flat = [sample(1, { processes: 100, processesLimit: 100 }), sample(2, { processes: 100, processesLimit: 100 })];
    const held = rules(flat, G, ['fork-bomb', 'processes-high']).find((x) => x.rule === 'fork-bomb');
    expect(held?.message).toBe('worker: held at its 100-process limit after a fast climb (fork bomb?)');
    expect(rules([sample(2, { processes: 100, processesLimit: 1000 }), sample(3, { processes: 5, processesLimit: 1000 })], G, ['fork-bomb'])).toEqual([]);
  });
});

describe('guard settings on an agent', () => {
  it('lays valid user.enclave.guard.* keys onto the defaults', () => {
    const d = DEFAULT_SETTINGS.guardDefaults;
    expect(guardSettingsOf({}, d)).toEqual(d);
    expect(guardSettingsOf({ 'guard.memory-percent': '70', 'guard.auto-freeze': 'true', 'guard.disk-percent': '5', 'guard.enabled': 'yes' }, d)).toEqual({
      ...d,
      memoryPercent: 70,
      autoFreeze: true,
    });
    expect(guardPatch({ memoryPercent: 70, autoFreeze: true })).toEqual({ 'user.enclave.guard.memory-percent': '70', 'user.enclave.guard.auto-freeze': 'true' });
  });
});

describe('desktop notifications', () => {
  const alert = (over: Partial<GuardAlert> = {}): GuardAlert => ({
    id: 'a1', agent: 'worker', rule: 'fork-bomb', message: 'worker: processes climbing 80/s (fork bomb?)',
    at: 1000, value: 80, threshold: 50, active: true, action: null, ...over,
  });
  it('notifies once when an alert becomes active: not for updates, not for clearing; again if it fires anew', () => {
    const shown: DesktopNotice[] = [];
    const notify = alertNotifier((n) => shown.push(n));
    notify(alert());
    notify(alert({ message: 'worker: processes climbing 90/s (fork bomb?)', value: 90 }));
    notify(alert({ action: 'frozen automatically' }));
    notify(alert({ active: false }));
    notify(alert({ id: 'a2', rule: 'oom-kill', message: 'worker: 1 OOM kill', action: 'frozen automatically' }));
    expect(shown).toEqual([
      { title: 'Enclave: worker', body: 'worker: processes climbing 80/s (fork bomb?)' },
      { title: 'Enclave: worker', body: 'worker: 1 OOM kill (frozen automatically)' },
    ]);
  });
});
