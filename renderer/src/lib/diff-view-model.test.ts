import { describe, expect, it } from 'vitest';
import type { FileDiff, FileSide } from '../../../shared/workspace.js';
import { DRAW_ON_REQUEST_LINES, binaryLine, diffShape, languageOf } from './diff-view-model.js';

const side = (text: string | null, over: Partial<FileSide> = {}): FileSide => ({ text, exists: text !== null, binary: false, sizeBytes: text?.length ?? 0, truncated: false, ...over });
const diff = (old: FileSide, next: FileSide): FileDiff => ({ path: 'a.ts', id: 'YS50cw==', old, new: next });

describe('how a diff is shown', () => {
  it('picks a highlighter language from the name', () => {
    expect(languageOf('src/a.tsx')).toBe('typescript');
    expect(languageOf('Makefile')).toBe('makefile');
    expect(languageOf('.env')).toBe('plaintext');
    expect(languageOf('notes.unknownext')).toBe('plaintext');
  });

  it('says binary sizes, with no text', () => {
    const shape = diffShape(diff(side(null, { binary: true, exists: true, sizeBytes: 2048 }), side(null, { binary: true, exists: true, sizeBytes: 10 })));
    expect(shape.kind).toBe('binary');
    if (shape.kind === 'binary') expect(binaryLine(shape)).toBe('Binary file, 2.0 KiB → 10 bytes');
    const added = diffShape(diff(side(null, { exists: false }), side(null, { binary: true, exists: true, sizeBytes: 5 })));
    if (added.kind === 'binary') expect(binaryLine(added)).toBe('Binary file, none → 5 bytes');
  });

  it('waits for a click on big diffs and never highlights a minified line', () => {
    const many = Array.from({ length: DRAW_ON_REQUEST_LINES + 1 }, (_, i) => `line ${i}`).join('\n');
    expect(diffShape(diff(side('a'), side(many)))).toMatchObject({ kind: 'text', big: true });
    const minified = diffShape(diff(side('x'), side('y'.repeat(5000))));
    expect(minified).toMatchObject({ kind: 'text', big: false, highlight: false, wrap: true });
    expect(diffShape(diff(side('a\nb'), side('a\nc')))).toMatchObject({ kind: 'text', big: false, highlight: true, wrap: false, lines: 4 });
  });

  it('passes on that a side was cut', () => {
    expect(diffShape(diff(side('a'), side('b', { truncated: true })))).toMatchObject({ truncated: { old: false, new: true } });
  });
});
