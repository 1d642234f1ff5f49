/**
 * The user's project inside an agent (/workspace) and the review gate that brings its work
 * back. Plain JSON shapes that cross the contract, and the pure rules both sides share.
 */

/** copy: an isolated git copy on the agent's own disk (in its snapshots); mount: the host folder itself. */
export type WorkspaceMode = 'copy' | 'mount';

/** Where a workspace lives inside every agent. */
export const WORKSPACE_PATH = '/workspace';

/** The branch an agent works on, inside it and (once fetched) in the host repository. */
export function agentBranch(agent: string): string {
  return `enclave/${agent}`;
}

/** What to bring into an agent (agents.create's `workspace`, workspace.attach). */
export type WorkspaceRequest =
  | {
      mode: 'copy';
      /** An absolute path on the computer Enclave runs on. */
      path: string;
      /** Also bring the host's uncommitted changes (modified and untracked, not ignored). */
      uncommitted: boolean;
      /** A folder that is no git repository: copy it as plain files (no review gate), or `git init` it inside the agent first. Refused when absent. */
      notGit?: 'plain' | 'init' | undefined;
    }
  | {
      mode: 'mount';
      path: string;
      /** The whole folder read-only inside the agent. */
      readOnly: boolean;
    };

/** Something about a folder the user should know before bringing it in. */
export type WorkspaceNoteKind =
  | 'not-git'
  | 'submodules'
  | 'lfs'
  | 'symlink-outside'
  | 'odd-names'
  | 'uncommitted'
  | 'worktree'
  | 'shallow'
  | 'too-large';

export interface WorkspaceNote {
  kind: WorkspaceNoteKind;
  /** Enclave's words, e.g. "2 submodules are copied as they are (not their contents)". */
  message: string;
  /** Examples of the paths concerned (display form, at most 10). */
  paths: string[];
}

/** What a host folder is, before it is brought in (workspace.inspect). */
export interface WorkspaceInspection {
  /** The folder, resolved (symlinks followed on the host: it is the user's own). */
  path: string;
  kind: 'git' | 'plain';
  /** The commit a copy starts from (HEAD), null for plain folders or an empty repository. */
  head: string | null;
  /** The host's checked-out branch, null when detached or plain. */
  branch: string | null;
  /** Modified, deleted and untracked (not ignored) files. */
  uncommittedFiles: number;
  /** What a copy writes into the agent: the repository's objects plus its checked-out files (plain: the files). */
  sizeBytes: number;
  fileCount: number;
  notes: WorkspaceNote[];
  /** Whether a live mount works here, and exactly why not (kernel, filesystem, Incus). */
  mount: { possible: true } | { possible: false; reason: string };
  /** Set when a copy cannot fit the given disk limit: both sizes, in bytes. */
  tooLarge: { needBytes: number; diskBytes: number } | null;
}

/** An agent's workspace as Incus holds it (user.enclave.workspace.*). */
export interface AgentWorkspace {
  mode: WorkspaceMode;
  /** The host folder it came from (copy) or is (mount). */
  source: string;
  kind: 'git' | 'plain';
  /** The commit the copy started at, or the host's HEAD when mounted; null without git. */
  base: string | null;
  /** Its branch inside the agent (copy: enclave/<agent>); null without git. */
  branch: string | null;
  readOnly: boolean;
  /**
   * Mount only: the host folder's owner (read when it was planned). Everything Enclave runs for
   * the agent's user inside runs as this uid/gid, so what it creates there is the user's own.
   * Absent for a copy; null for a mount recorded before owners were kept (it then runs as root).
   */
  owner?: WorkspaceOwner | null;
}

