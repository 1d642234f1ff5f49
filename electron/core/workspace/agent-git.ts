import { EnclaveError } from '../../../shared/errors.js';
import { WORKSPACE_PATH } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { ExecLimitError, execCommand, type ExecResult } from '../../incus/exec.js';
import { agentOutputText } from '../agent-output.js';
import { AgentOutputError } from './change-parse.js';
import { SAFE_GIT, type GitEnv } from './work-state.js';

/**
 * SAFE_GIT as an argument list (it has no quoted words), on /workspace, with the agent's
 * replace refs ignored (they could make git show objects other than those a bundle carries).
 */
export const GIT_ARGV: readonly string[] = [...SAFE_GIT.split(' '), '--no-replace-objects', '-C', WORKSPACE_PATH];

export interface GitRun {
  /** What the call reads, for errors: "the list of changed files". */
  what: string;
  timeoutMs: number;
  maxOutputBytes: number;
  stdin?: Uint8Array;
  /** Exit codes that are answers, not failures (merge-base --is-ancestor says no with 1). */
  answers?: readonly number[];
  /** Past maxOutputBytes, give what was kept (marked cut) instead of failing. */
  keepCut?: boolean;
  /**
   * Keep only the first this many bytes inside the agent (`| head -c`), so a big file ends
   * the command normally instead of it being killed at the output cap.
   */
  head?: number;
  /** reviewGitEnv of the agent's workspace: where Enclave's own index and objects are (mount mode). */
  env?: GitEnv;
}

export interface GitOutput extends ExecResult {
  /** The output was stopped at maxOutputBytes (only with keepCut). */
  cut: boolean;
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${Math.round(n / 1024)} KiB`;
}

/**
 * Runs the agent's git on its /workspace with arguments only (nothing of the agent's reaches
 * a shell), bounded in time and output. Every way it can go wrong becomes an EnclaveError that
 * says what was being read and quotes the agent's own words as such.
 */
export async function agentGit(client: IncusClient, agent: string, args: readonly string[], run: GitRun): Promise<GitOutput> {
  let result: ExecResult;
  try {
    // The shell sees only a constant script; git's arguments follow as its positional parameters.
    const command = run.head === undefined ? [...GIT_ARGV, ...args] : ['sh', '-c', `"$@" | head -c ${Math.floor(run.head)}`, 'sh', ...GIT_ARGV, ...args];
    result = await execCommand(client, agent, command, {
      timeoutMs: run.timeoutMs,
      maxOutputBytes: run.maxOutputBytes,
      environment: { ...run.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      ...(run.stdin ? { stdin: run.stdin } : {}),
    });
  } catch (err) {
    if (!(err instanceof ExecLimitError)) throw err;
    if (err.limit === 'output' && run.keepCut && err.stdout.length >= run.maxOutputBytes) {
      return { exitCode: 0, stdout: err.stdout.subarray(0, run.maxOutputBytes), stderr: err.stderr, cut: true };
    }
    const why =
      err.limit === 'timeout'
        ? `its git did not answer within ${Math.round(run.timeoutMs / 1000)} s and was stopped`
        : `its git printed more than ${bytes(run.maxOutputBytes)} and was stopped`;
    throw new EnclaveError('unavailable', `Reading ${run.what} in ${agent} failed: ${why}.`);
  }
  if (result.exitCode !== 0 && !run.answers?.includes(result.exitCode)) {
    const said = agentOutputText(result.stderr, 300);
    throw new EnclaveError(
      'unavailable',
      `Reading ${run.what} in ${agent} failed: its git exited with ${result.exitCode}${said ? `; it said: “${said}”` : ''}.`,
    );
  }
  return { ...result, cut: false };
}

/** Parses an agent's answer; a parser's refusal becomes an error that names the agent. */
export function parsed<T>(agent: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof AgentOutputError) throw new EnclaveError('unavailable', `${agent}: ${err.message}`);
    throw err;
  }
}
