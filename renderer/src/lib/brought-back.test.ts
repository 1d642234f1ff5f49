import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../shared/types.js';
import type { BroughtBack } from '../../../shared/workspace.js';
import { broughtBackMarks, broughtBackTitle } from './brought-back.js';

const back = (over: Partial<BroughtBack> = {}): BroughtBack => ({
  agent: 'web', as: 'branch', commit: '1a2b3c4d'.padEnd(40, '0'), base: 'b'.repeat(40), branch: 'enclave/web', replaced: null, committedInside: false,
  files: [{ path: 'a', status: 'added' }, { path: 'b', status: 'modified' }], filesTruncated: false, ...over,
});
const entry = (id: string, broughtBack?: BroughtBack): ActivityEntry => ({ id, agent: 'web', at: 5, kind: 'workspace', message: 'm', actor: { kind: 'user' }, broughtBack });

describe('brought-back marks', () => {
  it('say what came back, how, and how many files', () => {
    expect(broughtBackTitle(back())).toBe('Brought back 1a2b3c4 as enclave/web · 2 files');
    expect(broughtBackTitle(back({ as: 'patch', branch: null, files: [{ path: 'a', status: 'added' }] }))).toBe('Brought back 1a2b3c4 onto your working tree · 1 file');
    expect(broughtBackTitle(back({ filesTruncated: true }))).toBe('Brought back 1a2b3c4 as enclave/web · 2+ files');
  });

  it('come only from entries that brought work back', () => {
    const marks = broughtBackMarks([entry('1'), entry('2', back({ replaced: '9'.repeat(40), committedInside: true }))]);
    expect(marks).toEqual([{ key: 'brought-back:2', at: 5, title: 'Brought back 1a2b3c4 as enclave/web · 2 files', detail: 'uncommitted work committed inside first · replaced 9999999' }]);
  });
});
