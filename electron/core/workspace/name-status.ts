import type { ChangeStatus } from '../../../shared/workspace.js';
import { displayPath } from '../../../shared/workspace-paths.js';

export interface NameStatusEntry {
  status: ChangeStatus;
  path: Buffer;
  /** A rename's old path. */
  from: Buffer | null;
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed', R: 'renamed' };

/**
 * Parses `git diff-tree -r -z -M --name-status` output (host git on Enclave's staging repo,
 * so well-formed, but the names are the agent's bytes): `X\0path\0`, `Rnnn\0old\0new\0`.
 * Keeps at most `max` entries and says whether there were more.
 */
export function parseNameStatus(out: Buffer, max: number): { entries: NameStatusEntry[]; truncated: boolean } {
  const fields: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) {
      fields.push(out.subarray(start, i));
      start = i + 1;
    }
  }
  if (start !== out.length) throw new Error('git diff-tree output does not end with NUL');
  const entries: NameStatusEntry[] = [];
  let truncated = false;
  for (let i = 0; i < fields.length; ) {
    const code = fields[i]?.toString('latin1') ?? '';
    const status = STATUS[code[0] ?? ''];
    if (!status || !/^[AMDTR]\d{0,3}$/.test(code)) throw new Error(`git diff-tree gave an unknown status ${JSON.stringify(code.slice(0, 8))}`);
    const renamed = status === 'renamed';
    const a = fields[i + 1];
    const b = renamed ? fields[i + 2] : a;
    if (!a || !b) throw new Error('git diff-tree output ended inside an entry');
    i += renamed ? 3 : 2;
    if (entries.length >= max) {
      truncated = true;
      continue;
    }
    entries.push({ status, path: b, from: renamed ? a : null });
  }
  return { entries, truncated };
}

/** The entries as BroughtBack lists them (a rename by its new path). */
export function broughtBackFiles(entries: NameStatusEntry[]): { path: string; status: ChangeStatus }[] {
  return entries.map((e) => ({ path: displayPath(e.path), status: e.status }));
}
