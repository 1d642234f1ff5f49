import { WORKSPACE_PATH } from '../../../shared/workspace.js';

type Device = Record<string, string>;

/** Enclave's own disk device of the folder itself; the protected paths are `workspace-…`. */
export const WORKSPACE_DEVICE = 'workspace';

/**
 * The paths inside a mounted folder whose content runs on the host later, each mounted
 * read-only over the read-write folder (devices nest: Incus mounts a parent before its
 * children). Only what git runs or reads on the user's next command without being asked:
 * - .git/hooks: every hook runs on the host at the next commit, checkout, merge, push.
 * - .git/config: core.fsmonitor, core.hooksPath, core.sshCommand, aliases, filter and diff
 *   drivers, credential helpers all name commands the host runs.
 * - .git/config.worktree: read as config when extensions.worktreeConfig is on.
 * - .git/info: info/attributes picks filter and diff drivers for paths.
 * - .git/modules: each submodule's own config and hooks.
 * - .git/worktrees: the other worktrees' config.worktree (their hooks are the common .git/hooks).
 * - core.hooksPath inside the folder (e.g. husky's .husky/_): the hooks then live in the working tree.
 * - .git itself, when it is a file ("gitdir: …" of a worktree or submodule checkout): it says
 *   which repository, with whose hooks, the host's git uses. The repository it points to is
 *   outside the folder and not in the agent at all.
 * Not protected, deliberately: .envrc (direnv runs a changed one only after `direnv allow`),
 * and the project's own code, scripts and build files: changing those is the agent's job, and
 * a live mount means the user runs them as changed. A plain folder (no .git) has no protection:
 * a .git the agent creates there is the user's to notice (the notes say so).
 */
export const PROTECTED_PATHS = {
  'workspace-git-hooks': '.git/hooks',
  'workspace-git-config': '.git/config',
  'workspace-git-config-worktree': '.git/config.worktree',
  'workspace-git-info': '.git/info',
  'workspace-git-modules': '.git/modules',
  'workspace-git-worktrees': '.git/worktrees',
  'workspace-gitfile': '.git',
} as const;

/**
 * The .git directory as a mount of its own, read-write. Measured on Incus 6.0.4: a read-only
 * mount over .git/hooks does not stop an agent from renaming .git itself (the mounts move
 * with it) and making a new .git with hooks of its own; a mount point cannot be renamed or
 * removed (EBUSY), so .git stays the one the protections sit on.
 */
export const GIT_DIR_DEVICE = 'workspace-git';

/** The device of core.hooksPath when it points inside the folder (its path varies). */
export const HOOKS_PATH_DEVICE = 'workspace-hooks-path';

/** A disk device of `rel` (relative to the folder, '' for the folder) at the same place under /workspace. */
export function workspaceDisk(source: string, rel: string, readOnly: boolean): Device {
  const device: Device = {
    type: 'disk',
    source: rel ? `${source}/${rel}` : source,
    path: rel ? `${WORKSPACE_PATH}/${rel}` : WORKSPACE_PATH,
    shift: 'true',
  };
  if (readOnly) device.readonly = 'true';
  return device;
}

/** The relative path a device at `path` mounts, when it lies strictly under /workspace; else null. */
function relativeOf(path: string | undefined): string | null {
  if (!path?.startsWith(`${WORKSPACE_PATH}/`)) return null;
  const rel = path.slice(WORKSPACE_PATH.length + 1).replace(/\/+$/, '');
  if (!rel || rel.split('/').some((part) => part === '' || part === '.' || part === '..')) return null;
  return rel;
}

/**
 * What one of Enclave's workspace devices must be, given the agent's workspace (source and
 * read-only), by its name; null when `name` is none of Enclave's. The folder follows the
 * workspace's read-only setting, .git too; every protected path is read-only.
 */
export function expectedWorkspaceDevice(name: string, device: Device, ws: { source: string; readOnly: boolean }): Device | null {
  if (name === WORKSPACE_DEVICE) return workspaceDisk(ws.source, '', ws.readOnly);
  if (name === GIT_DIR_DEVICE) return workspaceDisk(ws.source, '.git', ws.readOnly);
  const fixed = (PROTECTED_PATHS as Record<string, string>)[name];
  if (fixed) return workspaceDisk(ws.source, fixed, true);
  if (name === HOOKS_PATH_DEVICE) {
    const rel = relativeOf(device.path);
    return rel ? workspaceDisk(ws.source, rel, true) : null;
  }
  return null;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);

/** Whether a device holds exactly what Enclave gave it (readonly "false" and absent are the same). */
export function sameDisk(actual: Device, expected: Device): boolean {
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const key of keys) {
    if (key === 'readonly' || key === 'shift') {
      if (TRUE.has((actual[key] ?? '').toLowerCase()) !== TRUE.has((expected[key] ?? '').toLowerCase())) return false;
    } else if (actual[key] !== expected[key]) {
      return false;
    }
  }
  return true;
}
