/**
 * Test support: one incusd of the tests' own, beside the machine's daemon (SpareIncusd and each
 * member of ClusterIncusd are one). It runs detached with its own INCUS_DIR, its own log, and
 * HTTP(S)_PROXY on a closed loopback port, so the instance-type list it fetches at start fails
 * at 127.0.0.1 without a DNS lookup of an outside name.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { INCUSD, alive } from './incusd.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to its end; rejects with its stderr. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      },
    );
    // A command that exits before reading its input closes the pipe: the EPIPE that follows is
    // the command's failure, which its exit already reports.
    child.stdin?.on('error', () => undefined);
    if (opts.input === undefined) child.stdin?.end();
    else child.stdin?.end(opts.input);
  });
}

/** Runs one cleanup step and keeps its error, so the steps after it still run. */
export type CleanupStep = (what: () => Promise<unknown>) => Promise<void>;

export function cleanupSteps(): { step: CleanupStep; errors: unknown[] } {
  const errors: unknown[] = [];
  const step: CleanupStep = async (what) => {
    try {
      await what();
    } catch (err) {
      errors.push(err);
    }
  };
  return { step, errors };
}

export interface IncusdProcessOptions {
  /** How it is named in errors. */
  label: string;
  /** How long `start` waits for it to answer. */
  readyTimeoutSec: number;
  /** How long one incus CLI call may take. */
  cliTimeoutMs: number;
}

export class IncusdProcess {
  private pid: number | null = null;

  constructor(
    readonly dir: string,
    private readonly opts: IncusdProcessOptions,
  ) {}

  get socketPath(): string {
    return join(this.dir, 'unix.socket');
  }

  get running(): boolean {
    return this.pid !== null;
  }

  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, INCUS_DIR: this.dir, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
  }

  /** The incus CLI against this daemon's socket. */
  incus(...args: string[]): Promise<string> {
    return runCommand('incus', args, { env: this.env, timeoutMs: this.opts.cliTimeoutMs });
  }

  incusWithInput(input: string, ...args: string[]): Promise<string> {
    return runCommand('incus', args, { env: this.env, input, timeoutMs: this.opts.cliTimeoutMs });
  }

  /** Starts the daemon (detached, like a service manager would) and waits until it answers. */
  async start(): Promise<void> {
    if (this.pid !== null && (await alive(this.pid))) return;
    const child = spawn(INCUSD, ['--group', 'root', '--logfile', join(this.dir, 'incusd.log')], {
      env: this.env,
      detached: true,
      stdio: 'ignore',
    });
    child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    this.pid = child.pid ?? null;
    await this.incus('admin', 'waitready', `--timeout=${this.opts.readyTimeoutSec}`);
  }

  /** SIGKILL: the daemon dies at once, its containers keep running. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    await this.waitGone(pid, 30_000, false);
  }

  /** SIGKILL, then start again. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** SIGSTOP: the daemon stays, holds its sockets open and answers nothing (a stalled daemon). */
  pause(): void {
    if (this.pid !== null) process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.pid !== null) process.kill(this.pid, 'SIGCONT');
  }

  /** SIGTERM (set core.shutdown_timeout to 0 first, or it waits for operations), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
    await this.waitGone(pid, 30_000, true);
  }

  private async waitGone(pid: number, ms: number, killAfter: boolean): Promise<void> {
    const deadline = Date.now() + ms;
    while (await alive(pid)) {
      if (Date.now() > deadline) {
        if (!killAfter) throw new Error(`${this.opts.label} (pid ${pid}) survived SIGKILL`);
        process.kill(pid, 'SIGKILL');
        killAfter = false;
      }
      await sleep(50);
    }
    this.pid = null;
  }
}

/**
 * Deletes every instance, profile and project, every image, the root disk and `pool`, and sets
 * core.shutdown_timeout to 0 so that stopping it does not wait; each through `step`.
 */
export async function emptyIncusd(incus: (...args: string[]) => Promise<string>, pool: string, step: CleanupStep): Promise<void> {
  await step(async () => {
    const projects = JSON.parse(await incus('project', 'list', '--format=json')) as { name: string }[];
    for (const { name } of projects) {
      const instances = JSON.parse(await incus('list', '--project', name, '--format=json')) as { name: string }[];
      for (const inst of instances) await step(() => incus('delete', '--force', '--project', name, inst.name));
      if (name === 'default') continue;
      const profiles = JSON.parse(await incus('profile', 'list', '--project', name, '--format=json')) as { name: string }[];
      for (const p of profiles) if (p.name !== 'default') await step(() => incus('profile', 'delete', '--project', name, p.name));
      await step(() => incus('project', 'delete', name));
    }
  });
  await step(async () => {
    const images = JSON.parse(await incus('image', 'list', '--format=json')) as { fingerprint: string }[];
    for (const img of images) await step(() => incus('image', 'delete', img.fingerprint));
  });
  await step(() => incus('profile', 'device', 'remove', 'default', 'root'));
  await step(() => incus('storage', 'delete', pool));
  await step(() => incus('config', 'set', 'core.shutdown_timeout', '0'));
}

/**
 * After the daemon stopped: whatever is still mounted below `dir` (shmounts, guestapi, a pool
 * that could not be deleted), deepest first, then the loop devices backing files in it, then
 * the folder; each through `step`.
 */
export async function releaseIncusdDir(dir: string, step: CleanupStep): Promise<void> {
  await step(async () => {
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m === dir || m.startsWith(dir + '/'))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) await step(() => runCommand('umount', ['-l', m]));
  });
  await step(async () => {
    const loops = (await runCommand('losetup', ['-n', '-O', 'NAME,BACK-FILE', '--list']).catch(() => ''))
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, file]) => file !== undefined && file.startsWith(dir + '/'));
    for (const [dev] of loops) if (dev) await step(() => runCommand('losetup', ['-d', dev]));
  });
  await step(() => rm(dir, { recursive: true, force: true }));
}
