import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { cpuProblem, diskProblem, memoryProblem, processesProblem } from '../../shared/limits.js';
import { expiryProblem, scheduleProblem } from '../../shared/names.js';
import { networkPolicy } from '../../shared/api.js';
import type { GuardSettings, NetworkPolicy, Settings } from '../../shared/types.js';

export const DEFAULT_SETTINGS: Settings = {
  snapshotDefaults: { schedule: '', expiry: '' },
  safetyExpiry: '7d',
  // No agent is unlimited unless the user says so.
  defaultLimits: { cpu: '2', memory: '2GiB', processes: '2000', disk: '20GiB' },
  guardDefaults: {
    enabled: true,
    cpuPinnedSeconds: 60,
    memoryPercent: 90,
    processesPercent: 90,
    diskPercent: 90,
    forkRatePerSecond: 50,
    autoFreeze: false,
  },
  defaultNetwork: { mode: 'restricted', allow: [], ingress: '', egress: '' },
};

/** Where the user's settings live: $ENCLAVE_CONFIG_DIR, else $XDG_CONFIG_HOME/enclave. */
export function settingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.ENCLAVE_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'enclave');
  return join(dir, 'settings.json');
}

/**
 * What Incus cannot hold for us: the user's preferences. One small JSON file, written
 * atomically; a missing or unreadable file means the defaults.
 */
export class SettingsStore {
  private cached: Settings | null = null;
  /** Updates run one after another: each merges into what the previous one wrote. */
  private writing: Promise<unknown> = Promise.resolve();
  private writes = 0;

  constructor(readonly path: string = settingsPath()) {}

  /** A copy: callers cannot change the stored settings by accident. */
  async get(): Promise<Settings> {
    return structuredClone(await this.load());
  }

  private async load(): Promise<Settings> {
    if (this.cached) return this.cached;
    let saved: unknown = null;
    try {
      saved = JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      // Missing or unreadable: the defaults.
    }
    this.cached = fromFile(saved);
    return this.cached;
  }

  update(change: Partial<Settings>): Promise<Settings> {
    const run = this.writing.then(async () => {
      const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
      const next: Settings = structuredClone({ ...(await this.load()), ...given });
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.${++this.writes}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      await rename(tmp, this.path);
      this.cached = next;
      return structuredClone(next);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}

/**
 * Settings from what the file held: each field that is missing, of the wrong type or breaks
 * the contract's rules (a hand-edited file) falls back to its default. A schedule Incus
 * refuses would otherwise make every agents.create fail.
 */
function fromFile(saved: unknown): Settings {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const pick = (v: unknown, fallback: string, problem: (s: string) => string | null) =>
    typeof v === 'string' && problem(v) === null ? v : fallback;
  const file = obj(saved);
  const defaults = obj(file.snapshotDefaults);
  const limits = obj(file.defaultLimits);
  return {
    snapshotDefaults: {
      schedule: pick(defaults.schedule, DEFAULT_SETTINGS.snapshotDefaults.schedule, scheduleProblem),
      expiry: pick(defaults.expiry, DEFAULT_SETTINGS.snapshotDefaults.expiry, expiryProblem),
    },
    safetyExpiry: pick(file.safetyExpiry, DEFAULT_SETTINGS.safetyExpiry, expiryProblem),
    guardDefaults: guardFromFile(file.guardDefaults),
    defaultLimits: {
      cpu: pick(limits.cpu, DEFAULT_SETTINGS.defaultLimits.cpu, cpuProblem),
      memory: pick(limits.memory, DEFAULT_SETTINGS.defaultLimits.memory, memoryProblem),
      processes: pick(limits.processes, DEFAULT_SETTINGS.defaultLimits.processes, processesProblem),
      disk: pick(limits.disk, DEFAULT_SETTINGS.defaultLimits.disk, diskProblem),
    },
    defaultNetwork: networkFromFile(file.defaultNetwork),
  };
}

/** The default network policy from the file, whole or not at all: its parts depend on each other. */
function networkFromFile(saved: unknown): NetworkPolicy {
  const parsed = networkPolicy.safeParse(saved);
  return parsed.success ? parsed.data : structuredClone(DEFAULT_SETTINGS.defaultNetwork);
}

/** Guard defaults from the file, field by field, each within the contract's range. */
function guardFromFile(saved: unknown): GuardSettings {
  const d = DEFAULT_SETTINGS.guardDefaults;
  const g = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
  const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  const int = (v: unknown, fallback: number, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  return {
    enabled: bool(g.enabled, d.enabled),
    cpuPinnedSeconds: int(g.cpuPinnedSeconds, d.cpuPinnedSeconds, 5, 3600),
    memoryPercent: int(g.memoryPercent, d.memoryPercent, 10, 100),
    processesPercent: int(g.processesPercent, d.processesPercent, 10, 100),
    diskPercent: int(g.diskPercent, d.diskPercent, 10, 100),
    forkRatePerSecond: int(g.forkRatePerSecond, d.forkRatePerSecond, 5, 100000),
    autoFreeze: bool(g.autoFreeze, d.autoFreeze),
  };
}
