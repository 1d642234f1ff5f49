import { describe, expect, it } from 'vitest';
import { inspection } from '../test-support/workspace.js';
import {
  EMPTY_PROJECT,
  IDLE,
  MAX_RECENT,
  NOT_GIT_CHOICE_TEXT,
  type InspectState,
  type ProjectDraft,
  currentInspection,
  inspectionHeadline,
  inspectionSize,
  mountWarning,
  parseRecent,
  pathFieldProblem,
  projectProblem,
  requestFromDraft,
  wantsInspection,
  withRecent,
} from './workspace-form.js';

const PATH = '/home/user/project';
const draft = (over: Partial<ProjectDraft> = {}): ProjectDraft => ({ ...EMPTY_PROJECT, choice: 'copy', path: PATH, ...over });
const done = (over: Parameters<typeof inspection>[0] = {}, disk = ''): InspectState => ({ state: 'done', path: PATH, disk, inspection: inspection(over) });

describe('what is inspected', () => {
  it('only a chosen folder with an absolute path, its surrounding spaces dropped', () => {
    expect(wantsInspection(draft({ choice: 'none' }))).toBe(false);
    expect(wantsInspection(draft({ path: '' }))).toBe(false);
    expect(wantsInspection(draft({ path: 'project' }))).toBe(false);
    expect(wantsInspection(draft({ path: `  ${PATH} ` }))).toBe(true);
  });

  it('an answer about another path or another disk limit is no answer', () => {
    const answer = done({}, '10GiB');
    expect(currentInspection(draft(), '10GiB', answer)).toBe(answer);
    expect(currentInspection(draft({ path: `${PATH} ` }), '10GiB', answer)).toBe(answer);
    expect(currentInspection(draft({ path: '/elsewhere' }), '10GiB', answer)).toEqual(IDLE);
    expect(currentInspection(draft(), '20GiB', answer)).toEqual(IDLE);
    expect(currentInspection(draft({ choice: 'none' }), '10GiB', answer)).toEqual(IDLE);
  });
});

describe('what blocks Create', () => {
  it('"No project" never does', () => {
    expect(projectProblem(draft({ choice: 'none', path: 'garbage' }), IDLE)).toBeNull();
    expect(requestFromDraft(draft({ choice: 'none' }), done())).toBeNull();
  });

  it('a missing or relative path, in the shared rule’s words', () => {
    expect(projectProblem(draft({ path: '' }), IDLE)).toBe('Give the folder of your project.');
    expect(projectProblem(draft({ path: 'src/app' }), IDLE)).toContain('absolute path');
    // Shown on the field only once something is typed.
    expect(pathFieldProblem(draft({ path: '' }), IDLE)).toBeNull();
    expect(pathFieldProblem(draft({ path: 'src/app' }), IDLE)).toContain('starts with /');
  });

  it('a folder not yet looked at, and the backend’s refusal, on the field too', () => {
    expect(projectProblem(draft(), IDLE)).toBe('Checking the folder…');
    expect(projectProblem(draft(), { state: 'checking', path: PATH, disk: '' })).toBe('Checking the folder…');
    const failed: InspectState = { state: 'failed', path: PATH, disk: '', message: '/home/user/project does not exist.' };
    expect(projectProblem(draft(), failed)).toBe('/home/user/project does not exist.');
    expect(pathFieldProblem(draft(), failed)).toBe('/home/user/project does not exist.');
    expect(requestFromDraft(draft(), failed)).toBeNull();
  });

  it('a copy larger than the disk limit, with both sizes and where to raise it; a mount is not refused for it', () => {
    const big = done({ tooLarge: { needBytes: 3 * 2 ** 30, diskBytes: 2 ** 30 } });
    expect(projectProblem(draft(), big)).toBe('The copy needs 3.0 GiB and the disk limit is 1.0 GiB: raise the disk limit on the Limits step, or mount the folder instead.');
    expect(projectProblem(draft(), big, 'in the agent’s Limits')).toContain('raise the disk limit in the agent’s Limits');
    const bigUnmountable = done({ tooLarge: { needBytes: 3 * 2 ** 30, diskBytes: 2 ** 30 }, mount: { possible: false, reason: 'No idmap.' } });
    expect(projectProblem(draft(), bigUnmountable)).not.toContain('mount');
    expect(projectProblem(draft({ choice: 'mount' }), big)).toBeNull();
    expect(requestFromDraft(draft(), big)).toBeNull();
  });

  it('a folder without git needs the plain-or-init choice before a copy', () => {
    const plain = done({ kind: 'plain', head: null, branch: null });
    expect(projectProblem(draft(), plain)).toBe(NOT_GIT_CHOICE_TEXT);
    expect(projectProblem(draft({ notGit: 'init' }), plain)).toBeNull();
    expect(requestFromDraft(draft({ notGit: 'plain' }), plain)).toEqual({ mode: 'copy', path: PATH, uncommitted: false, notGit: 'plain' });
    expect(requestFromDraft(draft({ notGit: 'init' }), plain)).toEqual({ mode: 'copy', path: PATH, uncommitted: false, notGit: 'init' });
    // A mount does not care.
    expect(projectProblem(draft({ choice: 'mount' }), plain)).toBeNull();
  });

  it('a mount where it cannot work, with its reason and the copy offered', () => {
    const noMount = done({ mount: { possible: false, reason: 'The kernel cannot shift ownership on this filesystem (nfs).' } });
    expect(projectProblem(draft({ choice: 'mount' }), noMount)).toBe(
      'A live mount is not possible here. The kernel cannot shift ownership on this filesystem (nfs). Copy the folder instead.',
    );
    expect(projectProblem(draft(), noMount)).toBeNull();
  });
});

