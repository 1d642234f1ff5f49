/**
 * The Changes panel's model: what each changed file shows (badges, counts), the summary line,
 * which rows of a long list are drawn, and whether the review gate's buttons can be used (and
 * why not). Pure, so it is tested without a DOM.
 */
import type { Agent } from '../../../shared/types.js';
import type { ChangeStatus, ChangedFile, WorkspaceChanges } from '../../../shared/workspace.js';
import { agentBranch } from '../../../shared/workspace.js';

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '—';
}

export const STATUS_LETTER: Record<ChangeStatus, string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
  'type-changed': 'T',
};

export const STATUS_WORD: Record<ChangeStatus, string> = {
  added: 'Added',
  modified: 'Modified',
  deleted: 'Deleted',
  renamed: 'Renamed',
  'type-changed': 'Type changed',
};

export interface FileBadge {
  key: 'binary' | 'submodule' | 'lfs' | 'uncommitted';
  label: string;
  title: string;
}

export function fileBadges(file: ChangedFile): FileBadge[] {
  const badges: FileBadge[] = [];
  if (file.special === 'submodule') badges.push({ key: 'submodule', label: 'submodule', title: 'A submodule: its commit changed; its contents are not shown' });
  else if (file.special === 'lfs') badges.push({ key: 'lfs', label: 'LFS', title: 'A Git LFS pointer: the pointer is shown, not the file it stands for' });
  else if (file.binary) badges.push({ key: 'binary', label: 'binary', title: 'A binary file: sizes are shown, no text' });
  if (file.uncommitted) badges.push({ key: 'uncommitted', label: 'uncommitted', title: 'Only in the working tree: not yet in a commit inside the agent' });
  return badges;
}

/** "+12 −3", or null for binary files (no line counts). */
export function lineCounts(file: Pick<ChangedFile, 'additions' | 'deletions'>): { added: string; deleted: string } | null {
  if (file.additions === null || file.deletions === null) return null;
  return { added: `+${file.additions.toLocaleString('en-US')}`, deleted: `−${file.deletions.toLocaleString('en-US')}` };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function changesSummary(changes: WorkspaceChanges): string {
  let added = 0;
  let deleted = 0;
  for (const f of changes.files) {
    added += f.additions ?? 0;
    deleted += f.deletions ?? 0;
  }
  const parts = [
    `${plural(changes.files.length, 'file')}${changes.truncated ? ' (more not listed)' : ''} changed`,
    `+${added.toLocaleString('en-US')} −${deleted.toLocaleString('en-US')}`,
    plural(changes.commits.length, 'commit'),
  ];
  if (changes.uncommittedFiles > 0) parts.push(`${plural(changes.uncommittedFiles, 'file')} not committed yet`);
  return parts.join(' · ');
}

/** What a state other than ok looks like; `message` is the backend's (Enclave's) explanation. */
export function stateNote(changes: WorkspaceChanges): { tone: 'info' | 'warn'; title: string; text: string | null } | null {
  const text = changes.message;
  switch (changes.state) {
    case 'ok':
      return null;
    case 'no-workspace':
      return { tone: 'info', title: 'No project in this agent', text };
    case 'stopped':
      return { tone: 'info', title: 'The agent is not running: its changes are read from inside it', text };
    case 'plain':
      return { tone: 'info', title: 'A plain-files copy: there is no git history to review or bring back', text };
    case 'missing':
      return { tone: 'warn', title: 'The project is gone from the agent', text };
    case 'rewritten':
      return { tone: 'warn', title: 'The agent rewrote its history: the base commit is no longer in it', text };
  }
}

/** Rows drawn for a scrolled list of fixed-height rows: the visible ones plus `overscan` each side. */
export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

/**
 * The first row of the chunk of `step` rows the scroll position is in: the drawn rows change
 * only when this does, so most scrolled frames re-render nothing.
 */
export function chunkOf(scrollTop: number, rowHeight: number, step: number): number {
  if (rowHeight <= 0 || step <= 0) return 0;
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  return first - (first % step);
}

/** The rows drawn for a chunk: from `overscan` before it to `overscan` past the screen's last row when scrolled to the chunk's end. */
export function rowWindow(chunk: number, viewport: number, rowHeight: number, count: number, step: number, overscan = step): RowWindow {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.min(count, Math.max(0, chunk - overscan));
  const end = Math.min(count, Math.max(start, chunk + step + visible + overscan));
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/** The selected file if it is still in the list, else the first one (null for an empty list). */
export function keepSelection(files: readonly ChangedFile[], selected: string | null): string | null {
  if (selected !== null && files.some((f) => f.id === selected)) return selected;
  return files[0]?.id ?? null;
}

/** Arrow keys in the list: the id `delta` rows away, kept inside the list. */
export function stepSelection(files: readonly ChangedFile[], selected: string | null, delta: number): string | null {
  if (files.length === 0) return null;
  const at = files.findIndex((f) => f.id === selected);
  const next = at < 0 ? 0 : Math.min(files.length - 1, Math.max(0, at + delta));
  return files[next]?.id ?? null;
}

export type GateAction = { enabled: true; replace: boolean } | { enabled: false; reason: string };

export interface GateButtons {
  /** Null: not shown at all (no workspace). */
  branch: GateAction | null;
  patch: GateAction | null;
}

export const MOUNTED_NOTE = 'Your folder is mounted live: the files are already on your computer.';

/** Whether "Fetch as branch" and "Apply to working tree" can be used for what is on screen. */
export function gateButtons(agent: Pick<Agent, 'name' | 'workspace'>, changes: WorkspaceChanges | null, offline: string | null): GateButtons {
  const ws = agent.workspace;
  if (!ws) return { branch: null, patch: null };
  const off = (reason: string): GateButtons => ({ branch: { enabled: false, reason }, patch: { enabled: false, reason } });
  if (ws.mode === 'mount') return off(MOUNTED_NOTE);
  if (ws.kind === 'plain' || changes?.state === 'plain') return off('A plain-files copy has no git history, so there is nothing to fetch as a commit.');
  if (offline) return off(offline);
  if (!changes) return off('Reading the changes…');
  switch (changes.state) {
    case 'stopped':
      return off('Start the agent first: its work is read from inside it.');
    case 'missing':
      return off(changes.message ?? 'The project is gone from the agent.');
    case 'no-workspace':
      return off(changes.message ?? 'This agent has no project.');
    case 'rewritten':
      return {
        branch: { enabled: true, replace: true },
        patch: { enabled: false, reason: `The agent rewrote its history: fetch it as ${agentBranch(agent.name)} to look at it first.` },
      };
    case 'ok':
      break;
  }
  if (changes.files.length === 0 && changes.commits.length === 0) return off('Nothing to bring back: no changes against the base commit.');
  return { branch: { enabled: true, replace: false }, patch: changes.files.length > 0 ? { enabled: true, replace: false } : { enabled: false, reason: 'No file differs from the base commit.' } };
}
