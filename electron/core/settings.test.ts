import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsStore, settingsPath } from './settings.js';

/** Taken before any test runs, to tell whether one changed the defaults through a returned object. */
const PRISTINE_DEFAULTS = structuredClone(DEFAULT_SETTINGS);

describe('settingsPath', () => {
  it('uses ENCLAVE_CONFIG_DIR first', () => {
    expect(settingsPath({ ENCLAVE_CONFIG_DIR: join('cfg', 'enclave-test'), XDG_CONFIG_HOME: 'xdg' })).toBe(
      join('cfg', 'enclave-test', 'settings.json'),
    );
  });

  it('then XDG_CONFIG_HOME/enclave', () => {
    expect(settingsPath({ XDG_CONFIG_HOME: 'xdg' })).toBe(join('xdg', 'enclave', 'settings.json'));
  });

  it('then ~/.config/enclave', () => {
    expect(settingsPath({})).toMatch(/[/\\]\.config[/\\]enclave[/\\]settings\.json$/);
  });
});

describe('SettingsStore on a real folder', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-settings-'));
    path = join(dir, 'nested', 'settings.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('gives the defaults when there is no file, and writes nothing', async () => {
    expect(await new SettingsStore(path).get()).toEqual(DEFAULT_SETTINGS);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('defaults are 7 days for safety snapshots and no schedule', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      snapshotDefaults: { schedule: '', expiry: '' },
      safetyExpiry: '7d',
      defaultLimits: { cpu: '2', memory: '2GiB', processes: '2000', disk: '20GiB' },
      defaultNetwork: { mode: 'restricted', allow: [], ingress: '', egress: '' },
      guardDefaults: {
        enabled: true,
        cpuPinnedSeconds: 60,
        memoryPercent: 90,
        processesPercent: 90,
        diskPercent: 90,
        forkRatePerSecond: 50,
        autoFreeze: false,
      },
    });
  });

  it.each([
    ['not JSON', '{ "safetyExpiry": '],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[1, 2]'],
    ['a string', '"7d"'],
  ])('gives the defaults when the file is %s', async (_what, content) => {
    await mkdir(join(dir, 'nested'));
    await writeFile(path, content);
    expect(await new SettingsStore(path).get()).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps the valid fields of a file and defaults the others', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(path, JSON.stringify({ snapshotDefaults: { schedule: '@daily' }, safetyExpiry: 3 }));
    expect(await new SettingsStore(path).get()).toEqual({ snapshotDefaults: { schedule: '@daily', expiry: '' }, safetyExpiry: '7d', defaultLimits: DEFAULT_SETTINGS.defaultLimits, guardDefaults: DEFAULT_SETTINGS.guardDefaults, defaultNetwork: DEFAULT_SETTINGS.defaultNetwork });
  });

  it('ignores values a hand-edited file holds that Incus would refuse', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(
      path,
      JSON.stringify({ snapshotDefaults: { schedule: '61 * * * *', expiry: '1w' }, safetyExpiry: 'forever' }),
    );
    // A schedule Incus refuses would make every agents.create fail.
    expect(await new SettingsStore(path).get()).toEqual({ snapshotDefaults: { schedule: '', expiry: '1w' }, safetyExpiry: '7d', defaultLimits: DEFAULT_SETTINGS.defaultLimits, guardDefaults: DEFAULT_SETTINGS.guardDefaults, defaultNetwork: DEFAULT_SETTINGS.defaultNetwork });
  });

  it('ignores a snapshotDefaults that is not an object', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(path, JSON.stringify({ snapshotDefaults: 'x', safetyExpiry: '1d' }));
    expect(await new SettingsStore(path).get()).toEqual({ snapshotDefaults: DEFAULT_SETTINGS.snapshotDefaults, safetyExpiry: '1d', defaultLimits: DEFAULT_SETTINGS.defaultLimits, guardDefaults: DEFAULT_SETTINGS.guardDefaults, defaultNetwork: DEFAULT_SETTINGS.defaultNetwork });
  });

  it('persists an update: a new store reads it back', async () => {
    const store = new SettingsStore(path);
    const next = await store.update({ safetyExpiry: '1d' });
    expect(next).toEqual({ ...DEFAULT_SETTINGS, safetyExpiry: '1d' });
    expect(await store.get()).toEqual(next);
    expect(await new SettingsStore(path).get()).toEqual(next);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(next);
  });

  it('merges updates: fields not given stay as they were', async () => {
    const store = new SettingsStore(path);
    await store.update({ safetyExpiry: '2w' });
    await store.update({ snapshotDefaults: { schedule: '0 */6 * * *', expiry: '3d' } });
    const fresh = await new SettingsStore(path).get();
    expect(fresh).toEqual({ snapshotDefaults: { schedule: '0 */6 * * *', expiry: '3d' }, safetyExpiry: '2w', defaultLimits: DEFAULT_SETTINGS.defaultLimits, guardDefaults: DEFAULT_SETTINGS.guardDefaults, defaultNetwork: DEFAULT_SETTINGS.defaultNetwork });
  });

  it('writes the file with mode 0600 (and leaves no temporary file)', async () => {
    const store = new SettingsStore(path);
    await store.update({ safetyExpiry: '1d' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await store.update({ safetyExpiry: '2d' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested'))).toEqual(['settings.json']);
  });

  it('replaces the file atomically: a reader never sees a partial file', async () => {
    const store = new SettingsStore(path);
    await store.update({ safetyExpiry: '1d' });
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8');
        expect(() => JSON.parse(text)).not.toThrow();
        reads++;
      }
    })();
    for (let i = 1; i <= 30; i++) await store.update({ safetyExpiry: `${i}d` });
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await new SettingsStore(path).get()).safetyExpiry).toBe('30d');
  });

  it('keeps both of two concurrent updates', async () => {
    const store = new SettingsStore(path);
    const results = await Promise.allSettled([
      store.update({ safetyExpiry: '1d' }),
      store.update({ snapshotDefaults: { schedule: '@hourly', expiry: '1d' } }),
      store.update({ safetyExpiry: '2d' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const expected = { snapshotDefaults: { schedule: '@hourly', expiry: '1d' }, safetyExpiry: '2d', defaultLimits: DEFAULT_SETTINGS.defaultLimits, guardDefaults: DEFAULT_SETTINGS.guardDefaults, defaultNetwork: DEFAULT_SETTINGS.defaultNetwork };
    expect(await store.get()).toEqual(expected);
    expect(await new SettingsStore(path).get()).toEqual(expected);
    expect(await readdir(join(dir, 'nested'))).toEqual(['settings.json']);
  });

  it('does not let a caller change the stored settings through a returned object', async () => {
    const store = new SettingsStore(path);
    const got = await store.get();
    got.safetyExpiry = '99y';
    got.snapshotDefaults.schedule = '@daily';
    expect(await store.get()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toEqual(PRISTINE_DEFAULTS);
  });
});

describe('default limits in the settings file', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-settings-limits-'));
    path = join(dir, 'settings.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps valid limits, an explicit unlimited (""), and defaults what Incus would refuse', async () => {
    await writeFile(path, JSON.stringify({ defaultLimits: { cpu: '', memory: 'lots', processes: '500', disk: 7 } }));
    expect((await new SettingsStore(path).get()).defaultLimits).toEqual({
      cpu: '',
      memory: DEFAULT_SETTINGS.defaultLimits.memory,
      processes: '500',
      disk: DEFAULT_SETTINGS.defaultLimits.disk,
    });
  });
});
