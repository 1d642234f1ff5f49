import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IncusClient } from '../electron/incus/client.js';
import { deleteProject } from '../electron/incus/projects.js';

const run = promisify(execFile);
export const root = join(import.meta.dirname, '..');

/**
 * Runs the incus CLI against the test project. Its stdin is closed: `incus launch` and
 * `incus init` read instance config from a stdin that is not a terminal, and would wait on it.
 */
export async function incus(project: string, ...args: string[]): Promise<string> {
  // The flag goes right after the subcommand: after `--` it would belong to the command run.
  const [sub = '', ...rest] = args;
  const pending = run('incus', [sub, '--project', project, ...rest], { timeout: 60_000 });
  pending.child.stdin?.end();
  const { stdout } = await pending;
  return stdout;
}

export function throwawayProject(prefix = 'enclave-e2e'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Deletes every instance of the project, then the project. */
export async function dropProject(project: string): Promise<void> {
  try {
    const names = (await incus(project, 'list', '-c', 'n', '-f', 'csv')).split('\n').filter(Boolean);
    for (const name of names) await incus(project, 'delete', '--force', name).catch(() => undefined);
    // With its own profiles (Enclave's), which `incus project delete` would refuse to leave.
    const client = new IncusClient({ socketPath: process.env.INCUS_SOCKET || '/var/lib/incus/unix.socket', project: 'default' });
    await deleteProject(client, project).catch(() => undefined);
    await client.close().catch(() => undefined);
  } catch {
    // Project never created.
  }
}

export interface Served {
  url: string;
  child: ChildProcess;
}

/** Starts browser mode (the built backend + renderer) and resolves with the URL it prints. */
export function startServe(env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [join(root, 'dist/electron/serve.mjs'), '--port', '0'], {
    // The machine's incus CLI remotes are the user's, not the suite's: left out.
    env: { ...process.env, ENCLAVE_NO_CLI_REMOTES: '1', ENCLAVE_TEST_REMOTE_NO_BRIDGES: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}
