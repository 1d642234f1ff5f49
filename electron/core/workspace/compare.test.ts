import { describe, expect, it } from 'vitest';
import type { RawEntry } from './change-parse.js';
import { compareEntries } from './compare.js';

const sha = (c: string) => c.repeat(40);
const entry = (status: RawEntry['status'], path: string, oldBlob: string | null, newBlob: string | null, from: string | null = null): RawEntry => ({
  status,
  oldMode: oldBlob ? '100644' : '000000',
  newMode: newBlob ? '100644' : '000000',
  oldBlob,
  newBlob,
  path: Buffer.from(path),
  from: from === null ? null : Buffer.from(from),
});

describe('compareEntries', () => {
  it('unites both agents\' paths: alike, different, only in one, both deleted', () => {
    const a = [entry('M', 'alike', sha('1'), sha('2')), entry('M', 'differ', sha('1'), sha('3')), entry('A', 'only-a', null, sha('4')), entry('D', 'gone', sha('5'), null)];
    const b = [entry('M', 'alike', sha('1'), sha('2')), entry('M', 'differ', sha('1'), sha('6')), entry('D', 'gone', sha('5'), null)];
    const { files, truncated } = compareEntries(a, b);
    expect(truncated).toBe(false);
    expect(files.map((f) => [f.path, f.inA, f.inB, f.same])).toEqual([
      ['alike', 'modified', 'modified', true],
      ['differ', 'modified', 'modified', false],
      ['gone', 'deleted', 'deleted', true],
      ['only-a', 'added', null, false],
    ]);
  });

  it('a path one agent left alone is the base\'s version there; a mode change is a difference', () => {
    // B changed it back to what the base had: same as A, who left it alone.
    const back = entry('M', 'f', sha('1'), sha('1'));
    back.newMode = '100755';
    expect(compareEntries([], [back]).files[0]?.same).toBe(false);
    expect(compareEntries([], [entry('M', 'f', sha('1'), sha('2'))]).files[0]).toMatchObject({ inA: null, inB: 'modified', same: false });
  });

  it('a rename counts for both its paths', () => {
    const a = [entry('R', 'new', sha('1'), sha('1'), 'old')];
    const b = [entry('D', 'old', sha('1'), null)];
    const { files } = compareEntries(a, b);
    expect(files.map((f) => [f.path, f.inA, f.inB, f.same])).toEqual([
      ['new', 'renamed', null, false],
      ['old', 'renamed', 'deleted', true],
    ]);
  });

  it('sorts by the paths\' bytes and keeps their exact ids', () => {
    const odd = Buffer.from([0x61, 0xff]);
    const a = [{ ...entry('A', 'b', null, sha('1')) }, { ...entry('A', 'x', null, sha('2')), path: odd }];
    const { files } = compareEntries(a, []);
    expect(files.map((f) => f.path)).toEqual(['a\ufffd', 'b']);
    expect(Buffer.from(files[0]?.id ?? '', 'base64').equals(odd)).toBe(true);
  });

  it('cuts the union at MAX_CHANGED_FILES', () => {
    const a = Array.from({ length: 3000 }, (_, i) => entry('A', `a${i}`, null, sha('1')));
    const b = Array.from({ length: 3000 }, (_, i) => entry('A', `b${i}`, null, sha('1')));
    const { files, truncated } = compareEntries(a, b);
    expect(files).toHaveLength(5000);
    expect(truncated).toBe(true);
  });
});
