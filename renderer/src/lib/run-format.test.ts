import { describe, expect, it } from 'vitest';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import { runStateLabel, runStateTitle } from './run-format.js';

const at = Date.parse('2027-01-01T12:00:00Z');
const status = (over: Partial<AgentRunStatus>): AgentRunStatus => ({
  agent: 'a',
  state: 'working',
  exitCode: null,
  command: 'bash',
  since: at,
  source: 'tmux',
  ...over,
});

describe('run state words', () => {
  it('names each state, with the exit code once exited', () => {
    expect(runStateLabel(status({ state: 'waiting' }))).toBe('Waiting for input');
    expect(runStateLabel(status({ state: 'exited', exitCode: 3 }))).toBe('Exited 3');
    expect(runStateLabel(status({ state: 'exited', exitCode: 0 }))).toBe('Exited 0');
    expect(runStateLabel(status({ state: 'exited', exitCode: null }))).toBe('Exited');
    expect(runStateLabel(undefined)).toBe('Unknown');
  });

  it('says since when, relative, and where it was read', () => {
    expect(runStateTitle(status({ state: 'waiting' }), at + 5 * 60_000)).toBe('Waiting for input since 5 min ago, read from its tmux pane');
    expect(runStateTitle(status({ source: 'hooks' }), at + 1000)).toBe("Working since just now, read from its CLI's hooks");
  });
});
