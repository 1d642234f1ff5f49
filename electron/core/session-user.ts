import type { Agent } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';
import { execCommand } from '../incus/exec.js';
import { agentOutputText } from './agent-output.js';
import { EXIT_DIR } from './templates/launch.js';

/**
 * Which user runs the agent's sessions (its tmux session, shell tabs, the status probe's tmux
 * calls). A live mount is shifted (Incus maps the agent's uids to the host's one to one), so
 * what the agent's root makes in the mounted folder is host root's: a setuid copy of a program
 * there runs as root on the host, and its commits leave root-owned folders in the user's .git.
 * In mount mode the sessions therefore run as the folder's owner, so everything lands as the
 * user's own. Everything else (a copy, no workspace) runs as root, as always.
 */
export interface SessionUser {
  uid: number;
  gid: number;
  home: string;
}

/** The account Enclave makes for the folder's owner inside the agent (when that uid has none). */
export const SESSION_USER_NAME = 'dev';
/** Its home: always this one, whatever the image's passwd says, so every exec agrees on it. */
export const SESSION_HOME = '/home/dev';
const ROOT_HOME = '/root';

/** Null: root, as today. */
export function sessionUser(agent: Pick<Agent, 'workspace'>): SessionUser | null {
  const ws = agent.workspace;
  if (ws?.mode !== 'mount' || !ws.owner || ws.owner.uid === 0) return null;
  return { uid: ws.owner.uid, gid: ws.owner.gid, home: SESSION_HOME };
}

/** The exec fields that run a command as the session's user (none for root). */
export function execAs(user: SessionUser | null): { user?: number; group?: number; cwd?: string } {
  // cwd: Incus starts an exec in /root by default, which the user cannot enter.
  return user ? { user: user.uid, group: user.gid, cwd: user.home } : {};
}

/** HOME, USER and SHELL of the session's user. */
export function sessionEnv(user: SessionUser | null): Record<string, string> {
  return user
    ? { HOME: user.home, USER: SESSION_USER_NAME, LOGNAME: SESSION_USER_NAME, SHELL: '/bin/bash' }
    : { HOME: ROOT_HOME, USER: 'root', SHELL: '/bin/bash' };
}

/**
 * Run as root: the group and user for $1:$2 unless they exist (useradd/groupadd, or a line in
 * /etc/group and /etc/passwd where the image has neither), named dev (devUID when taken), its
 * home $3 (from /etc/skel when new), and the status folder the session writes to (/run is
 * empty after each boot). No sudo, no password. Run at every session start, because a rollback
 * to a snapshot from before the mount brings back a passwd without the user. Two at once (a
 * shell tab opening while the session starts) both end well: the loser finds the winner's user.
 */
const ENSURE_SCRIPT = `set -e
uid="$1"; gid="$2"; home="$3"
shell=/bin/bash; [ -x "$shell" ] || shell=/bin/sh
if ! getent group "$gid" >/dev/null 2>&1; then
  g=${SESSION_USER_NAME}; getent group "$g" >/dev/null 2>&1 && g="${SESSION_USER_NAME}$gid"
  if command -v groupadd >/dev/null 2>&1; then groupadd -g "$gid" "$g" || getent group "$gid" >/dev/null; else echo "$g:x:$gid:" >> /etc/group; fi
fi
if ! getent passwd "$uid" >/dev/null 2>&1; then
  u=${SESSION_USER_NAME}; getent passwd "$u" >/dev/null 2>&1 && u="${SESSION_USER_NAME}$uid"
  if command -v useradd >/dev/null 2>&1; then useradd -M -N -u "$uid" -g "$gid" -d "$home" -s "$shell" "$u" || getent passwd "$uid" >/dev/null; else echo "$u:x:$uid:$gid::$home:$shell" >> /etc/passwd; fi
fi
if [ ! -d "$home" ]; then
  mkdir -p "$home"
  [ -d /etc/skel ] && cp -a /etc/skel/. "$home"/ 2>/dev/null || true
  chown -R "$uid:$gid" "$home"
fi
chown "$uid:$gid" "$home"
mkdir -p ${EXIT_DIR}
chown "$uid:$gid" ${EXIT_DIR}`;

/** Makes sure the session's user exists inside the agent, with its home (see ENSURE_SCRIPT). */
export async function ensureSessionUser(client: IncusClient, agent: string, user: SessionUser): Promise<void> {
  const r = await execCommand(client, agent, ['sh', '-c', ENSURE_SCRIPT, 'sh', String(user.uid), String(user.gid), user.home], {
    timeoutMs: 15_000,
    maxOutputBytes: 16 * 1024,
  });
  if (r.exitCode !== 0) {
    const said = agentOutputText(r.stderr, 300);
    throw new Error(`could not make the user ${user.uid}:${user.gid} inside ${agent} (exit ${r.exitCode}${said ? `: “${said}”` : ''})`);
  }
}
