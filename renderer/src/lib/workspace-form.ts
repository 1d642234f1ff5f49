/**
 * The project fields of the wizard and of "Add a project…": what the user chose, what
 * workspace.inspect found for that folder, what blocks Create, and the request that follows.
 * Pure: the component and the inspection hook hold the state.
 */
import { hostPathProblem, type WorkspaceInspection, type WorkspaceRequest } from '../../../shared/workspace.js';
import { formatBytes } from './snapshot-format.js';

export type ProjectChoice = 'none' | 'copy' | 'mount';

export interface ProjectDraft {
  choice: ProjectChoice;
  /** As typed: an absolute path on the computer Enclave runs on. */
  path: string;
  /** Copy: bring the host's uncommitted changes too. */
  uncommitted: boolean;
  /** Copy of a folder that is no git repository: the user's required choice, null until made. */
  notGit: 'plain' | 'init' | null;
  /** Mount: the whole folder read-only. */
  readOnly: boolean;
}

export const EMPTY_PROJECT: ProjectDraft = { choice: 'none', path: '', uncommitted: false, notGit: null, readOnly: false };

/** What inspect knows of the folder typed: always about one exact (path, disk) pair. */
export type InspectState =
  | { state: 'idle' }
  | { state: 'checking'; path: string; disk: string }
  | { state: 'done'; path: string; disk: string; inspection: WorkspaceInspection }
  | { state: 'failed'; path: string; disk: string; message: string };

export const IDLE: InspectState = { state: 'idle' };

/** The path a draft names, as it is sent (a pasted path's surrounding spaces dropped). */
export function projectPath(draft: ProjectDraft): string {
  return draft.path.trim();
}

/** Whether the draft names a folder that should be inspected (a choice made, a path that could be one). */
export function wantsInspection(draft: ProjectDraft): boolean {
  return draft.choice !== 'none' && hostPathProblem(projectPath(draft)) === null;
}

/** The answer about this draft's folder and disk; anything older (another path, another disk) is none. */
export function currentInspection(draft: ProjectDraft, disk: string, state: InspectState): InspectState {
  if (!wantsInspection(draft) || state.state === 'idle') return IDLE;
  return state.path === projectPath(draft) && state.disk === disk ? state : IDLE;
}

/** Why a live mount is not offered for this folder, or null when it is. */
export function mountUnavailable(inspection: WorkspaceInspection): string | null {
  return inspection.mount.possible ? null : inspection.mount.reason;
}

/** `where`: how the user raises the disk limit from here (the wizard's Limits step, the agent's limits). */
export function tooLargeText(inspection: WorkspaceInspection, where = 'on the Limits step'): string | null {
  const { tooLarge } = inspection;
  if (!tooLarge) return null;
  const orMount = inspection.mount.possible ? ', or mount the folder instead' : '';
  return `The copy needs ${formatBytes(tooLarge.needBytes)} and the disk limit is ${formatBytes(tooLarge.diskBytes)}: raise the disk limit ${where}${orMount}.`;
}

export const NOT_GIT_CHOICE_TEXT = 'This folder is no git repository: choose to copy it as plain files or to initialise git inside the agent.';

/** The field's own problem (shown under the path), or null. */
export function pathFieldProblem(draft: ProjectDraft, state: InspectState): string | null {
  if (draft.choice === 'none') return null;
  const path = projectPath(draft);
  if (path === '') return null;
  return hostPathProblem(path) ?? (state.state === 'failed' ? state.message : null);
}

/**
 * Why Create (or Add) cannot go ahead with this draft, or null. `state` is the answer about
 * this very draft (currentInspection): a pending one blocks too, so nothing unchecked is sent.
 */
export function projectProblem(draft: ProjectDraft, state: InspectState, raiseDiskWhere?: string): string | null {
  if (draft.choice === 'none') return null;
  const path = projectPath(draft);
  const bad = hostPathProblem(path);
  if (bad) return bad;
  if (state.state === 'idle' || state.state === 'checking') return 'Checking the folder…';
  if (state.state === 'failed') return state.message;
  const { inspection } = state;
  if (draft.choice === 'mount') {
    const reason = mountUnavailable(inspection);
    return reason ? `A live mount is not possible here. ${reason} Copy the folder instead.` : null;
  }
  const tooLarge = tooLargeText(inspection, raiseDiskWhere);
  if (tooLarge) return tooLarge;
  if (inspection.kind === 'plain' && draft.notGit === null) return NOT_GIT_CHOICE_TEXT;
  return null;
}

/** The workspace to send; null for "No project" (or a draft that still has a problem). */
export function requestFromDraft(draft: ProjectDraft, state: InspectState): WorkspaceRequest | null {
  if (draft.choice === 'none' || projectProblem(draft, state) !== null || state.state !== 'done') return null;
  const path = projectPath(draft);
  if (draft.choice === 'mount') return { mode: 'mount', path, readOnly: draft.readOnly };
  const { inspection } = state;
  if (inspection.kind === 'plain') return { mode: 'copy', path, uncommitted: false, notGit: draft.notGit ?? undefined };
  return { mode: 'copy', path, uncommitted: draft.uncommitted && inspection.uncommittedFiles > 0 };
}

/** "git repository at main, 3f2a9c1" / "git repository, detached at 3f2a9c1" / "plain folder". */
export function inspectionHeadline(inspection: WorkspaceInspection): string {
  if (inspection.kind === 'plain') return 'A folder without git';
  const head = inspection.head ? inspection.head.slice(0, 7) : null;
  if (!head) return 'A git repository with no commit yet';
  return inspection.branch ? `A git repository at ${inspection.branch}, ${head}` : `A git repository, detached at ${head}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "1,204 files, 18 MiB" */
export function inspectionSize(inspection: WorkspaceInspection): string {
  return `${plural(inspection.fileCount, 'file')}, ${formatBytes(inspection.sizeBytes)}`;
}

/**
 * Paths of a mounted project whose content runs on the host later, mounted read-only: the
 * backend's PROTECTED_PATHS (electron/core/workspace/mount-devices.ts), named here so the
 * warning says which.
 */
export const MOUNT_PROTECTED_PATHS: readonly string[] = ['.git/hooks', '.git/config', '.git/config.worktree', '.git/info', '.git/modules', '.git/worktrees'];

export function mountWarning(readOnly: boolean): string {
  const protectedPaths = MOUNT_PROTECTED_PATHS.join(', ');
  return readOnly
    ? 'The folder is not part of the agent\u2019s snapshots: a rollback does not roll it back. Read-only: the agent reads your files and cannot change them.'
    : `The folder is not part of the agent\u2019s snapshots: a rollback does not roll it back. The agent writes your files directly, with no review; ${protectedPaths} (and a hooks path inside the folder) stay read-only, so nothing it plants there runs on your next git command.`;
}

/** The default choice for a template: every template starts without a project (Create stays one click away). */
export function defaultProject(): ProjectDraft {
  return { ...EMPTY_PROJECT };
}

// ---- recent paths (UI preference, this browser only) ----

export const RECENT_KEY = 'enclave.workspace.recent';
export const MAX_RECENT = 6;

export function parseRecent(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.filter((p): p is string => typeof p === 'string' && hostPathProblem(p) === null).slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

/** `path` first, without duplicates, at most MAX_RECENT. */
export function withRecent(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

export function loadRecent(): string[] {
  try {
    return parseRecent(localStorage.getItem(RECENT_KEY));
  } catch {
    return [];
  }
}

export function rememberRecent(path: string): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(withRecent(loadRecent(), path)));
  } catch {
    // Storage may be unavailable (private mode): recent paths are a convenience.
  }
}
