import { describe, expect, it } from 'vitest';
import type { AgentWorkspace } from '../../shared/workspace.js';
import { workspaceFromMeta, workspaceMeta } from './workspace/meta.js';
import { reviewGitEnv } from './workspace/work-state.js';
import { SESSION_HOME, execAs, sessionEnv, sessionUser } from './session-user.js';

const mount: AgentWorkspace = { mode: 'mount', source: '/home/ann/code', kind: 'git', base: null, branch: 'main', readOnly: false, owner: { uid: 1000, gid: 1000 } };
const copy: AgentWorkspace = { mode: 'copy', source: '/home/ann/code', kind: 'git', base: null, branch: 'enclave/a', readOnly: false };

describe('sessionUser', () => {
  it("is the mounted folder's owner, with its home", () => {
    expect(sessionUser({ workspace: mount })).toEqual({ uid: 1000, gid: 1000, home: SESSION_HOME });
    expect(execAs(sessionUser({ workspace: mount }))).toEqual({ user: 1000, group: 1000, cwd: SESSION_HOME });
    expect(sessionEnv(sessionUser({ workspace: mount })).HOME).toBe(SESSION_HOME);
  });

  it('is root (null) for a copy, no workspace, and a mount recorded without an owner', () => {
    expect(sessionUser({ workspace: copy })).toBeNull();
    expect(sessionUser({ workspace: null })).toBeNull();
    expect(sessionUser({ workspace: { ...mount, owner: null } })).toBeNull();
    expect(execAs(null)).toEqual({});
    expect(sessionEnv(null)).toEqual({ HOME: '/root', USER: 'root', SHELL: '/bin/bash' });
  });
});

describe('workspace meta owner', () => {
  it('round-trips a mount’s owner and leaves a copy without one', () => {
    expect(workspaceMeta(mount)).toMatchObject({ 'workspace.uid': '1000', 'workspace.gid': '1000' });
    expect(workspaceFromMeta(workspaceMeta(mount))).toEqual(mount);
    expect(workspaceFromMeta(workspaceMeta(copy))).toEqual(copy);
    expect('owner' in (workspaceFromMeta(workspaceMeta(copy)) ?? {})).toBe(false);
  });

  it('reads root, junk or a missing key as no owner (so nothing runs as a uid the meta made up)', () => {
    const meta = workspaceMeta(mount);
    for (const uid of ['0', '-1', '1e3', ' 1000', '99999999999', '']) {
      expect(workspaceFromMeta({ ...meta, 'workspace.uid': uid })?.owner).toBeNull();
    }
    expect(workspaceFromMeta({ ...meta, 'workspace.gid': '0' })?.owner).toEqual({ uid: 1000, gid: 0 });
  });
});

describe('reviewGitEnv', () => {
  it("keeps a mount's index and objects on the agent's disk, reading the repository's as alternates", () => {
    expect(reviewGitEnv(mount)).toEqual({
      GIT_INDEX_FILE: '/var/lib/enclave/review/index',
      GIT_OBJECT_DIRECTORY: '/var/lib/enclave/review/objects',
      GIT_ALTERNATE_OBJECT_DIRECTORIES: '/workspace/.git/objects',
    });
    expect(reviewGitEnv(copy)).toEqual({});
    expect(reviewGitEnv(null)).toEqual({});
  });
});
