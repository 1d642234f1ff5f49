import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Settings } from '../../shared/types.js';

export const DEFAULT_SETTINGS: Settings = {
  snapshotDefaults: { schedule: '', expiry: '' },
  safetyExpiry: '7d',
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

  constructor(readonly path: string = settingsPath()) {}

  async get(): Promise<Settings> {
    if (this.cached) return this.cached;
    try {
      const saved = JSON.parse(await readFile(this.path, 'utf8')) as Partial<Settings>;
      this.cached = {
        snapshotDefaults: { ...DEFAULT_SETTINGS.snapshotDefaults, ...saved.snapshotDefaults },
        safetyExpiry: typeof saved.safetyExpiry === 'string' ? saved.safetyExpiry : DEFAULT_SETTINGS.safetyExpiry,
      };
    } catch {
      this.cached = structuredClone(DEFAULT_SETTINGS);
    }
    return this.cached;
  }

  async update(change: Partial<Settings>): Promise<Settings> {
    const next = { ...(await this.get()), ...change };
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.path);
    this.cached = next;
    return next;
  }
}
