import { describe, expect, it } from 'vitest';
import type { AgentWorkspace, ChangedFile, WorkspaceChanges } from '../../../shared/workspace.js';
import { MOUNTED_NOTE, changesSummary, fileBadges, gateButtons, keepSelection, lineCounts, rowWindow, stateNote, stepSelection } from './changes-list.js';

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

  it('draws only the rows on screen plus a margin', () => {
    expect(rowWindow(0, 300, 30, 1000, 5)).toEqual({ start: 0, end: 16, padTop: 0, padBottom: 984 * 30 });
    const mid = rowWindow(3000, 300, 30, 1000, 5);
    expect(mid).toEqual({ start: 95, end: 116, padTop: 95 * 30, padBottom: (1000 - 116) * 30 });
    expect(rowWindow(1e9, 300, 30, 10, 5)).toMatchObject({ start: 10, end: 10 });
    expect(rowWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
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
