import type { GuardRule, GuardSettings, TelemetrySample } from '../../../shared/types.js';

/**
 * The guard's rules, pure: from an agent's recent samples (oldest first), its settings, the
 * time and which rules were already firing, which rules fire now, with value, threshold and
 * a message naming the agent and the reason.
 */

/** CPU at or above this share of its allowance counts as pinned. */
export const CPU_PINNED_PERCENT = 95;
/** A firing percentage rule clears only below its threshold minus this many points. */
export const HYSTERESIS_POINTS = 5;
/** An OOM alert clears after this long without a new OOM kill. */
export const OOM_CLEAR_MS = 10_000;
/** Samples further apart than this are not one continuous run (the agent was stopped…). */
export const MAX_GAP_MS = 10_000;
/**
 * A figure some samples lack (null: a remote agent's live samples have memory and OOM counts
 * only with each metrics reply, 8 s apart) counts as current for this long after the sample
 * that had it; older, the rule it feeds does not fire (no data is no alert).
 */
export const KNOWN_FOR_MS = 20_000;

export interface Firing {
  rule: GuardRule;
  value: number;
  threshold: number;
  message: string;
}

export interface RuleContext {
  /** The agent's CPU limit in Incus notation ("2", "50%", '' = unlimited), for messages. */
  cpuLimit?: string;
  /** The rules that were firing after the previous evaluation (hysteresis). */
  firing?: ReadonlySet<GuardRule>;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export function formatBytes(n: number): string {
  if (n >= GiB) return `${+(n / GiB).toFixed(1)} GiB`;
  return `${Math.round(n / MiB)} MiB`;
}

const pct = (part: number, whole: number) => (part / whole) * 100;
const round = (n: number) => Math.round(n);

/** Whether `value` fires: at/above threshold to start, and above threshold − 5 to keep firing. */
function over(value: number, threshold: number, wasFiring: boolean): boolean {
  return wasFiring ? value >= threshold - HYSTERESIS_POINTS : value >= threshold;
}

/** The newest sample that has `pick`, if no older than KNOWN_FOR_MS before the latest sample. */
export function latestKnown(samples: readonly TelemetrySample[], pick: (s: TelemetrySample) => number | null): TelemetrySample | null {
  const last = samples.at(-1);
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (last && last.at - s.at > KNOWN_FOR_MS) return null;
    if (pick(s) !== null) return s;
  }
  return null;
}

function cpuValue(s: TelemetrySample): number {
  return s.cpuLimitPercent ?? s.cpuHostPercent;
}

function allowance(cpuLimit: string | undefined): string {
  if (!cpuLimit) return 'the whole host';
  if (cpuLimit.endsWith('%')) return `its ${cpuLimit} allowance`;
  return `its ${cpuLimit}-core allowance`;
}

/**
 * How long (ms) the CPU has been pinned up to the latest sample: the run of samples at or
 * above `floor` ending now (a dip below it breaks the run), whose mean is at least `level`,
 * with the latest at `level` too. The floor (level − 5) keeps one noisy sample on a busy
 * host from restarting the count. 0 when not pinned now.
 */
export function pinnedFor(samples: readonly TelemetrySample[], level: number, floor = level - HYSTERESIS_POINTS): number {
  const last = samples.at(-1);
  if (!last || cpuValue(last) < level) return 0;
  // Each sample's rate covers the interval since the one before it: the run starts at the
  // last sample below the floor (or the first one we have).
  let start = last.at;
  let sum = 0;
  let count = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    const next = samples[i + 1];
    if (next && next.at - s.at > MAX_GAP_MS) break;
    start = s.at;
    if (cpuValue(s) < floor) break;
    sum += cpuValue(s);
    count++;
  }
  return sum / count >= level ? last.at - start : 0;
}

function cpuRule(agent: string, samples: readonly TelemetrySample[], settings: GuardSettings, ctx: RuleContext, was: boolean): Firing | null {
  const last = samples.at(-1)!;
  const value = cpuValue(last);
  if (was) {
    if (value < CPU_PINNED_PERCENT - HYSTERESIS_POINTS) return null;
  } else if (pinnedFor(samples, CPU_PINNED_PERCENT) < settings.cpuPinnedSeconds * 1000) {
    return null;
  }
  const seconds = Math.round(Math.max(pinnedFor(samples, CPU_PINNED_PERCENT), settings.cpuPinnedSeconds * 1000) / 1000);
  return {
    rule: 'cpu-pinned',
    value: round(value),
    threshold: CPU_PINNED_PERCENT,
    message: `${agent}: CPU pinned at ${allowance(last.cpuLimitPercent === null ? '' : ctx.cpuLimit)} for ${seconds} s`,
  };
}

