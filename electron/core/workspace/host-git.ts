import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';

/**
 * Git on the host, only ever on two kinds of repository:
 * - 'user': the user's own repository (their config and hooks are theirs to run);
 * - 'staging': Enclave's own throwaway bare repository, with no user or system config and
 *   nothing that runs programs (hooks, fsmonitor, pagers), objects checked as they arrive.
 * Never on anything whose config came from an agent. Every call is bounded in time and output.
 */
export type HostGitRepo = 'user' | 'staging';

const STAGING_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.pager=cat',
  'fetch.fsckObjects=true',
  'transfer.fsckObjects=true',
  'receive.fsckObjects=true',
  'gc.auto=0',
  'maintenance.auto=false',
  'diff.external=',
  'protocol.allow=never',
  'protocol.file.allow=always',
].flatMap((c) => ['-c', c]);

export interface HostGitOptions {
  timeoutMs?: number;
  /** Bytes kept of stdout and of stderr; more kills git and fails the call. */
  maxOutputBytes?: number;
  input?: Buffer | string;
  /** A file (from a byte offset) given to git as stdin instead of `input`. */
  stdinFile?: { path: string; start: number };
  /** Exit codes that are answers rather than failures (e.g. 1 for merge-base --is-ancestor); 'any': the caller reads the code. */
  okCodes?: number[] | 'any';
}

export interface HostGitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export class HostGitError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'HostGitError';
  }
}

export const HOST_GIT_TIMEOUT_MS = 60_000;
const HOST_GIT_MAX_OUTPUT = 16 * 1024 * 1024;

/** The environment host git runs in: nothing of ours (GIT_DIR, GIT_INDEX_FILE…) leaks in; C messages (some are parsed). */
export function hostGitEnv(repo: HostGitRepo): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  env.LC_ALL = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  // `git status` must not refresh (rewrite) the user's index: reading a project leaves it as it was.
  env.GIT_OPTIONAL_LOCKS = '0';
  if (repo === 'staging') {
    env.GIT_CONFIG_NOSYSTEM = '1';
    env.GIT_CONFIG_GLOBAL = '/dev/null';
  }
  return env;
}

export function hostGit(repo: HostGitRepo, cwd: string, args: string[], opts: HostGitOptions = {}): Promise<HostGitResult> {
  const timeoutMs = opts.timeoutMs ?? HOST_GIT_TIMEOUT_MS;
  const cap = opts.maxOutputBytes ?? HOST_GIT_MAX_OUTPUT;
  // The user chose the folder: it is theirs even when another uid owns it (Enclave run as root).
  const fullArgs = [...(repo === 'staging' ? STAGING_CONFIG : ['-c', `safe.directory=${cwd}`, '-c', 'core.fsmonitor=false']), '--no-pager', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, { cwd, env: hostGitEnv(repo), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: string | null = null;
    const kill = (why: string) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`git ${args[0] ?? ''} took longer than ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > cap) kill(`git ${args[0] ?? ''} printed more than ${cap} bytes`);
      else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      errBytes += d.length;
      if (errBytes <= 64 * 1024) err.push(d);
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all of stdin
    if (opts.stdinFile) {
      const src = createReadStream(opts.stdinFile.path, { start: opts.stdinFile.start });
      src.on('error', (e) => kill(`reading ${opts.stdinFile?.path ?? ''}: ${e.message}`));
      src.pipe(child.stdin);
    } else {
      child.stdin.end(opts.input ?? '');
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new HostGitError(missing ? 'git is not installed on this computer; Enclave needs it for projects (install the git package).' : `git could not run on this computer: ${e.message}`, null, ''));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (failure) return reject(new HostGitError(failure, code, stderr));
      const exit = code ?? -1;
      if (exit !== 0 && opts.okCodes !== 'any' && !(opts.okCodes ?? []).includes(exit)) {
        return reject(new HostGitError(`git ${args[0] ?? ''} failed (exit ${exit}): ${firstLines(stderr)}`, exit, stderr));
      }
      resolve({ code: exit, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The start of git's complaint, on one bounded line. */
export function firstLines(stderr: string, max = 400): string {
  const text = stderr.replace(/\s+/g, ' ').trim() || 'no reason given';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Git on the user's own repository, read by the caller whatever its exit code (inspecting a project, copying it in). */
export function userGit(dir: string, args: string[], opts: Omit<HostGitOptions, 'okCodes'> = {}): Promise<HostGitResult> {
  return hostGit('user', dir, args, { timeoutMs: 120_000, maxOutputBytes: 256 * 1024 * 1024, ...opts, okCodes: 'any' });
}
