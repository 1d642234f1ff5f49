/**
 * What a file is in an agent's work and in its base, from the raw entries of one read (no
 * command runs): how fileDiff and compare name the two versions of a path.
 */
import { ABSENT_MODE, pathKey, type RawEntry } from './change-parse.js';

/** One version of a path: its blob (or gitlink) and mode; null where the path is absent. */
export type Version = { blob: string; mode: string } | null;

export interface PathChange {
  entry: RawEntry;
  /** What became of the path in the agent's work. */
  now: Version;
  /** What it was in the base. */
  before: Version;
  /** The path is a rename's old path (the entry is the rename). */
  movedAway: boolean;
}

function version(blob: string | null, mode: string): Version {
  return blob && mode !== ABSENT_MODE ? { blob, mode } : null;
}

/**
 * Every path the entries touch, by pathKey: each entry's path, and a rename's old path (now
 * absent, its base version the rename's old side).
 */
export function pathChanges(entries: readonly RawEntry[]): Map<string, PathChange> {
  const byPath = new Map<string, PathChange>();
  for (const entry of entries) {
    byPath.set(pathKey(entry.path), {
      entry,
      now: version(entry.newBlob, entry.newMode),
      before: entry.status === 'R' ? null : version(entry.oldBlob, entry.oldMode),
      movedAway: false,
    });
  }
  for (const entry of entries) {
    if (!entry.from) continue;
    const key = pathKey(entry.from);
    // A path that is both a rename's source and listed itself keeps its own entry.
    if (!byPath.has(key)) byPath.set(key, { entry, now: null, before: version(entry.oldBlob, entry.oldMode), movedAway: true });
  }
  return byPath;
}

export function sameVersion(a: Version, b: Version): boolean {
  return a === null || b === null ? a === b : a.blob === b.blob && a.mode === b.mode;
}
