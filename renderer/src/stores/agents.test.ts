import { NO_LOADS, isLoading } from '../lib/reconcile.js';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/types.js';
import { agentFixture } from '../../../shared/test-fixtures.js';
import { applyAgentsChange, useAgents } from './agents.js';

function agent(name: string, status: Agent['status'] = 'Running'): Agent {
  return agentFixture(name, { status, image: 'Debian 12' });
}

const names = (agents: readonly Agent[]) => agents.map((a) => a.name);

describe('applyAgentsChange', () => {
  it('reset replaces everything, sorted with numbers in numeric order', () => {
    const result = applyAgentsChange([agent('old')], {
      kind: 'reset',
      agents: [agent('agent-10'), agent('agent-2'), agent('alpha')],
    });
    expect(names(result)).toEqual(['agent-2', 'agent-10', 'alpha']);
  });

  it('upsert adds a new agent in name order', () => {
    const result = applyAgentsChange([agent('a'), agent('c')], { kind: 'upsert', agent: agent('b') });
    expect(names(result)).toEqual(['a', 'b', 'c']);
  });

  it('upsert replaces an existing agent in place', () => {
    const before = [agent('a'), agent('b')];
    const result = applyAgentsChange(before, { kind: 'upsert', agent: agent('b', 'Stopped') });
    expect(result.map((a) => a.status)).toEqual(['Running', 'Stopped']);
    expect(result[0]).toBe(before[0]);
  });

  it('removed drops the agent, and keeps the same array when it was not there', () => {
    const before = [agent('a'), agent('b')];
    expect(names(applyAgentsChange(before, { kind: 'removed', name: 'a' }))).toEqual(['b']);
    expect(applyAgentsChange(before, { kind: 'removed', name: 'zzz' })).toBe(before);
  });
});

describe('useAgents list loading', () => {
  it('replays changes pushed while agents.list was in flight over its result', () => {
    useAgents.setState({ agents: [], loaded: false, loads: NO_LOADS });
    const store = useAgents.getState();
    const loadId = store.beginLoad();
    store.apply({ kind: 'upsert', agent: agent('new') });
    store.apply({ kind: 'removed', name: 'gone' });
    // A list read from Incus before both changes happened:
    useAgents.getState().finishLoad(loadId, [agent('gone'), agent('kept')]);
    const state = useAgents.getState();
    expect(names(state.agents)).toEqual(['kept', 'new']);
    expect(state.loaded).toBe(true);
    expect(isLoading(state.loads)).toBe(false);
  });

  it('ignores the result of a load that a newer load superseded', () => {
    useAgents.setState({ agents: [], loaded: false, loads: NO_LOADS });
    const first = useAgents.getState().beginLoad();
    const second = useAgents.getState().beginLoad();
    useAgents.getState().finishLoad(first, [agent('stale')]);
    expect(useAgents.getState().loaded).toBe(false);
    useAgents.getState().finishLoad(second, [agent('fresh')]);
    expect(names(useAgents.getState().agents)).toEqual(['fresh']);
  });

  it('a pushed reset counts as loaded', () => {
    useAgents.setState({ agents: [], loaded: false, loads: NO_LOADS });
    useAgents.getState().apply({ kind: 'reset', agents: [agent('x')] });
    expect(useAgents.getState().loaded).toBe(true);
  });
});