function forkRule(agent: string, samples: readonly TelemetrySample[], settings: GuardSettings, was: boolean): Firing | null {
  // The two newest samples that counted processes (a source that did not is skipped).
  const counted = samples.filter((s) => s.processes !== null);
  const last = counted.at(-1);
  const prev = counted.at(-2);
  if (!last || !prev || last !== latestKnown(samples, (s) => s.processes)) return null;
  if (last.at - prev.at > MAX_GAP_MS || last.at <= prev.at) return null;
  const lastCount = last.processes!;
  const rate = (lastCount - prev.processes!) / ((last.at - prev.at) / 1000);
  const limit = last.processesLimit;
  const atLimit = limit !== null && limit > 0 && lastCount >= limit - 1;
  const fastRise = was ? rate >= settings.forkRatePerSecond - HYSTERESIS_POINTS : rate > settings.forkRatePerSecond;
  // Hitting the pids limit while climbing, or staying pinned there once flagged.
  const pinned = atLimit && (was || rate > 0);
  if (!fastRise && !pinned) return null;
  const climbing = `processes climbing ${round(Math.max(rate, 0))}/s`;
  return {
    rule: 'fork-bomb',
    value: round(rate),
    threshold: settings.forkRatePerSecond,
    // Once flagged, a flat count at the limit is no climb any more: say what it is.
    message:
      pinned && rate <= 0
        ? `${agent}: held at its ${limit}-process limit after a fast climb (fork bomb?)`
        : pinned && !fastRise
          ? `${agent}: ${climbing} up to the ${limit}-process limit (fork bomb?)`
          : `${agent}: ${climbing} (fork bomb?)`,
  };
}

function oomRule(agent: string, all: readonly TelemetrySample[], now: number): Firing | null {
  // Only the samples that counted OOM kills, compared with each other (those that did not are
  // no zero). The newest increase within the clearing window; a decrease is a restart.
  const samples = all.filter((s) => s.oomKills !== null);
  const gap = samples.length < all.length ? KNOWN_FOR_MS : MAX_GAP_MS;
  for (let i = samples.length - 1; i >= 1; i--) {
    const s = samples[i]!;
    if (now - s.at >= OOM_CLEAR_MS) break;
    const before = samples[i - 1]!;
    if (s.oomKills! > before.oomKills! && s.at - before.at <= gap) {
      const n = samples.at(-1)!.oomKills!;
      return { rule: 'oom-kill', value: n, threshold: before.oomKills!, message: `${agent}: ${n} OOM kill${n === 1 ? '' : 's'}` };
    }
  }
  return null;
}

/** The rules firing now for one agent. `samples` is its recent history, oldest first. */
export function evaluate(agent: string, samples: readonly TelemetrySample[], settings: GuardSettings, now: number, ctx: RuleContext = {}): Firing[] {
  const last = samples.at(-1);
  if (!settings.enabled || !last) return [];
  const was = (rule: GuardRule) => ctx.firing?.has(rule) ?? false;
  const out: Firing[] = [];
  const add = (f: Firing | null) => f && out.push(f);

  add(cpuRule(agent, samples, settings, ctx, was('cpu-pinned')));
  /** A share-of-limit rule: fires at `threshold`% of `limit` (with hysteresis), described by `what`. */
  const share = (rule: GuardRule, used: number, limit: number | null, threshold: number, what: string) => {
    if (!limit) return;
    const value = pct(used, limit);
    if (!over(value, threshold, was(rule))) return;
    add({ rule, value: round(value), threshold, message: `${agent}: ${what} (${round(value)}% ≥ ${threshold}%)` });
  };
  // Memory and processes as of the newest sample that had them (see KNOWN_FOR_MS).
  const mem = latestKnown(samples, (s) => s.memoryBytes);
  if (mem?.memoryBytes != null) {
    share('memory-high', mem.memoryBytes, mem.memoryLimitBytes, settings.memoryPercent,
      `memory ${formatBytes(mem.memoryBytes)} of ${formatBytes(mem.memoryLimitBytes ?? 0)}`);
  }
  const procs = latestKnown(samples, (s) => s.processes);
  if (procs?.processes != null) {
    share('processes-high', procs.processes, procs.processesLimit, settings.processesPercent,
      `${procs.processes} of ${procs.processesLimit ?? 0} processes`);
  }
  if (last.diskBytes !== null) {
    share('disk-high', last.diskBytes, last.diskLimitBytes, settings.diskPercent,
      `disk ${formatBytes(last.diskBytes)} of ${formatBytes(last.diskLimitBytes ?? 0)}`);
  }
  add(oomRule(agent, samples, now));
  add(forkRule(agent, samples, settings, was('fork-bomb')));
  return out;
}

/** How many seconds of history the rules need for these settings. */
export function windowSeconds(settings: GuardSettings): number {
  return Math.max(settings.cpuPinnedSeconds + 10, OOM_CLEAR_MS / 1000 + 5);
}
