import { describe, expect, it } from 'vitest';
import { AlreadyBusy, claimAgents, releaseAgents, useActions, withAgents } from './actions.js';

const snapshotting = { action: 'snapshot', label: 'Taking a snapshot' };

describe('agent actions in flight', () => {
  it('claims all agents or none', () => {
    const one = claimAgents({}, ['web'], snapshotting);
    expect(one).toEqual({ web: snapshotting });
    expect(claimAgents(one!, ['db', 'web'], snapshotting)).toBeNull();
    expect(releaseAgents(one!, ['web'])).toEqual({});
    expect(releaseAgents(one!, ['db'])).toBe(one);
  });

  it('sends one request for a double click, and frees the agent after', async () => {
    let calls = 0;
    let finish: () => void = () => undefined;
    const work = () => {
      calls++;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const first = withAgents(['web'], snapshotting, work);
    const second = withAgents(['web'], snapshotting, work);
    await expect(second).rejects.toBeInstanceOf(AlreadyBusy);
    await expect(second).rejects.toThrow('web is busy: taking a snapshot.');
    expect(calls).toBe(1);
    expect(useActions.getState().byAgent.web).toEqual(snapshotting);
    finish();
    await first;
    expect(useActions.getState().byAgent.web).toBeUndefined();
  });

  it('frees the agent when the work fails', async () => {
    await expect(withAgents(['db'], snapshotting, () => Promise.reject(new Error('busy')))).rejects.toThrow('busy');
    expect(useActions.getState().byAgent.db).toBeUndefined();
  });
});
