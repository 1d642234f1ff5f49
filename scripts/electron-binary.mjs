// Finds Electron's binary without requiring the electron package: requiring it on a machine
// without the binary makes it try to download one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the project folder @returns {{binary: string|null, why: string|null}} */
export function electronBinary(root) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pkg)) return { binary: null, why: 'the electron package is not installed' };
  if (!existsSync(pathTxt)) return { binary: null, why: 'no Electron binary is installed (node_modules/electron has no path.txt)' };
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary)) return { binary: null, why: `the Electron binary ${binary} is missing` };
  return { binary, why: null };
}

/** @returns {boolean} */
export function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
