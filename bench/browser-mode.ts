/** What the browser benches share: the repository's root, a command run to its end, and `serve`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command in the repository's root, its output shown; rejects on a non-zero exit. */
export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** Starts browser mode on a free port for `project`; resolves with the URL it printed (token included). */
export function startServe(project: string): Promise<{ child: ChildProcess; url: string }> {
  const entry = join(ROOT, 'dist', 'electron', 'serve.mjs');
  if (!existsSync(entry)) throw new Error('dist/electron/serve.mjs is missing: run `npm run build` first');
  const child = spawn(process.execPath, [entry, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, ENCLAVE_PROJECT: project },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode printed no URL in 20 s:\n${out}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = out.match(/https?:\/\/\S+/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited (${code}) before printing its URL:\n${out}`));
    });
  });
}
