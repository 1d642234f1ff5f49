import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { AGENT_TMUX_SESSION } from '../agent-tmux.js';
import { execAs, type SessionUser } from '../session-user.js';
import { PROBE_SEPARATOR, parseProbe, type PaneReading } from './classify.js';
import { EXIT_FILE } from '../templates/launch.js';

/** Where Claude Code's hooks (and any CLI's) write "working|waiting <epoch>"; /run is cleared on restart. */
export const HOOK_STATUS_FILE = '/run/enclave/status';
export const PROBE_TIMEOUT_MS = 5_000;
export const PROBE_MAX_OUTPUT = 4 * 1024;

const FORMAT = ['#{pane_dead}', '#{pane_dead_status}', '#{window_activity}', '#{pane_current_command}'].join(PROBE_SEPARATOR);
// Four lines whatever happens: the pane (or nothing), the agent's clock, the hook file's first
// line, and the command's exit status file.
const SCRIPT =
  `printf '%s\\n' "$(tmux display-message -p -t '=${AGENT_TMUX_SESSION}:0.0' '${FORMAT}' 2>/dev/null | head -c 512)"; ` +
  `date +%s; printf '%s\\n' "$(head -n 1 ${HOOK_STATUS_FILE} 2>/dev/null | head -c 64)"; head -c 16 ${EXIT_FILE} 2>/dev/null`;

/**
 * One look at the agent's pane, bounded and timed out: it runs inside the agent, as the user
 * whose tmux server holds the session (sessionUser; null root).
 */
export async function probePane(client: IncusClient, agent: string, user: SessionUser | null = null): Promise<PaneReading> {
  const result = await execCommand(client, agent, ['sh', '-c', SCRIPT], {
    environment: { HOME: user?.home ?? '/root', LANG: 'C.UTF-8' },
    ...execAs(user),
    timeoutMs: PROBE_TIMEOUT_MS,
    maxOutputBytes: PROBE_MAX_OUTPUT,
  });
  return parseProbe(new TextDecoder('utf-8', { fatal: false }).decode(result.stdout));
}

/** Claude Code's managed settings: hooks that tell Enclave when it waits and when it works. */
export const CLAUDE_MANAGED_SETTINGS = '/etc/claude-code/managed-settings.json';

export function claudeHooksSettings(): string {
  const write = (state: 'working' | 'waiting') => ({
    hooks: [{ type: 'command', command: `mkdir -p /run/enclave && echo ${state} $(date +%s) > ${HOOK_STATUS_FILE}` }],
  });
  return (
    JSON.stringify(
      {
        hooks: {
          UserPromptSubmit: [write('working')],
          PreToolUse: [{ matcher: '*', ...write('working') }],
          Notification: [write('waiting')],
          Stop: [write('waiting')],
        },
      },
      null,
      2,
    ) + '\n'
  );
}
