import type { AgentRunState } from '../../../shared/agent-status.js';

/** Output within this many seconds: working. Longer quiet with a program in front: waiting. */
export const QUIET_SECONDS = 4;
/** A hook's word counts for this long after the pane's last output. */
const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'fish', 'ash', 'busybox', 'login']);
const COMMAND_CHARS = 64;

/** What the probe read inside the agent, parsed; null fields: not said or not readable. */
export interface PaneReading {
  /** False: no tmux session (or tmux missing, or its answer made no sense). */
  session: boolean;
  dead: boolean;
  deadStatus: number | null;
  /** tmux's window_activity: seconds since the epoch of the pane's last output. */
  activityAt: number | null;
  command: string;
  /** The agent's clock, seconds since the epoch. */
  now: number | null;
  /** What the CLI's hooks last wrote, and when (agent's clock). */
  hook: { state: 'working' | 'waiting'; at: number } | null;
  /** The exit status the command's wrapper wrote; null while it runs (or without a wrapper). */
  exitFile: number | null;
}

export const PROBE_SEPARATOR = '\u001f';

/**
 * The probe's output, parsed strictly: three lines (the pane's fields separated by \x1f, the
 * agent's clock, the hook file). Anything else reads as "no session"; nothing in it is
 * trusted beyond its shape.
 */
export function parseProbe(output: string): PaneReading {
  const lines = output.split('\n');
  const exitFile = /^\d{1,3}$/.test((lines[3] ?? '').trim()) ? Number((lines[3] ?? '').trim()) : null;
  const none: PaneReading = { session: false, dead: false, deadStatus: null, activityAt: null, command: '', now: null, hook: null, exitFile };
  const now = /^\d{1,12}$/.test(lines[1] ?? '') ? Number(lines[1]) : null;
  const hookMatch = /^(working|waiting) (\d{1,12})$/.exec((lines[2] ?? '').trim());
  const hook = hookMatch ? { state: hookMatch[1] as 'working' | 'waiting', at: Number(hookMatch[2]) } : null;
  const fields = (lines[0] ?? '').split(PROBE_SEPARATOR);
  if (fields.length !== 4) return { ...none, now, hook };
  const [dead, deadStatus, activity, command] = fields as [string, string, string, string];
  if (dead !== '0' && dead !== '1') return { ...none, now, hook };
  return {
    session: true,
    dead: dead === '1',
    deadStatus: /^-?\d{1,6}$/.test(deadStatus) ? Number(deadStatus) : null,
    activityAt: /^\d{1,12}$/.test(activity) ? Number(activity) : null,
    command: cleanCommand(command),
    now,
    hook,
    exitFile,
  };
}

/** A process name from inside: printable ASCII, short. */
export function cleanCommand(raw: string): string {
  return raw.replace(/[^\x21-\x7e]/g, '').slice(0, COMMAND_CHARS);
}

export interface Classified {
  state: AgentRunState;
  exitCode: number | null;
  source: 'hooks' | 'tmux' | 'none';
}

/** How an agent's state is read: from its CLI's hooks, and whether its session runs a command. */
export interface ReadMode {
  hooks: boolean;
  /** False for a plain login shell: a quiet shell at its prompt is idle, not waiting. */
  command: boolean;
}

/**
 * The state from one reading. Hooks (Claude Code's) win while no output came after them;
 * otherwise recent output is working; a quiet template command is waiting for input; in a
 * plain shell, a shell in front is idle and a quiet program waiting.
 */
export function classify(r: PaneReading, mode: ReadMode): Classified {
  const useHooks = mode.hooks;
  if (!r.session) return { state: 'unknown', exitCode: null, source: 'none' };
  if (r.dead) return { state: 'exited', exitCode: r.deadStatus ?? r.exitFile, source: 'tmux' };
  if (r.exitFile !== null) return { state: 'exited', exitCode: r.exitFile, source: 'tmux' };
  const quiet = r.now !== null && r.activityAt !== null ? r.now - r.activityAt : null;
  if (useHooks && r.hook && (r.activityAt === null || r.hook.at + 1 >= r.activityAt || r.hook.state === 'waiting')) {
    // Claude Code keeps redrawing while it waits (its prompt box); the hook's "waiting" holds
    // until a hook says "working" again.
    return { state: r.hook.state, exitCode: null, source: 'hooks' };
  }
  if (quiet !== null && quiet < QUIET_SECONDS) return { state: 'working', exitCode: null, source: 'tmux' };
  if (!mode.command && SHELLS.has(r.command)) return { state: 'idle', exitCode: null, source: 'tmux' };
  return { state: quiet === null ? 'unknown' : 'waiting', exitCode: null, source: quiet === null ? 'none' : 'tmux' };
}

