import { envNameProblem } from '../../../shared/templates.js';

/** What the agent's tmux session runs, with what environment: a template, made concrete. */
export interface SessionLaunch {
  /** Run by `bash -lc` in the session's only pane; '' = a login shell. */
  command: string;
  /** Plain variables and the template's secrets, already looked up. */
  env: Record<string, string>;
}

export const EXIT_DIR = '/run/enclave';
/** Where the template command's exit status lands (see tmuxNewSessionArgs). */
export const EXIT_FILE = `${EXIT_DIR}/exit`;

/** Single-quoted for sh: the one character it cannot hold is the quote itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment as sh `export` lines, sent on the exec's stdin: values never appear in an
 * exec's command line (which Incus records in its operation and logs), in instance config or
 * in a file inside the agent. Names were checked by the template schema; checked again here,
 * since they become shell words.
 */
export function envScript(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      const problem = envNameProblem(name);
      if (problem) throw new Error(problem);
      if (value.includes('\0')) throw new Error(`${name}: a value has no NUL.`);
      return `export ${name}=${shQuote(value)}\n`;
    })
    .join('');
}

/**
 * The tmux call that creates the session. For a template's command, remain-on-exit is
 * chained in the same call so it holds before the command can exit: it keeps a dead pane (and
 * its exit status) for the status reader and "Restart command".
 */
export function tmuxNewSessionArgs(session: string, env: Record<string, string>, hasCommand: boolean): string {
  // -e makes each variable part of the session's own environment: it reaches the command even
  // when a tmux server (started by a shell tab) already runs with another environment, and a
  // respawned pane gets it again.
  const vars = Object.keys(env)
    .map((name) => `-e "${name}=$${name}"`)
    .join(' ');
  // The command's exit status also goes to a file: right after a container boots, tmux may
  // never collect the pane's exit (seen: a zombie bash, no pane_dead_status), and the status
  // reader falls back on it. Cleared at each (re)start; /run is empty after a reboot. The
  // command runs in a subshell: one that ends with `exit N` would otherwise end the shell
  // before the file is written.
  const cmd = hasCommand
    ? ` bash -lc 'rm -f ${EXIT_FILE}; (eval "$1"); s=$?; mkdir -p ${EXIT_DIR}; echo "$s" > ${EXIT_FILE}; exit "$s"' enclave "$2"`
    : '';
  // A plain shell's session ends with the shell, as an interactive user expects (exit closes it).
  const keep = hasCommand ? ' \\; set-option -w remain-on-exit on' : '';
  return `tmux -u new-session -d -s ${session} -c "$1" ${vars}${cmd}${keep}`;
}
