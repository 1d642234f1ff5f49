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
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'enclave/web in your repository is not an ancestor of this work.' });
    expect(state.phase).toMatchObject({ kind: 'confirm-replace', why: 'diverged' });
    state = gateReducer(state, { type: 'submit', force: true });
    expect(state.phase).toEqual({ kind: 'running', force: true });
    expect(fetchArgs(state, true).force).toBe(true);
    // Refused again while forcing: an error, not another confirm.
    state = gateReducer(state, { type: 'failed', code: 'conflict', message: 'not an ancestor' });
    expect(state.phase.kind).toBe('failed');
  });

  it('opens a rewritten history on the Replace confirm, and never offers force for a patch', () => {
    expect(openGate('web', 'branch', changes({ state: 'rewritten', message: 'base gone' })).phase).toEqual({ kind: 'confirm-replace', why: 'rewritten', detail: 'base gone' });
    let patch = gateReducer(openGate('web', 'patch', changes()), { type: 'submit', force: false });
    patch = gateReducer(patch, { type: 'failed', code: 'conflict', message: 'not an ancestor' });
    expect(patch.phase.kind).toBe('failed');
  });

  it('shows the result, and ignores a second submit after it', () => {
    let state = gateReducer(openGate('web', 'branch', changes()), { type: 'submit', force: false });
    state = gateReducer(state, { type: 'succeeded', result });
    expect(state.phase).toEqual({ kind: 'done', result });
    expect(gateReducer(state, { type: 'submit', force: false })).toBe(state);
  });

  it('tells conflicts apart by their words, and other errors are errors', () => {
    expect(classifyFetchError('conflict', 'Changed since you reviewed')).toBe('changed');
    expect(classifyFetchError('conflict', 'Your working tree has changes to a.txt')).toBe('other');
    expect(classifyFetchError('incus', 'changed since you reviewed')).toBe('other');
  });
});
