import { describe, expect, it } from 'vitest';
import type { AgentWorkspace, ChangedFile, WorkspaceChanges } from '../../../shared/workspace.js';
import { MOUNTED_NOTE, changesSummary, chunkOf, fileBadges, gateButtons, keepSelection, lineCounts, rowWindow, stateNote, stepSelection } from './changes-list.js';

export const changedFile = (path: string, over: Partial<ChangedFile> = {}): ChangedFile => ({
  path,
  id: btoa(path),
  status: 'modified',
  from: null,
  binary: false,
  additions: 1,
  deletions: 0,
  uncommitted: false,
  special: null,
  ...over,
});

const changes = (over: Partial<WorkspaceChanges> = {}): WorkspaceChanges => ({
  agent: 'web', state: 'ok', mode: 'copy', base: 'b'.repeat(40), head: 'a'.repeat(40), branch: 'enclave/web',
  commits: [], files: [changedFile('a.ts')], truncated: false, uncommittedFiles: 0, fingerprint: 'f'.repeat(64), readAt: 0, message: null, ...over,
});
const copy: AgentWorkspace = { mode: 'copy', source: '/home/u/p', kind: 'git', base: 'b'.repeat(40), branch: 'enclave/web', readOnly: false };

describe('the file list model', () => {
  it('badges binary, submodule, LFS and uncommitted files; counts only for text', () => {
    expect(fileBadges(changedFile('x.png', { binary: true, additions: null, deletions: null })).map((b) => b.key)).toEqual(['binary']);
    expect(fileBadges(changedFile('lib', { special: 'submodule', binary: true })).map((b) => b.key)).toEqual(['submodule']);
    expect(fileBadges(changedFile('big.bin', { special: 'lfs', uncommitted: true })).map((b) => b.key)).toEqual(['lfs', 'uncommitted']);
    expect(lineCounts({ additions: 1200, deletions: 3 })).toEqual({ added: '+1,200', deleted: '−3' });
    expect(lineCounts({ additions: null, deletions: null })).toBeNull();
  });

  it('sums the change up, saying when the list is cut', () => {
    const c = changes({ files: [changedFile('a', { additions: 2, deletions: 1 }), changedFile('b', { additions: 3, deletions: 0 })], truncated: true, uncommittedFiles: 1 });
    expect(changesSummary(c)).toBe('2 files (more not listed) changed · +5 −1 · 0 commits · 1 file not committed yet');
  });

  it('draws only the rows on screen plus a margin, changing them only per chunk of rows', () => {
    expect(rowWindow(0, 300, 30, 1000, 8)).toEqual({ start: 0, end: 27, padTop: 0, padBottom: 973 * 30 });
    // Scrolled anywhere inside one chunk: the same rows (nothing to re-render).
    expect(chunkOf(2880, 30, 8)).toBe(96);
    expect(chunkOf(2880 + 7 * 30, 30, 8)).toBe(96);
    expect(chunkOf(2880 + 8 * 30, 30, 8)).toBe(104);
    const mid = rowWindow(96, 300, 30, 1000, 8);
    expect(mid).toEqual({ start: 88, end: 123, padTop: 88 * 30, padBottom: (1000 - 123) * 30 });
    // Every row on screen is drawn, wherever in the chunk the list is scrolled to.
    for (let top = 3000; top < 3000 + 8 * 30; top += 7) {
      const w = rowWindow(chunkOf(top, 30, 8), 300, 30, 1000, 8);
      expect(w.start).toBeLessThanOrEqual(Math.floor(top / 30));
      expect(w.end).toBeGreaterThanOrEqual(Math.ceil((top + 300) / 30));
    }
    expect(rowWindow(chunkOf(1e9, 30, 8), 300, 30, 10, 8)).toMatchObject({ start: 10, end: 10 });
    expect(rowWindow(0, 300, 30, 0, 8)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('keeps the selection across refreshes while the file is still listed', () => {
    const files = [changedFile('a'), changedFile('b')];
    expect(keepSelection(files, btoa('b'))).toBe(btoa('b'));
    expect(keepSelection(files, btoa('gone'))).toBe(btoa('a'));
    expect(keepSelection([], btoa('a'))).toBeNull();
    expect(stepSelection(files, btoa('a'), 1)).toBe(btoa('b'));
    expect(stepSelection(files, btoa('b'), 1)).toBe(btoa('b'));
    expect(stepSelection(files, null, -1)).toBe(btoa('a'));
  });

  it('says each state in Enclave’s words, with the backend’s explanation', () => {
    expect(stateNote(changes())).toBeNull();
    expect(stateNote(changes({ state: 'rewritten', message: 'The base 1234567 is not in HEAD.' }))).toMatchObject({ tone: 'warn', text: 'The base 1234567 is not in HEAD.' });
    expect(stateNote(changes({ state: 'stopped' }))?.tone).toBe('info');
  });
});

describe('the review gate buttons', () => {
  it('are not there without a workspace, and say why they are off for a mount or a plain copy', () => {
    expect(gateButtons({ name: 'web', workspace: null }, null, null)).toEqual({ branch: null, patch: null });
    expect(gateButtons({ name: 'web', workspace: { ...copy, mode: 'mount' } }, changes(), null).branch).toEqual({ enabled: false, reason: MOUNTED_NOTE });
    expect(gateButtons({ name: 'web', workspace: { ...copy, kind: 'plain', base: null } }, changes({ state: 'plain' }), null).patch).toMatchObject({ enabled: false });
  });

  it('work for an ok copy with changes', () => {
    expect(gateButtons({ name: 'web', workspace: copy }, changes(), null)).toEqual({ branch: { enabled: true, replace: false }, patch: { enabled: true, replace: false } });
  });

  it('are off while loading, stopped, offline, or with nothing changed', () => {
    for (const [c, off] of [
      [null, null],
      [changes({ state: 'stopped' }), null],
      [changes(), 'Needs Incus'],
      [changes({ files: [], commits: [] }), null],
    ] as const) {
      expect(gateButtons({ name: 'web', workspace: copy }, c, off).branch?.enabled).toBe(false);
    }
  });

  it('for a rewritten history offer only the branch, as a replacement', () => {
    const b = gateButtons({ name: 'web', workspace: copy }, changes({ state: 'rewritten' }), null);
    expect(b.branch).toEqual({ enabled: true, replace: true });
    expect(b.patch?.enabled).toBe(false);
  });
});
