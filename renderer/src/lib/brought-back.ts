/** Work brought back through the review gate, as the timeline marks it. */
import type { ActivityEntry } from '../../../shared/types.js';
import type { BroughtBack } from '../../../shared/workspace.js';
import { shortSha } from './changes-list.js';

/** "Brought back 1a2b3c4 as enclave/web · 12 files" (or "… onto your working tree …" for a patch). */
export function broughtBackTitle(b: BroughtBack): string {
  const n = b.files.length;
  const files = `${n.toLocaleString('en-US')}${b.filesTruncated ? '+' : ''} file${n === 1 && !b.filesTruncated ? '' : 's'}`;
  const where = b.as === 'branch' ? `as ${b.branch ?? `enclave/${b.agent}`}` : 'onto your working tree';
  return `Brought back ${shortSha(b.commit)} ${where} · ${files}`;
}

export interface BroughtBackMark {
  key: string;
  at: number;
  title: string;
  /** "replaced 9f8e7d6", "uncommitted work committed inside first". */
  detail: string;
}

export function broughtBackMarks(entries: readonly ActivityEntry[]): BroughtBackMark[] {
  const marks: BroughtBackMark[] = [];
  for (const entry of entries) {
    const b = entry.broughtBack;
    if (!b) continue;
    const detail = [b.committedInside ? 'uncommitted work committed inside first' : null, b.replaced ? `replaced ${shortSha(b.replaced)}` : null]
      .filter(Boolean)
      .join(' · ');
    marks.push({ key: `brought-back:${entry.id}`, at: entry.at, title: broughtBackTitle(b), detail });
  }
  return marks;
}