export interface WorkspaceOwner {
  uid: number;
  gid: number;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'type-changed';

/** A path as it crosses the contract: shown text plus its exact bytes. */
export interface WorkspacePath {
  /** For showing: invalid UTF-8 as U+FFFD, control characters (a newline in a name) as \n-style escapes. */
  path: string;
  /** The path's exact bytes, base64: how workspace.fileDiff names it. */
  id: string;
}

export interface ChangedFile extends WorkspacePath {
  status: ChangeStatus;
  /** A rename's old path. */
  from: WorkspacePath | null;
  binary: boolean;
  /** Lines added and deleted; null for binary files. */
  additions: number | null;
  deletions: number | null;
  /** True when only the working tree has it (not yet in a commit inside the agent). */
  uncommitted: boolean;
  /** A submodule (gitlink) or an LFS pointer, whose contents are not shown. */
  special: 'submodule' | 'lfs' | null;
}

export interface WorkspaceCommit {
  sha: string;
  /** The agent's words (bounded, control characters removed). */
  subject: string;
  author: string;
  at: string;
}

/**
 * The gate's view of an agent's work, read from inside the agent (its git's output is
 * untrusted: bounded, timed out, parsed strictly). `state`:
 * - ok: base..HEAD plus the working tree;
 * - no-workspace: the agent has none; missing: /workspace or its repository is gone;
 * - rewritten: the base commit is no longer in HEAD's history (the agent rewrote it);
 * - plain: a plain-files copy (no gate); stopped: the agent is not running (nothing read).
 */
export interface WorkspaceChanges {
  agent: string;
  state: 'ok' | 'no-workspace' | 'missing' | 'rewritten' | 'plain' | 'stopped';
  mode: WorkspaceMode | null;
  base: string | null;
  head: string | null;
  branch: string | null;
  /** base..HEAD, newest first, at most 200. */
  commits: WorkspaceCommit[];
  files: ChangedFile[];
  /** More than MAX_CHANGED_FILES changed: the list holds the first ones. */
  truncated: boolean;
  uncommittedFiles: number;
  /** Changes whenever anything of the work changes; the gate's calls name it as what the user reviewed. */
  fingerprint: string;
  /** Milliseconds since the epoch when the backend last read the work (a cached answer keeps it). */
  readAt: number;
  /** Enclave's explanation of a state other than ok, or null. */
  message: string | null;
}

export const MAX_CHANGED_FILES = 5000;
/** A side of a file diff is cut at this many bytes. */
export const MAX_DIFF_SIDE_BYTES = 1024 * 1024;

/** One version of a file, as the diff viewer shows it. */
export interface FileSide {
  /** Its text (cut at MAX_DIFF_SIDE_BYTES), null when absent on this side or binary. */
  text: string | null;
  exists: boolean;
  binary: boolean;
  sizeBytes: number;
  truncated: boolean;
}

/** Both versions of one changed file (workspace.fileDiff). */
export interface FileDiff extends WorkspacePath {
  old: FileSide;
  new: FileSide;
}

/** Two agents that worked from one base, file by file (workspace.compare). */
export interface WorkspaceComparison {
  a: string;
  b: string;
  /** Both agents' base; null when they differ (then `sameBase` is false and files is empty). */
  base: string | null;
  sameBase: boolean;
  files: ComparedFile[];
  truncated: boolean;
}

export interface ComparedFile extends WorkspacePath {
  /** What each agent did to it against the base; null: left as it was. */
  inA: ChangeStatus | null;
  inB: ChangeStatus | null;
  /** Both ended with the same content. */
  same: boolean;
}

/** How the reviewed work comes back to the host repository. */
export type BringBackAs = 'branch' | 'patch';

/** What workspace.fetch brought back: computed on the host, from the verified bundle. */
export interface BroughtBack {
  agent: string;
  as: BringBackAs;
  /** The exact commit brought back. */
  commit: string;
  base: string;
  /** 'branch': the host branch it became (enclave/<agent>). */
  branch: string | null;
  /** The branch's commit before, when it was replaced (the user forced it). */
  replaced: string | null;
  /** The agent's uncommitted work was committed inside it first (with the user's message). */
  committedInside: boolean;
  files: { path: string; status: ChangeStatus }[];
  /** More files than listed. */
  filesTruncated: boolean;
}

/** Only 40 (SHA-1) or 64 (SHA-256) hex digits are commits in the contract. */
export function isCommitId(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/** A workspace path id: base64 of 1 to 4096 bytes. */
export function pathIdProblem(id: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id) || id.length % 4 !== 0) return 'A file is named by the id the changes list gave (base64).';
  if (id.length > 5464) return 'A path is at most 4096 bytes.';
  return null;
}

/** A host folder as a request names it. */
export function hostPathProblem(path: string): string | null {
  if (!path) return 'Give the folder of your project.';
  if (path.length > 4096) return 'A path is at most 4096 characters.';
  if (path.includes('\0')) return 'A path has no NUL characters.';
  if (!path.startsWith('/')) return 'The project is named by an absolute path on the computer Enclave runs on (it starts with /).';
  return null;
}

/** A commit message the user wrote for the agent's uncommitted work. */
export function commitMessageProblem(message: string): string | null {
  if (!message.trim()) return 'A commit message says what the change is; it cannot be empty.';
  if (message.length > 10_000) return 'A commit message is at most 10,000 characters.';
  if (message.includes('\0')) return 'A commit message has no NUL characters.';
  return null;
}
