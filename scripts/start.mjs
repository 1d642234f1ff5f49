// `npm start`: the Electron app where an Electron binary and a display exist; otherwise browser
// mode, saying why. Never requires the electron package (that would try to download it).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pkg)) return { binary: null, why: 'the electron package is not installed' };
  if (!existsSync(pathTxt)) return { binary: null, why: 'no Electron binary is installed (node_modules/electron has no path.txt)' };
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary)) return { binary: null, why: `the Electron binary ${binary} is missing` };
  return { binary, why: null };
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

const args = process.argv.slice(2);
const { binary, why } = electronBinary();
const reason = why ?? (hasDisplay() ? null : 'no display ($DISPLAY / $WAYLAND_DISPLAY unset)');

if (binary && !reason && !args.includes('--browser')) {
  const child = spawn(binary, [join(root, 'dist', 'electron', 'main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = args.includes('--browser') ? 'browser mode requested' : `${reason}, so starting in browser mode instead of the Electron app`;
  const { serve } = await import(join(root, 'dist', 'electron', 'serve.mjs'));
  await serve(args.filter((a) => a !== '--browser'), why);
}
