import { describe, expect, it } from 'vitest';
import type { AgentProgress } from '../../../shared/types.js';
import { applyProgress, failuresOnly, withoutAgent } from './progress.js';

const creating: AgentProgress = { name: 'a', stage: 'creating', detail: 'Unpacking image: 45%' };

describe('progress', () => {
  it('keeps the latest stage per agent', () => {
    const once = applyProgress({}, creating);
    const twice = applyProgress(once, { name: 'a', stage: 'starting', detail: '' });
    expect(twice.a?.stage).toBe('starting');
  });

  it('forgets an agent once it is ready', () => {
    const map = applyProgress(applyProgress({}, creating), { name: 'a', stage: 'ready', detail: '' });
    expect(map).toEqual({});
  });

  it('keeps failures with their error', () => {
    const map = applyProgress({}, { name: 'a', stage: 'failed', detail: '', error: 'Failed to unpack' });
    expect(map.a?.error).toBe('Failed to unpack');
  });

  it('withoutAgent returns the same object when nothing changes', () => {
    const map = applyProgress({}, creating);
    expect(withoutAgent(map, 'other')).toBe(map);
    expect(withoutAgent(map, 'a')).toEqual({});
  });

  it('failuresOnly drops in-flight stages', () => {
    let map = applyProgress({}, creating);
    map = applyProgress(map, { name: 'b', stage: 'failed', detail: '', error: 'x' });
    expect(Object.keys(failuresOnly(map))).toEqual(['b']);
  });

  it('keeps a note that the agent runs with a problem, with what the agent printed, until a new stage', () => {
    const note: AgentProgress = {
      name: 'a',
      stage: 'ready',
      detail: 'Running, but its tmux session did not start (exit 1). The agent\'s tmux printed:',
      agentOutput: 'tmux: no server',
    };
    let map = applyProgress(applyProgress({}, creating), note);
    map = applyProgress(map, { name: 'a', stage: 'ready', detail: 'Running' });
    expect(map.a).toEqual(note);
    expect(applyProgress(map, { name: 'a', stage: 'starting', detail: '' }).a?.stage).toBe('starting');
    expect(withoutAgent(map, 'a')).toEqual({});
  });
});
