// electron-builder.yml, checked without building: loaded and validated by electron-builder's
// own code (its loader, its schema validator, its file matcher), then held to what packaging
// must guarantee. A real package needs the Electron zip from the network, which CI cannot reach.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import { DebugLogger } from 'builder-util';
import type { Configuration, FileSet, TargetConfiguration } from 'electron-builder';
import { existsSync, lstatSync, readFileSync, readdirSync, type Stats } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { main: string; scripts: Record<string, string> };

const FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
  enableCookieEncryption: true,
};
const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const quiet = new DebugLogger(false);

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
});

/** Target names of a platform's `target` option, in any of the forms electron-builder takes. */
function targetNames(target: string | TargetConfiguration | Array<string | TargetConfiguration> | null | undefined): string[] {
  const list = target == null ? [] : Array.isArray(target) ? target : [target];
  return list.map((t) => (typeof t === 'string' ? t : t.target));
}

/** Width, height and colour type from a PNG's IHDR chunk. */
function pngHeader(path: string): { width: number; height: number; colourType: number } {
  const png = readFileSync(join(ROOT, path));
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${path} is a PNG`).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png[25] ?? -1 };
}

/** Whether electron-builder's own matcher, given our `files`, would put `path` in the app. */
function packs(path: string, stat: Pick<Stats, 'isDirectory'> = { isDirectory: () => false }): boolean {
  const sets = (config.files ?? []) as Array<string | FileSet>;
  const patterns = sets.flatMap((set) => (typeof set === 'string' ? [set] : [set.filter ?? []].flat()));
  const filter = new FileMatcher(ROOT, '.', (p) => p, patterns).createFilter();
  return filter(join(ROOT, path), stat as Parameters<typeof filter>[1]);
}

/** Every file under `dir`, relative to the repository, skipping installed and generated trees. */
function filesUnder(dir: string): string[] {
  const skip = new Set(['node_modules', '.git', 'release', 'test-results', 'playwright-report']);
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validateConfiguration(config, quiet)).resolves.toBeUndefined();
  });

  it('would be refused with a misspelt option (the validator is really checking)', async () => {
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } } as Configuration;
    await expect(validateConfiguration(misspelt, quiet)).rejects.toThrow(/electronFuses/);
  });

  it('names the app and packs it into an asar', () => {
    expect(config.appId).toBe('dev.enclave.app');
    expect(config.productName).toBe('Enclave');
    expect(config.asar).toBe(true);
    expect(config.directories?.output).toBe('release');
  });

  it('sets every fuse, by names the schema knows', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(FUSES)) expect(known, `fuse ${name}`).toContain(name);
    expect(config.electronFuses).toMatchObject(FUSES);
    for (const [name, value] of Object.entries(FUSES)) expect(config.electronFuses?.[name as keyof typeof FUSES], name).toBe(value);
  });

  it('builds an AppImage and a .deb for Linux, a dmg and zip for macOS, NSIS for Windows', () => {
    expect(targetNames(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targetNames(config.mac?.target).sort()).toEqual(['dmg', 'zip']);
    expect(targetNames(config.win?.target)).toEqual(['nsis']);
    expect(config.linux?.category).toBe('Development');
    expect(config.mac?.category).toBe('public.app-category.developer-tools');
    expect(config.mac?.hardenedRuntime).toBe(true);
  });

  it('gives the .deb what fpm requires and what Electron needs on a minimal Debian 12', () => {
    const meta = config.extraMetadata as { homepage?: string; desktopName?: string };
    expect(meta.homepage).toMatch(/^https:\/\//);
    expect(config.linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(config.linux?.synopsis).toBeTruthy();
    expect(config.linux?.description).toBeTruthy();
    for (const lib of ['libgtk-3-0', 'libnss3', 'libgbm1', 'libsecret-1-0', 'libnotify4', 'xdg-utils']) {
      expect(config.deb?.depends, lib).toContain(lib);
    }
    expect(config.deb?.depends?.some((d) => /\blibasound2\b/.test(d))).toBe(true);
    // Electron's app_id is desktopName; the installed .desktop file and StartupWMClass follow it.
    expect(config.linux?.syncDesktopName).toBe(true);
    expect(meta.desktopName).toBe(`${config.linux?.executableName}.desktop`);
  });

  it('has every icon it names, each PNG at the pixel size it claims', () => {
    const dir = config.linux?.icon ?? '';
    expect(dir).toBe('assets/icons');
    const names = readdirSync(join(ROOT, dir)).sort();
    expect(names).toEqual(LINUX_ICON_SIZES.map((n) => `${n}x${n}.png`).sort());
    for (const name of names) {
      const [w, h] = name.replace('.png', '').split('x').map(Number);
      expect(pngHeader(join(dir, name)), name).toEqual({ width: w, height: h, colourType: 6 });
    }
    for (const icon of [config.mac?.icon, config.win?.icon]) {
      expect(icon).toMatch(/\.png$/);
      expect(pngHeader(icon ?? ''), icon ?? '').toEqual({ width: 1024, height: 1024, colourType: 6 });
    }
    expect(existsSync(join(ROOT, 'assets/icon.svg'))).toBe(true);
  });

  it("grants macOS's hardened runtime only the JIT", () => {
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      const plist = read(file ?? '');
      expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
      expect(plist.match(/<key>/g)).toHaveLength(1);
    }
  });

  it('packs the built main, preload and renderer, and package.json', () => {
    for (const path of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/assets/index-0a1b2c.js']) {
      expect(packs(path), path).toBe(true);
    }
  });

  it('leaves out the browser-mode server, source maps, and every source, test, script and doc', () => {
    for (const path of ['dist/electron/serve.mjs', 'dist/electron/main.cjs.map', 'dist/electron/preload.cjs.map', 'dist/renderer/assets/index-0a1b2c.js.map']) {
      expect(packs(path), path).toBe(false);
    }
    const sources = ['electron', 'renderer', 'shared', 'scripts', 'e2e', 'bench', 'docs', 'assets', '.ci'].flatMap(filesUnder);
    expect(sources.length).toBeGreaterThan(100);
    const topLevel = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isFile() && e.name !== 'package.json').map((e) => e.name);
    expect([...sources, ...topLevel].filter((path) => packs(path))).toEqual([]);
  });

  it('packs the files the build writes, when there is a build', () => {
    if (!existsSync(join(ROOT, 'dist'))) return; // a clean clone: the path checks below still hold
    const built = filesUnder('dist');
    const packed = built.filter((path) => packs(path, lstatSync(join(ROOT, path))));
    expect(packed).toContain('dist/electron/main.cjs');
    expect(packed).toContain('dist/electron/preload.cjs');
    expect(packed).toContain('dist/renderer/index.html');
    expect(packed.filter((path) => path.endsWith('.map') || path.endsWith('serve.mjs'))).toEqual([]);
  });

  it("runs the main that the build writes and package.json names", () => {
    const main = (config.extraMetadata as { main?: string }).main;
    expect(main).toBe(pkg.main);
    expect(main).toBe('dist/electron/main.cjs');
    const build = read('scripts/build-main.mjs');
    expect(build).toContain(`outfile: '${main}'`);
    expect(build).toContain("outfile: 'dist/electron/preload.cjs'");
    expect(read('vite.config.ts')).toContain("outDir: '../dist/renderer'");
  });

  it('uses the Electron that is installed (its version comes from node_modules/electron)', () => {
    const installed = (JSON.parse(read('node_modules/electron/package.json')) as { version: string }).version;
    expect(config.electronVersion ?? installed).toBe(installed);
    expect(config.electronDist).toBeUndefined();
  });

  it('is what `npm run dist` builds: Linux by default, macOS and Windows on their own scripts', () => {
    expect(pkg.scripts.dist).toBe('npm run build && electron-builder --linux');
    expect(pkg.scripts['dist:mac']).toBe('npm run build && electron-builder --mac');
    expect(pkg.scripts['dist:win']).toBe('npm run build && electron-builder --win');
  });
});
