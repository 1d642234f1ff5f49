import { describe, expect, it } from 'vitest';
import { CPU_RULE } from '../../../shared/limits.js';
import { changedLimits, draftFromLimits, draftProblems, draftValid, fieldProblem, limitsFromDraft } from './limits-form.js';

const current = { cpu: '2', memory: '', processes: '500', disk: '' };

describe('limits form', () => {
  it('prefills from the agent, ticking unlimited for empty limits', () => {
    const draft = draftFromLimits(current);
    expect(draft.cpu).toEqual({ value: '2', unlimited: false });
    expect(draft.memory).toEqual({ value: '', unlimited: true });
    expect(draftValid(draft)).toBe(true);
    expect(limitsFromDraft(draft)).toEqual(current);
  });

  it('refuses an empty field unless unlimited is ticked', () => {
    expect(fieldProblem('cpu', { value: '', unlimited: false })).toContain(CPU_RULE);
    expect(fieldProblem('cpu', { value: '  ', unlimited: false })).toMatch(/tick "Unlimited"/);
    expect(fieldProblem('disk', { value: '', unlimited: false })).toMatch(/tick "Pool default"/);
    expect(fieldProblem('cpu', { value: '', unlimited: true })).toBeNull();
    // A value left behind a ticked box is ignored, not checked.
    expect(fieldProblem('memory', { value: 'lots', unlimited: true })).toBeNull();
  });

  it("uses shared/limits.ts's rules and messages", () => {
    const draft = { ...draftFromLimits(current), memory: { value: '16MiB', unlimited: false }, processes: { value: '5', unlimited: false } };
    const problems = draftProblems(draft);
    expect(problems.memory).toMatch(/below 32MiB/);
    expect(problems.processes).toMatch(/at least 10/);
    expect(problems.cpu).toBeNull();
    expect(draftValid(draft)).toBe(false);
    expect(fieldProblem('cpu', { value: ' 50% ', unlimited: false })).toBeNull();
  });

  it('sends only the changed fields, unlimited as empty', () => {
    const draft = draftFromLimits(current);
    expect(changedLimits(current, draft)).toEqual({});
    draft.cpu = { value: '2', unlimited: true };
    draft.memory = { value: '2GiB', unlimited: false };
    draft.processes = { value: ' 500 ', unlimited: false };
    expect(changedLimits(current, draft)).toEqual({ cpu: '', memory: '2GiB' });
  });
});
