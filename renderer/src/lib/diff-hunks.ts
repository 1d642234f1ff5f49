/**
 * The hunks one file's diff is drawn from: jsdiff compares the two texts (giving up after a
 * time limit), and a diff with more rows than the viewer draws quickly is cut after the hunk
 * that reaches the limit, with both texts cut at the same place, so what is drawn is exactly
 * the start of the real diff (nothing past the cut is shown as unchanged).
 */
import { formatPatch, structuredPatch } from 'diff';

export interface LimitedPatch {
  /** A unified diff of the (possibly cut) texts. */
  patch: string;
  oldText: string;
  newText: string;
  /** Rows of diff drawn (context and changed lines) and in the whole diff. */
  shownRows: number;
  totalRows: number;
  shownHunks: number;
  totalHunks: number;
}

/** The first `count` lines of `text` (each with its newline). */
export function firstLines(text: string, count: number): string {
  if (count <= 0) return '';
  let at = -1;
  for (let n = 0; n < count; n++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return text;
  }
  return text.slice(0, at + 1);
}

/** Null when the two texts could not be compared within `timeoutMs`. */
export function limitedPatch(oldPath: string, newPath: string, oldText: string, newText: string, maxRows: number, timeoutMs: number): LimitedPatch | null {
  const full = structuredPatch(oldPath, newPath, oldText, newText, '', '', { context: 3, timeout: timeoutMs });
  if (!full) return null;
  const rowsOf = (h: { lines: string[] }) => h.lines.filter((l) => !l.startsWith('\\')).length;
  const totalRows = full.hunks.reduce((sum, h) => sum + rowsOf(h), 0);
  if (totalRows <= maxRows) {
    return { patch: formatPatch(full), oldText, newText, shownRows: totalRows, totalRows, shownHunks: full.hunks.length, totalHunks: full.hunks.length };
  }
  const kept: typeof full.hunks = [];
  let rows = 0;
  for (const hunk of full.hunks) {
    if (kept.length > 0 && rows + rowsOf(hunk) > maxRows) break;
    kept.push(hunk);
    rows += rowsOf(hunk);
  }
  const last = kept[kept.length - 1];
  // Both texts end where the last kept hunk ends; hunks are 1-based (a start of 0 means an empty side).
  const oldEnd = last ? Math.max(0, last.oldStart - 1) + last.oldLines : 0;
  const newEnd = last ? Math.max(0, last.newStart - 1) + last.newLines : 0;
  const cutOld = firstLines(oldText, oldEnd);
  const cutNew = firstLines(newText, newEnd);
  const cut = structuredPatch(oldPath, newPath, cutOld, cutNew, '', '', { context: 3, timeout: timeoutMs });
  if (!cut) return null;
  return { patch: formatPatch(cut), oldText: cutOld, newText: cutNew, shownRows: rows, totalRows, shownHunks: kept.length, totalHunks: full.hunks.length };
}
