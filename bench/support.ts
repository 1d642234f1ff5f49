/**
 * What the benchmarks share: a throwaway Incus project that is deleted at the end (also on
 * failure and on Ctrl-C), the incus CLI, and small statistics.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IncusClient } from '../electron/incus/client.js';
import { IncusError } from '../electron/incus/errors.js';
import { changeState, deleteInstance, getInstance, listInstances } from '../electron/incus/instances.js';
import { deleteProject, ensureProject } from '../electron/incus/projects.js';
import { chooseSocket, socketCandidates } from '../electron/incus/socket.js';

/**
 * Runs the incus CLI with stdin on /dev/null: `incus launch` reads an instance config from
 * stdin when it is not a terminal, so an open pipe would make it wait forever. Resolves with
 * what it printed.
 */
export function incus(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('incus', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`incus ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/**
 * Waits (up to `timeoutMs`) until btrfs has finished dropping the deleted subvolumes of an
 * Incus storage pool: deleting a snapshot or an instance returns before btrfs's cleaner has
 * done the work (with its quota accounting), which would otherwise slow what is measured next.
 * Does nothing for a pool that is not btrfs or when `btrfs` cannot run (not root).
 */
export async function settleBtrfs(pool: string, timeoutMs = 60_000): Promise<void> {
  const path = `/var/lib/incus/storage-pools/${pool}`;
  await new Promise<void>((resolve) => {
    const child = spawn('btrfs', ['subvolume', 'sync', path], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => resolve());
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The nearest-rank percentile (0 < p ≤ 100). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** The value of a numeric option such as `--reps N`, checked to be a whole number ≥ min. */
export function wholeNumber(arg: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${arg} takes a whole number ≥ ${min}`);
  return n;
}

type OptionValue = number | string | boolean | null;

/**
 * Command-line options shaped by their defaults: `--reps N` for a number (a whole number ≥
 * `min`, default 1), `--image X` for a string or null, `--trace` for a false boolean and
 * `--no-build` for a true one. camelCase names are written kebab-case (`cpuProf` → `--cpu-prof`).
 */
export function benchOptions<T extends { [K in keyof T]: OptionValue }>(argv: string[], defaults: T, min: Partial<Record<keyof T, number>> = {}): T {
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const byFlag = new Map<string, keyof T & string>();
  for (const key of Object.keys(defaults) as (keyof T & string)[]) {
    byFlag.set(defaults[key] === true ? `--no-${flag(key).slice(2)}` : flag(key), key);
  }
  const usage = () => [...byFlag].map(([f, k]) => (typeof defaults[k] === 'boolean' ? f : `${f} ${typeof defaults[k] === 'number' ? 'N' : 'X'}`)).join(', ');
  const opts: Record<string, OptionValue> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const key = byFlag.get(arg);
    if (!key) throw new Error(`unknown argument ${arg} (use ${usage()})`);
    const def = defaults[key];
    if (typeof def === 'boolean') {
      opts[key] = !def;
      continue;
    }
    const raw = argv[++i];
    if (raw === undefined) throw new Error(`${arg} needs a value`);
    opts[key] = typeof def === 'number' ? wholeNumber(arg, raw, min[key] ?? 1) : raw;
  }
  return opts as T;
}

export interface ThrowawayProject {
  /** The project's name, `enclave-bench-<random>`. */
  readonly name: string;
  /** The daemon's socket, chosen like the incus CLI does. */
  readonly socketPath: string;
  /** A client on that socket, scoped to the project. */
  readonly admin: IncusClient;
  /** True once SIGINT or SIGTERM arrived: stop measuring; cleanup is under way. */
  readonly interrupted: boolean;
  /** Stops (forcefully) and deletes one instance of the project. */
  destroy(name: string): Promise<void>;
  /** Registers a step (stop a server, kill a child…) run before the project is deleted, last first. */
  defer(step: () => unknown): void;
  /** Runs the deferred steps, deletes every instance and the project. Safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates a throwaway project for the benchmark named `bench` (used in messages) and arranges
 * for its deletion: call `cleanup()` in a finally; SIGINT/SIGTERM clean up and exit by themselves.
 */
export async function throwawayProject(bench: string, description: string): Promise<ThrowawayProject> {
  const socketPath = (await chooseSocket(socketCandidates())).path;
  const name = `enclave-bench-${randomBytes(4).toString('hex')}`;
  const admin = new IncusClient({ socketPath, project: name });
  const steps: (() => unknown)[] = [];
  let interrupted = false;
  let cleaning: Promise<void> | null = null;

  const destroy = async (instance: string) => {
    const inst = await getInstance(admin, instance);
    if (inst.status !== 'Stopped') await changeState(admin, instance, 'stop', { force: true });
    await deleteInstance(admin, instance);
  };

  /**
   * Deletes every instance of the project, then the project. Retries for up to 30 s: after
   * Ctrl-C a create may still be finishing in the daemon, or the daemon may be restarting.
   */
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          console.error(`bench ${bench}: a cleanup step failed: ${String(err)}`);
        }
      }
      let lastError: unknown = null;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        try {
          const left = await listInstances(admin).catch(() => []);
          for (const inst of left) await destroy(inst.name).catch(() => undefined);
          // deleteProject removes the project's own profiles (Enclave's) first.
          await deleteProject(admin, name);
          lastError = null;
          break;
        } catch (err) {
          if (err instanceof IncusError && err.status === 404) {
            lastError = null;
            break;
          }
          lastError = err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      if (lastError) console.error(`bench ${bench}: could not delete project ${name}: ${String(lastError)}`);
      await admin.close().catch(() => undefined);
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench ${bench}: ${signal}, cleaning up ${name}…`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const project: ThrowawayProject = {
    name,
    socketPath,
    admin,
    get interrupted() {
      return interrupted;
    },
    destroy,
    defer: (step) => void steps.push(step),
    cleanup,
  };
  try {
    await ensureProject(admin, name, description);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return project;
}

/**
 * One warm-up of each side (not counted), then `reps` runs alternating Enclave and the CLI,
 * each printed; ends with the medians and `bench <label>: ratio <enclave/cli>`. Stops early,
 * printing no ratio, once the project is interrupted.
 */
export async function alternateRuns(
  label: string,
  project: Pick<ThrowawayProject, 'interrupted'>,
  reps: number,
  enclaveRun: () => Promise<number>,
  cliRun: () => Promise<number>,
): Promise<void> {
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const warmE = await enclaveRun();
  const warmC = await cliRun();
  console.log(`warm-up (not counted): enclave ${fmt(warmE)}, cli ${fmt(warmC)}`);
  const enclave: number[] = [];
  const cli: number[] = [];
  for (let i = 1; i <= reps && !project.interrupted; i++) {
    const e = await enclaveRun();
    enclave.push(e);
    const c = await cliRun();
    cli.push(c);
    console.log(`run ${i}: enclave ${fmt(e)}, cli ${fmt(c)}`);
  }
  if (project.interrupted) return;
  const me = median(enclave);
  const mc = median(cli);
  console.log(`median: enclave ${fmt(me)}, cli ${fmt(mc)}`);
  console.log(`bench ${label}: ratio ${(me / mc).toFixed(2)}`);
}
