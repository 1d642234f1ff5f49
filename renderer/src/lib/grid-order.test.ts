import { describe, expect, it } from 'vitest';
import type { AgentRunState, AgentRunStatus } from '../../../shared/agent-status.js';
import type { AgentStatus } from '../../../shared/types.js';
import { cardRunState, countByState, gridAgents, parseGridView } from './grid-order.js';

const agent = (name: string, status: AgentStatus = 'Running') => ({ name, status });
const run = (agentName: string, state: AgentRunState): AgentRunStatus => ({
  agent: agentName,
  state,
  exitCode: state === 'exited' ? 3 : null,
  command: 'bash',
  since: 0,
  source: 'tmux',
});

const agents = [agent('w-10'), agent('w-2'), agent('x'), agent('off', 'Stopped'), agent('idle'), agent('new')];
const statuses = {
  'w-10': run('w-10', 'waiting'),
  'w-2': run('w-2', 'waiting'),
  x: run('x', 'exited'),
  off: run('off', 'working'),
  idle: run('idle', 'idle'),
};

describe('gridAgents', () => {
  it('sorts by name (numbers in order) by default', () => {
    expect(gridAgents(agents, statuses, 'all', 'name').map((a) => a.name)).toEqual(['idle', 'new', 'off', 'w-2', 'w-10', 'x']);
  });

  it('sorts by status, what needs the user first, then by name', () => {
    expect(gridAgents(agents, statuses, 'all', 'status').map((a) => a.name)).toEqual(['w-2', 'w-10', 'x', 'idle', 'new', 'off']);
  });

  it('filters by run state; a stopped agent is "not running" whatever its last reading', () => {
    expect(gridAgents(agents, statuses, 'waiting', 'name').map((a) => a.name)).toEqual(['w-2', 'w-10']);
    expect(gridAgents(agents, statuses, 'stopped', 'name').map((a) => a.name)).toEqual(['off']);
    expect(gridAgents(agents, statuses, 'unknown', 'name').map((a) => a.name)).toEqual(['new']);
    expect(gridAgents(agents, statuses, 'working', 'name')).toEqual([]);
  });

  it('counts the agents in each state', () => {
    expect(countByState(agents, statuses)).toEqual({ all: 6, waiting: 2, working: 0, idle: 1, exited: 1, unknown: 1, stopped: 1 });
  });

  it('reads a running agent without a reading as unknown', () => {
    expect(cardRunState(agent('a'), undefined)).toBe('unknown');
  });
});

describe('parseGridView', () => {
  it('keeps a known filter and sort, and falls back on anything else', () => {
    expect(parseGridView({ filter: 'waiting', sort: 'status' })).toEqual({ filter: 'waiting', sort: 'status' });
    expect(parseGridView({ filter: 'bogus', sort: 7 })).toEqual({ filter: 'all', sort: 'name' });
    expect(parseGridView(null)).toEqual({ filter: 'all', sort: 'name' });
  });
});
