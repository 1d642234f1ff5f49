import { describe, expect, it } from 'vitest';
import { AGENT_NAME_RULE, agentNameProblem, suggestAgentName } from './names.js';

describe('agentNameProblem', () => {
  it.each(['a', 'agent-1', 'Claude-Code', 'x9', 'a-b-c', 'A'.repeat(63), 'z' + '0'.repeat(62)])('accepts %s', (name) => {
    expect(agentNameProblem(name)).toBeNull();
  });

  it('refuses the empty name', () => {
    expect(agentNameProblem('')).toBe(`The name is empty. ${AGENT_NAME_RULE}`);
  });

  it('accepts 63 characters and refuses 64', () => {
    expect(agentNameProblem('a'.repeat(63))).toBeNull();
    const problem = agentNameProblem('a'.repeat(64));
    expect(problem).toContain('is 64 characters long');
    expect(problem).toContain(AGENT_NAME_RULE);
    // The quoted name is shortened so the message stays readable.
    expect(problem).toContain(`"${'a'.repeat(20)}…"`);
  });

  it.each([
    ['agent_1', '_'],
    ['agent.1', '.'],
    ['agent 1', ' '],
    ['agent/1', '/'],
    ['agént', 'é'],
    ['a:b', ':'],
  ])('names the bad character in %s', (name, bad) => {
    expect(agentNameProblem(name)).toBe(`"${name}" contains "${bad}". ${AGENT_NAME_RULE}`);
  });

  it('refuses a leading digit', () => {
    expect(agentNameProblem('1agent')).toBe(`"1agent" starts with a digit. ${AGENT_NAME_RULE}`);
    expect(agentNameProblem('9')).toContain('starts with a digit');
  });

  it('refuses a leading dash', () => {
    expect(agentNameProblem('-agent')).toBe(`"-agent" starts with a dash. ${AGENT_NAME_RULE}`);
  });

  it('refuses a trailing dash', () => {
    expect(agentNameProblem('agent-')).toBe(`"agent-" ends with a dash. ${AGENT_NAME_RULE}`);
    expect(agentNameProblem('-')).toContain('starts with a dash');
  });

  it('checks length before characters', () => {
    expect(agentNameProblem('_'.repeat(64))).toContain('64 characters long');
  });
});

describe('suggestAgentName', () => {
  it('starts at 1', () => {
    expect(suggestAgentName([])).toBe('agent-1');
  });

  it('takes the first free number, filling gaps', () => {
    expect(suggestAgentName(['agent-1', 'agent-2', 'agent-4'])).toBe('agent-3');
    expect(suggestAgentName(['agent-2'])).toBe('agent-1');
  });

  it('accepts any iterable and a base', () => {
    expect(suggestAgentName(new Set(['coder-1']), 'coder')).toBe('coder-2');
    expect(suggestAgentName(['agent-1'], 'coder')).toBe('coder-1');
  });

  it('suggests names that pass the rules', () => {
    const taken = Array.from({ length: 50 }, (_, i) => `agent-${i + 1}`);
    const name = suggestAgentName(taken);
    expect(name).toBe('agent-51');
    expect(agentNameProblem(name)).toBeNull();
  });
});
