import type { Agent, AgentProgress } from '../../shared/types.js';
import { WORKSPACE_PATH } from '../../shared/workspace.js';
import type { IncusClient } from '../incus/client.js';
import { ExecLimitError, execCommand, type ExecResult } from '../incus/exec.js';
import { AGENT_OUTPUT_CHARS, agentOutputText } from './agent-output.js';
import { ensureSessionUser, execAs, sessionEnv, type SessionUser } from './session-user.js';
import { envScript, tmuxNewSessionArgs, type SessionLaunch } from './templates/launch.js';

/** The tmux session an agent's process runs in; its terminal tab attaches to it. */
export const AGENT_TMUX_SESSION = 'agent';
export const AGENT_HOME = '/root';

/** Where the agent's session and shell tabs start: its template's workdir, else its workspace, else home (tmux falls back to home when the folder is gone). */
export function agentWorkdir(agent: Pick<Agent, 'meta' | 'workspace'>): string {
  return agent.meta.workdir || (agent.workspace ? WORKSPACE_PATH : AGENT_HOME);
}

/** How long the agent's tmux may take to start its session; it runs inside the agent. */
export const TMUX_START_TIMEOUT_MS = 15_000;
/** What the start may print (it prints nothing when all is well). */
export const TMUX_START_MAX_OUTPUT = 64 * 1024;

/**
 * The agent's tmux session could not be started. `reason` is Enclave's own words (the exit
 * code, or the bound the command crossed); `agentOutput` what the agent's tmux printed,
 * bounded and cleaned (agentOutputText), to be shown quoted apart, never as Enclave's words.
 */
export class AgentSessionError extends Error {
  constructor(
    agent: string,
    readonly reason: string,
    readonly agentOutput: string | null,
  ) {
    super(`could not start tmux in ${agent} (${reason})`);
    this.name = 'AgentSessionError';
  }
}

/**
 * Starts the agent's tmux session unless it runs already: a login shell, or the template's
 * command with its environment (secrets included, sent on stdin; see envScript). tmux
 * daemonizes its server, so the session outlives this exec and every later client
 * disconnect. Images without tmux are left alone (their terminals say they are not
 * persistent). Returns whether tmux is there.
 *
 * `user` (sessionUser: the mounted folder's owner) runs it, null root. tmux's server is per
 * uid (its socket is /tmp/tmux-UID/default), so every tmux call for this session must run as
 * the same user: restartPane, the terminal's attach and the status probe take the same one.
 */
export async function ensureAgentSession(
  client: IncusClient,
  agent: string,
  workdir = AGENT_HOME,
  launch: SessionLaunch = { command: '', env: {} },
  user: SessionUser | null = null,
): Promise<boolean> {
  if (user) await ensureSessionUser(client, agent, user);
  // `-t =NAME` matches that name only: a bare name also matches any session it prefixes
  // ("agent-old"), which would leave the agent's own session unstarted. A terminal attaching
  // meanwhile (new-session -A) may create it between the check and the start: then the start
  // fails as a duplicate, and the session is there all the same.
  const has = `tmux has-session -t =${AGENT_TMUX_SESSION} 2>/dev/null`;
  const hasEnv = Object.keys(launch.env).length > 0;
  const start = tmuxNewSessionArgs(AGENT_TMUX_SESSION, launch.env, launch.command !== '');
  const script = `command -v tmux >/dev/null 2>&1 || exit 3; ${has} && exit 0; ${hasEnv ? 'eval "$(cat)"; ' : ''}${start} && exit 0; ${has}`;
  let result: ExecResult;
  try {
    result = await execCommand(client, agent, ['sh', '-c', script, 'sh', workdir, launch.command], {
      environment: { ...sessionEnv(user), TERM: 'xterm-256color', LANG: 'C.UTF-8' },
      ...execAs(user),
      stdin: hasEnv ? new TextEncoder().encode(envScript(launch.env)) : undefined,
      timeoutMs: TMUX_START_TIMEOUT_MS,
      maxOutputBytes: TMUX_START_MAX_OUTPUT,
    });
  } catch (err) {
    if (!(err instanceof ExecLimitError)) throw err;
    const reason =
      err.limit === 'timeout'
        ? `the agent's tmux did not answer within ${TMUX_START_TIMEOUT_MS / 1000} s and was stopped`
        : `the agent's tmux printed more than ${TMUX_START_MAX_OUTPUT / 1024} KiB and was stopped`;
    throw new AgentSessionError(agent, reason, agentOutputText(err.stderr.length ? err.stderr : err.stdout));
  }
  if (result.exitCode === 3) return false;
  if (result.exitCode !== 0) throw new AgentSessionError(agent, `exit ${result.exitCode}`, agentOutputText(result.stderr));
  return true;
}

/**
 * The progress note for an agent that runs but whose tmux session did not start: Enclave's
 * sentence in `detail`, what the agent's tmux printed (if anything) apart in `agentOutput`.
 */
export function sessionFailureProgress(name: string, err: unknown): AgentProgress {
  if (err instanceof AgentSessionError) {
    const detail = `Running, but its tmux session did not start (${err.reason}).`;
    return err.agentOutput
      ? { name, stage: 'ready', detail: `${detail} The agent's tmux printed:`, agentOutput: err.agentOutput }
      : { name, stage: 'ready', detail };
  }
  // Incus's or Enclave's own words (a lost stream, the agent stopped meanwhile); bounded all the same.
  const message = err instanceof Error ? err.message : String(err);
  return { name, stage: 'ready', detail: `Running, but its tmux session did not start: ${message.slice(0, AGENT_OUTPUT_CHARS)}` };
}

/** The exit code of a tab's tmux client that detached (Ctrl-b d) from a session still running. */
export const TMUX_DETACHED = 200;

/**
 * Attaches a terminal to the agent's session, creating it if needed. A tmux client exits 0
 * both when it detaches and when the session ends; the check after it tells them apart, so a
 * detach (a habit, harmless here) is not shown as the agent having exited.
 */
export function tmuxAttachCommand(cwd: string): string[] {
  const script =
    `tmux -u new-session -A -s ${AGENT_TMUX_SESSION} -c "$1"; code=$?; ` +
    `[ "$code" -eq 0 ] && tmux has-session -t =${AGENT_TMUX_SESSION} 2>/dev/null && exit ${TMUX_DETACHED}; exit "$code"`;
  return ['sh', '-c', script, 'sh', cwd];
}

/**
 * Runs the session's command again in its (dead) pane, with the session's environment (its
 * template's variables and secrets, kept by tmux from the start). False: there is no session
 * to respawn, so the caller starts one.
 */
export async function restartPane(client: IncusClient, agent: string, user: SessionUser | null = null): Promise<boolean> {
  if (user) await ensureSessionUser(client, agent, user);
  const script = `tmux has-session -t =${AGENT_TMUX_SESSION} 2>/dev/null || exit 4; tmux respawn-pane -k -t '=${AGENT_TMUX_SESSION}:0.0'`;
  const result = await execCommand(client, agent, ['sh', '-c', script], {
    environment: { HOME: user?.home ?? AGENT_HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    ...execAs(user),
    timeoutMs: TMUX_START_TIMEOUT_MS,
    maxOutputBytes: TMUX_START_MAX_OUTPUT,
  });
  if (result.exitCode === 4) return false;
  if (result.exitCode !== 0) throw new AgentSessionError(agent, `exit ${result.exitCode}`, agentOutputText(result.stderr));
  return true;
}