describe('the request sent', () => {
  it('a copy at HEAD, or with the uncommitted changes when there are some and the box is ticked', () => {
    expect(requestFromDraft(draft(), done())).toEqual({ mode: 'copy', path: PATH, uncommitted: false });
    expect(requestFromDraft(draft({ uncommitted: true }), done({ uncommittedFiles: 4 }))).toEqual({ mode: 'copy', path: PATH, uncommitted: true });
    // A tick left from another folder with changes does not carry over to one without.
    expect(requestFromDraft(draft({ uncommitted: true }), done({ uncommittedFiles: 0 }))).toEqual({ mode: 'copy', path: PATH, uncommitted: false });
    // notGit is never sent for a repository, even if chosen for an earlier folder.
    expect(requestFromDraft(draft({ notGit: 'init' }), done())).not.toHaveProperty('notGit');
  });

  it('a mount, read-only or not, with the trimmed path', () => {
    expect(requestFromDraft(draft({ choice: 'mount', path: ` ${PATH}` }), done())).toEqual({ mode: 'mount', path: PATH, readOnly: false });
    expect(requestFromDraft(draft({ choice: 'mount', readOnly: true }), done())).toEqual({ mode: 'mount', path: PATH, readOnly: true });
  });
});

describe('what is shown', () => {
  it('the repository at its branch and short head, detached, empty, or a plain folder', () => {
    expect(inspectionHeadline(inspection())).toBe('A git repository at main, 3f2a9c1');
    expect(inspectionHeadline(inspection({ branch: null }))).toBe('A git repository, detached at 3f2a9c1');
    expect(inspectionHeadline(inspection({ head: null }))).toBe('A git repository with no commit yet');
    expect(inspectionHeadline(inspection({ kind: 'plain', head: null, branch: null }))).toBe('A folder without git');
    expect(inspectionSize(inspection())).toBe('1,204 files, 18 MiB');
    expect(inspectionSize(inspection({ fileCount: 1, sizeBytes: 12 }))).toBe('1 file, 12 B');
  });

  it('a writable mount names the protected paths and that snapshots do not hold it', () => {
    expect(mountWarning(false)).toContain('.git/hooks');
    expect(mountWarning(false)).toContain('.git/config');
    expect(mountWarning(false)).toContain('not part of the agent’s snapshots');
    expect(mountWarning(true)).not.toContain('.git/hooks');
  });
});

describe('recent paths', () => {
  it('newest first, no duplicates, bounded', () => {
    let recent: string[] = [];
    for (let i = 0; i < MAX_RECENT + 2; i++) recent = withRecent(recent, `/p/${i}`);
    recent = withRecent(recent, '/p/5');
    expect(recent[0]).toBe('/p/5');
    expect(recent).toHaveLength(MAX_RECENT);
    expect(new Set(recent).size).toBe(recent.length);
  });

  it('stored garbage is dropped, never trusted', () => {
    expect(parseRecent(null)).toEqual([]);
    expect(parseRecent('not json')).toEqual([]);
    expect(parseRecent('{"a":1}')).toEqual([]);
    expect(parseRecent(JSON.stringify(['/ok', 'relative', 3, '/also\u0000bad', '/fine']))).toEqual(['/ok', '/fine']);
  });
});
