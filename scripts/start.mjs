// `npm start`: the Electron app where an Electron binary and a display exist; otherwise browser
// mode, saying why.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, hasDisplay } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const { binary, why } = electronBinary(root);
const reason = why ?? (hasDisplay() ? null : 'no display ($DISPLAY / $WAYLAND_DISPLAY unset)');

if (binary && !reason && !args.includes('--browser')) {
  const child = spawn(binary, [join(root, 'dist', 'electron', 'main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const said = args.includes('--browser') ? 'browser mode requested' : `${reason}, so starting in browser mode instead of the Electron app`;
  const { serve } = await import(join(root, 'dist', 'electron', 'serve.mjs'));
  await serve(args.filter((a) => a !== '--browser'), said);
}
