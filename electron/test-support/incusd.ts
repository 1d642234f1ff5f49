/**
 * Integration-test support: restarts the real Incus daemon on this machine, the way a package
 * upgrade or `systemctl restart incus` does, while its containers keep running.
 *
 * Verified on Incus 6.0.4 (by hand, and in cmd/incusd/daemon.go `Stop`):
 * - SIGTERM stops only the daemon: containers and every process in them keep running, and the
 *   daemon finds them again when it starts. (SIGPWR, or `incus admin shutdown`, stops the
 *   instances first.)
 * - But on SIGTERM the daemon first waits for running operations, exec sessions included, for
 *   up to `core.shutdown_timeout` minutes (default 5). Meanwhile it answers GETs and keeps the
 *   events stream and the exec sockets open, but refuses anything else with 503 "Shutting
 *   down". An open terminal (ours, or anyone's) therefore holds a restart for five minutes.
 *   So the restart here sets core.shutdown_timeout to 0 for its duration and puts the previous
 *   value back afterwards. (SIGINT skips that wait too, but it is not what a service manager
 *   sends; a second signal during shutdown is ignored.)
 * - The `[lxc monitor]` process of each container, and the `forkexec` helper of each exec
 *   session, are forks of incusd whose process name is also "incusd": `pgrep -x incusd` lists
 *   them too, and SIGTERM to a monitor kills its container. Select the daemon by its command
 *   line instead (the binary with options only, no subcommand).
 */
import { execFile, spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { incus } from './project.js';

export const INCUSD = '/usr/libexec/incus/incusd';

export interface DaemonProcess {
  pid: number;
  /** Its command line, to start it again the same way. */
  argv: string[];
}

/** Why a test that restarts incusd cannot run here, or null when it can. */
export function incusdRestartSkipReason(): string | null {
  if (process.env.ENCLAVE_SKIP_INCUSD_RESTART) return 'ENCLAVE_SKIP_INCUSD_RESTART is set';
  if (process.getuid?.() !== 0) return 'restarting incusd needs root';
  return null;
}

/** The running daemon (not its per-container monitors, not its fork* helpers), or null. */
export async function findIncusd(): Promise<DaemonProcess | null> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const [bin, first] = argv;
    if (!bin || !/(^|\/)incusd$/.test(bin)) continue;
    if (first !== undefined && !first.startsWith('-')) continue; // a subcommand: forkexec, forkfile…
    return { pid: Number(entry), argv };
  }
  return null;
}

/** Whether the process runs (a zombie waiting for its parent to reap it does not). */
export async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the daemon, then waits until it is gone; returns how it ran. */
export async function stopIncusd(timeoutMs = 60_000): Promise<DaemonProcess> {
  const daemon = await findIncusd();
  if (!daemon) throw new Error('incusd is not running');
  process.kill(daemon.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (await alive(daemon.pid)) {
    if (Date.now() > deadline) throw new Error(`incusd (pid ${daemon.pid}) still runs ${timeoutMs} ms after SIGTERM`);
    await sleep(50);
  }
  return daemon;
}

/** Waits until the daemon answers on its socket. */
export function waitReady(timeoutSec = 60): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('incus', ['admin', 'waitready', `--timeout=${timeoutSec}`], { timeout: (timeoutSec + 5) * 1000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`incusd did not become ready: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end();
  });
}

/**
 * Starts the daemon detached from this process (own session, stdio ignored, not waited for),
 * as scripts/setup-incus.sh does, with the command line it ran with before.
 */
export async function startIncusd(argv: string[]): Promise<void> {
  const [bin, ...args] = argv;
  const child = spawn(bin ?? INCUSD, args, { detached: true, stdio: 'ignore' });
  child.unref();
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  await waitReady();
}

const SHUTDOWN_TIMEOUT = 'core.shutdown_timeout';
/** The value of core.shutdown_timeout to put back ('' = unset), while it is changed. */
let shutdownTimeoutToRestore: string | null = null;

async function restoreShutdownTimeout(): Promise<void> {
  if (shutdownTimeoutToRestore === null) return;
  if (shutdownTimeoutToRestore === '') await incus('config', 'unset', SHUTDOWN_TIMEOUT);
  else await incus('config', 'set', SHUTDOWN_TIMEOUT, shutdownTimeoutToRestore);
  shutdownTimeoutToRestore = null;
}

/**
 * Stops the daemon with SIGTERM and starts it again the same way; resolves once it answers.
 * Exec sessions do not hold the restart (see the top of this file).
 */
export async function restartIncusd(): Promise<{ before: DaemonProcess; after: DaemonProcess }> {
  if (shutdownTimeoutToRestore === null) shutdownTimeoutToRestore = (await incus('config', 'get', SHUTDOWN_TIMEOUT)).trim();
  await incus('config', 'set', SHUTDOWN_TIMEOUT, '0');
  const before = await stopIncusd();
  await startIncusd(before.argv);
  await restoreShutdownTimeout();
  const after = await findIncusd();
  if (!after) throw new Error('incusd exited right after starting; see its log');
  return { before, after };
}

/**
 * Makes sure a daemon runs and answers, and that core.shutdown_timeout is back to what it was
 * (after a test that restarted it, whatever happened). `argv` is how the daemon ran before.
 */
export async function ensureIncusd(argv: string[] | undefined): Promise<void> {
  if (!(await findIncusd())) {
    if (!argv) throw new Error('incusd is not running, and how it ran before is unknown: start it by hand');
    await startIncusd(argv);
  } else {
    await waitReady();
  }
  await restoreShutdownTimeout();
}
