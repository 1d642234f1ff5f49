import { MAX_CHANGED_FILES, type ChangeStatus, type ComparedFile } from '../../../shared/workspace.js';
import { workspacePath } from '../../../shared/workspace-paths.js';
import type { RawEntry } from './change-parse.js';
import { pathChanges, sameVersion, type PathChange } from './versions.js';

const STATUS: Record<RawEntry['status'], ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed', R: 'renamed' };

/** A rename's old path counts as renamed in that agent (it renamed it away). */
function statusOf(change: PathChange | undefined): ChangeStatus | null {
  return change ? STATUS[change.entry.status] : null;
}

/**
 * Two agents' changes against one base, path by path: the union of the paths either touched
 * (sorted by their bytes, as git sorts them), what each did, and whether both ended with the
 * same content (the same blob and mode, or both without the path). A path one agent left as
 * it was counts as the base's version there.
 */
export function compareEntries(a: readonly RawEntry[], b: readonly RawEntry[]): { files: ComparedFile[]; truncated: boolean } {
  const inA = pathChanges(a);
  const inB = pathChanges(b);
  const paths = new Map<string, Buffer>();
  for (const map of [inA, inB]) {
    for (const [key, change] of map) if (!paths.has(key)) paths.set(key, change.movedAway ? (change.entry.from as Buffer) : change.entry.path);
  }
  const sorted = [...paths.entries()].sort(([, x], [, y]) => Buffer.compare(x, y));
  const files = sorted.slice(0, MAX_CHANGED_FILES).map(([key, bytes]): ComparedFile => {
    const ca = inA.get(key);
    const cb = inB.get(key);
    // An agent that left the path alone has the base's version, which the other's entry knows.
    const base = (ca ?? cb)?.before ?? null;
    const endA = ca ? ca.now : base;
    const endB = cb ? cb.now : base;
    return { ...workspacePath(bytes), inA: statusOf(ca), inB: statusOf(cb), same: sameVersion(endA, endB) };
  });
  return { files, truncated: sorted.length > MAX_CHANGED_FILES };
}
