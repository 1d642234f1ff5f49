import { describe, expect, it } from 'vitest';
import type { BroughtBack, WorkspaceChanges } from '../../../shared/workspace.js';
import { classifyFetchError, defaultCommitMessage, fetchArgs, gateProblem, gateReducer, gateSteps, openGate } from './gate-dialog.js';

const HEAD = 'a'.repeat(40);
const changes = (over: Partial<WorkspaceChanges> = {}): WorkspaceChanges => ({
  agent: 'web',
  state: 'ok',
  mode: 'copy',
  base: 'b'.repeat(40),
  head: HEAD,
  branch: 'enclave/web',
  commits: [],
  files: [],
  truncated: false,
  uncommittedFiles: 0,
  fingerprint: 'f'.repeat(64),
  readAt: 0,
  message: null,
  ...over,
});
const result: BroughtBack = {
  agent: 'web', as: 'branch', commit: HEAD, base: 'b'.repeat(40), branch: 'enclave/web', replaced: null, committedInside: false, files: [], filesTruncated: false,
};

describe('the review gate dialog', () => {
  it('names what was reviewed: the fingerprint and head on screen', () => {
    const state = openGate('web', 'branch', changes());
    expect(fetchArgs(state, false)).toEqual({ agent: 'web', as: 'branch', reviewed: 'f'.repeat(64), head: HEAD });
  });

  it('sends the edited message only when uncommitted work is committed first', () => {
    let state = openGate('web', 'branch', changes({ uncommittedFiles: 2 }));
    expect(state.message).toBe(defaultCommitMessage('web'));
    state = gateReducer(state, { type: 'edit', message: 'Fix the parser' });
    expect(fetchArgs(state, false).message).toBe('Fix the parser');
    expect(gateSteps(state)[0]).toMatch(/2 uncommitted files are first committed inside the agent, on its branch enclave\/web/);
    expect(fetchArgs(openGate('web', 'patch', changes()), false).message).toBeUndefined();
  });

  it('refuses to submit an empty message when one is needed', () => {
    let state = openGate('web', 'branch', changes({ uncommittedFiles: 1 }));
    state = gateReducer(state, { type: 'edit', message: '   ' });
    expect(gateProblem(state)).toMatch(/cannot be empty/);
    expect(gateReducer(state, { type: 'submit', force: false }).phase.kind).toBe('review');
  });

  it('goes back to a refreshed review when the work changed since', () => {
    let state = gateReducer(openGate('web', 'branch', changes()), { type: 'submit', force: false });
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'The work changed since you reviewed it.' });
    expect(state.phase.kind).toBe('changed');
  });

  it('asks separately before replacing a branch that cannot move forward, and forces only then', () => {
    let state = gateReducer(openGate('web', 'branch', changes()), { type: 'submit', force: false });
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'Your branch enclave/web is at 1234567890ab, which is not in the history of the reviewed work 0987654321ab; nothing was fetched. Bring it back with force to replace the branch.' });
    expect(state.phase).toMatchObject({ kind: 'confirm-replace', why: 'diverged' });
    state = gateReducer(state, { type: 'submit', force: true });
    expect(state.phase).toEqual({ kind: 'running', force: true });
    expect(fetchArgs(state, true).force).toBe(true);
    // Refused again while forcing: an error, not another confirm.
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'not in the history of the reviewed work; bring it back with force' });
    expect(state.phase.kind).toBe('failed');
  });

  it('opens a rewritten history on the Replace confirm, and never offers force for a patch', () => {
    expect(openGate('web', 'branch', changes({ state: 'rewritten', message: 'base gone' })).phase).toEqual({ kind: 'confirm-replace', why: 'rewritten', detail: 'base gone' });
    let patch = gateReducer(openGate('web', 'patch', changes()), { type: 'submit', force: false });
    patch = gateReducer(patch, { type: 'failed', code: 'conflict', message: 'not in the history of the reviewed work; bring it back with force' });
    expect(patch.phase.kind).toBe('failed');
  });

  it('shows the result, and ignores a second submit after it', () => {
    let state = gateReducer(openGate('web', 'branch', changes()), { type: 'submit', force: false });
    state = gateReducer(state, { type: 'succeeded', result });
    expect(state.phase).toEqual({ kind: 'done', result });
    expect(gateReducer(state, { type: 'submit', force: false })).toBe(state);
  });

  it('tells the backend’s conflicts apart by their words, and other errors are errors', () => {
    // The gate's own messages (electron/core/workspace/gate.ts, host-branch.ts, commit-inside.ts).
    expect(classifyFetchError('conflict', 'The work in web changed since you reviewed it: look at the changes again.')).toBe('changed');
    expect(classifyFetchError('conflict', 'The work in web changed since you reviewed it (its HEAD moved): look at the changes again.')).toBe('changed');
    expect(classifyFetchError('conflict', 'The commit web handed out is not the work you reviewed; nothing was brought back.')).toBe('changed');
    expect(
      classifyFetchError('conflict', 'web rewrote its history: its work 1234567890ab no longer contains the base 0987654321ab it started from. Nothing is fetched silently: look at it, then bring it back with force.'),
    ).toBe('rewritten');
    expect(
      classifyFetchError('conflict', 'Your branch enclave/web is at 1234567890ab, which is not in the history of the reviewed work 0987654321ab; nothing was fetched. Bring it back with force to replace the branch.'),
    ).toBe('diverged');
    expect(classifyFetchError('conflict', 'The change does not apply to /home/u/p, which has conflicting changes (a.txt). Nothing was applied.')).toBe('other');
    expect(classifyFetchError('conflict', 'enclave/web is checked out in /home/u/p: Enclave does not move the branch you are on.')).toBe('other');
    expect(classifyFetchError('incus', 'changed since you reviewed')).toBe('other');
  });

  it('a rewritten history found only by the gate also asks for Replace', () => {
    let state = gateReducer(openGate('web', 'branch', changes()), { type: 'submit', force: false });
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'web rewrote its history: … bring it back with force.' });
    expect(state.phase).toMatchObject({ kind: 'confirm-replace', why: 'rewritten' });
  });
});
