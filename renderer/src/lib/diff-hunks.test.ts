import { parsePatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { firstLines, limitedPatch } from './diff-hunks.js';

const lines = (n: number, change: (i: number) => string | null) =>
  Array.from({ length: n }, (_, i) => change(i) ?? `line ${i}`).join('\n') + '\n';

describe('limitedPatch', () => {
  it('keeps a small diff whole', () => {
    const p = limitedPatch('a', 'a', 'x\ny\n', 'x\nz\n', 100, 1000);
    expect(p).toMatchObject({ shownRows: 3, totalRows: 3, shownHunks: 1, totalHunks: 1, oldText: 'x\ny\n', newText: 'x\nz\n' });
    expect(p?.patch).toContain('-y\n+z');
  });

  it('cuts a long diff after whole hunks, both texts at the same place, and the cut diff is that start exactly', () => {
    const old = lines(1000, () => null);
    const next = lines(1000, (i) => (i % 50 === 0 ? `changed ${i}` : null));
    const p = limitedPatch('f', 'f', old, next, 60, 1000);
    expect(p).not.toBeNull();
    if (!p) return;
    expect(p.totalHunks).toBe(20);
    expect(p.shownHunks).toBeLessThan(p.totalHunks);
    expect(p.shownRows).toBeLessThanOrEqual(60);
    // Nothing after the cut: the texts end with the last kept hunk, so no later line is shown as unchanged.
    expect(p.newText.split('\n').length).toBe(p.oldText.split('\n').length);
    const hunks = parsePatch(p.patch)[0]?.hunks ?? [];
    expect(hunks.length).toBe(p.shownHunks);
    const added = hunks.flatMap((h) => h.lines.filter((l) => l.startsWith('+')));
    expect(added).toEqual(Array.from({ length: p.shownHunks }, (_, k) => `+changed ${k * 50}`));
  });

  it('keeps at least one hunk however big it is', () => {
    const p = limitedPatch('f', 'f', '', lines(500, (i) => `new ${i}`), 10, 1000);
    expect(p?.shownHunks).toBe(1);
    expect(p?.shownRows).toBe(500);
  });

  it('gives up on texts too different to compare in time', () => {
    const a = Array.from({ length: 20000 }, (_, i) => `a${(i * 7919) % 20011}`).join('\n');
    const b = Array.from({ length: 20000 }, (_, i) => `b${(i * 104729) % 20011}`).join('\n');
    // With no time at all, any real comparison gives up.
    expect(limitedPatch('f', 'f', a, b, 1000, 0)).toBeNull();
  });

  it('counts lines with their newlines', () => {
    expect(firstLines('a\nb\nc\n', 2)).toBe('a\nb\n');
    expect(firstLines('a\nb', 5)).toBe('a\nb');
    expect(firstLines('a\n', 0)).toBe('');
  });
});
