import type { IncusClient } from '../incus/client.js';
import { execCommand } from '../incus/exec.js';

/** The tmux session an agent's process runs in; its terminal tab attaches to it. */
export const AGENT_TMUX_SESSION = 'agent';
export const AGENT_HOME = '/root';

/**
 * Starts the agent's tmux session unless it runs already. tmux daemonizes its server, so the
 * session outlives this exec and every later client disconnect. Images without tmux are left
 * alone (their terminals say they are not persistent). Returns whether tmux is there.
 */
export async function ensureAgentSession(client: IncusClient, agent: string, workdir = AGENT_HOME): Promise<boolean> {
  // `-t =NAME` matches that name only: a bare name also matches any session it prefixes
  // ("agent-old"), which would leave the agent's own session unstarted. A terminal attaching
  // meanwhile (new-session -A) may create it between the check and the start: then the start
  // fails as a duplicate, and the session is there all the same.
  const has = `tmux has-session -t =${AGENT_TMUX_SESSION} 2>/dev/null`;
  const script = `command -v tmux >/dev/null 2>&1 || exit 3; ${has} && exit 0; tmux -u new-session -d -s ${AGENT_TMUX_SESSION} -c "$1" && exit 0; ${has}`;
  const result = await execCommand(client, agent, ['sh', '-c', script, 'sh', workdir], {
    environment: { HOME: AGENT_HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8', USER: 'root', SHELL: '/bin/bash' },
  });
  if (result.exitCode === 3) return false;
  if (result.exitCode !== 0) throw new Error(`could not start tmux in ${agent}: ${result.stderr.toString().trim() || `exit ${result.exitCode}`}`);
  return true;
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
