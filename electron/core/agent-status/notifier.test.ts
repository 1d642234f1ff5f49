import { describe, expect, it } from 'vitest';
import type { AgentRunState, AgentRunStatus } from '../../../shared/agent-status.js';
import { waitingNotifier, type WaitingNotice } from './notifier.js';

const status = (agent: string, state: AgentRunState, command = 'bash'): AgentRunStatus => ({
  agent,
  state,
  exitCode: state === 'exited' ? 3 : null,
  command,
  since: 0,
  source: 'tmux',
});

function setup(off: string[] = []) {
  const shown: WaitingNotice[] = [];
  const feed = waitingNotifier({ enabled: (agent) => !off.includes(agent), show: (n) => shown.push(n) });
  return { shown, feed };
}

describe('waitingNotifier', () => {
  it('notifies once when an agent goes from working to waiting', () => {
    const { shown, feed } = setup();
    feed(status('a', 'working'));
    feed(status('a', 'waiting', 'claude'));
    feed(status('a', 'waiting', 'claude'));
    expect(shown).toEqual([{ agent: 'a', title: 'Enclave: a is waiting', body: 'a is waiting for your input (its command: "claude"). Click to open its terminal.' }]);
  });

  it('does not notify at first sight, nor for other transitions', () => {
    const { shown, feed } = setup();
    feed(status('a', 'waiting'));
    feed(status('b', 'idle'));
    feed(status('b', 'waiting'));
    feed(status('c', 'working'));
    feed(status('c', 'exited'));
    feed(status('c', 'unknown'));
    feed(status('c', 'waiting'));
    expect(shown).toEqual([]);
  });

  it('notifies again after the agent worked in between, per agent', () => {
    const { shown, feed } = setup();
    for (const s of ['working', 'waiting', 'working', 'waiting'] as const) feed(status('a', s));
    feed(status('b', 'working'));
    feed(status('b', 'waiting'));
    expect(shown.map((n) => n.agent)).toEqual(['a', 'a', 'b']);
  });

  it("keeps quiet for an agent whose notifications are off, and follows its state meanwhile", () => {
    const off = ['a'];
    const { shown, feed } = setup(off);
    feed(status('a', 'working'));
    feed(status('a', 'waiting'));
    expect(shown).toEqual([]);
    off.length = 0;
    feed(status('a', 'waiting'));
    expect(shown).toEqual([]);
    feed(status('a', 'working'));
    feed(status('a', 'waiting'));
    expect(shown).toHaveLength(1);
  });
});
