import { execFile } from 'node:child_process';
import { EnclaveError } from '../../../shared/errors.js';

/**
 * Git run on the host, on the user's own repository only (never on anything an agent wrote):
 * the user's config is theirs and fine, but nothing is ever written into the repository.
 * GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing (rewriting) the index.
 */
export interface HostGitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export const HOST_GIT_TIMEOUT_MS = 120_000;
export const HOST_GIT_MAX_OUTPUT = 256 * 1024 * 1024;

/** The environment without variables that would point git at another repository than `dir`'s. */
export function hostGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE']) delete env[key];
  return env;
}

export function hostGit(dir: string, args: string[], opts: { timeoutMs?: number; maxBytes?: number } = {}): Promise<HostGitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: dir,
        encoding: 'buffer',
        timeout: opts.timeoutMs ?? HOST_GIT_TIMEOUT_MS,
        maxBuffer: opts.maxBytes ?? HOST_GIT_MAX_OUTPUT,
        env: hostGitEnv(),
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
        if (e && typeof e.code !== 'number') {
          if (e.code === 'ENOENT') return reject(new EnclaveError('unavailable', 'git is not installed on this computer; it is needed to bring a repository in.'));
          if (e.killed) return reject(new EnclaveError('internal', `git ${args[0] ?? ''} on ${dir} did not finish in time.`));
          if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new EnclaveError('internal', `git ${args[0] ?? ''} on ${dir} printed more than Enclave reads.`));
          return reject(new EnclaveError('internal', `git ${args[0] ?? ''} on ${dir} failed: ${e.message}`));
        }
        resolve({ code: typeof e?.code === 'number' ? e.code : 0, stdout, stderr: stderr.toString('utf8').trim() });
      },
    );
  });
}
