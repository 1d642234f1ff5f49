import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../shared/types.js';
import { NO_TARGET, commandTarget, focusedCardAgent, newAgentBlocked, planCommand, type CommandContext, type ElementLike } from './agent-commands.js';

const statuses: Record<string, AgentStatus> = { web: 'Running', api: 'Running', db: 'Stopped', cold: 'Frozen' };
const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
  dialogOpen: false,
  focusedCard: null,
  viewOpen: null,
  newAgentBlocked: null,
  statusOf: (agent) => statuses[agent],
  ...over,
});

describe('commandTarget', () => {
  it('is the focused card, else the open view, else none', () => {
    expect(commandTarget('web', 'api')).toBe('web');
    expect(commandTarget(null, 'api')).toBe('api');
    expect(commandTarget(null, null)).toBeNull();
  });
});

describe('focusedCardAgent', () => {
  /** An element inside (or outside) a card, as far as closest() goes. */
  const inside = (agent: string | null): ElementLike => ({
    closest: (selector) => (agent !== null && selector === '[data-testid="agent-card"]' ? { getAttribute: (n) => (n === 'data-agent' ? agent : null) } : null),
  });

  it("is the agent of the card holding the focus, or none", () => {
    expect(focusedCardAgent(inside('remote:web'))).toBe('remote:web');
    expect(focusedCardAgent(inside(null))).toBeNull();
    expect(focusedCardAgent(null)).toBeNull();
  });
});

describe('planCommand', () => {
  it('ignores every command while a dialog is open, as the keyboard shortcut does', () => {
    for (const command of ['new-agent', 'snapshot', 'open-terminal'] as const) {
      expect(planCommand(command, ctx({ dialogOpen: true, focusedCard: 'web', viewOpen: 'api' }))).toEqual({ kind: 'ignore' });
    }
  });

  it('opens the wizard when the header button could, and says why not otherwise', () => {
    expect(planCommand('new-agent', ctx())).toEqual({ kind: 'open-wizard' });
    expect(planCommand('new-agent', ctx({ newAgentBlocked: 'No Incus.' }))).toEqual({ kind: 'explain', message: 'No Incus.' });
  });

  it('snapshots the focused card, else the open view', () => {
    expect(planCommand('snapshot', ctx({ focusedCard: 'web', viewOpen: 'api' }))).toEqual({ kind: 'snapshot', agent: 'web' });
    expect(planCommand('snapshot', ctx({ viewOpen: 'api' }))).toEqual({ kind: 'snapshot', agent: 'api' });
    // A stopped agent can be snapshotted.
    expect(planCommand('snapshot', ctx({ viewOpen: 'db' }))).toEqual({ kind: 'snapshot', agent: 'db' });
    expect(planCommand('snapshot', ctx())).toEqual({ kind: 'explain', message: NO_TARGET.snapshot });
  });

  it("opens the same target's agent terminal, or says which to focus or start", () => {
    expect(planCommand('open-terminal', ctx({ focusedCard: 'web', viewOpen: 'api' }))).toEqual({ kind: 'open-terminal', agent: 'web' });
    expect(planCommand('open-terminal', ctx({ viewOpen: 'api' }))).toEqual({ kind: 'open-terminal', agent: 'api' });
    expect(planCommand('open-terminal', ctx())).toEqual({ kind: 'explain', message: NO_TARGET['open-terminal'] });
    expect(planCommand('open-terminal', ctx({ viewOpen: 'db' }))).toEqual({ kind: 'explain', message: 'db is stopped: its terminal opens once it runs.' });
    expect(planCommand('open-terminal', ctx({ focusedCard: 'cold' }))).toEqual({ kind: 'explain', message: 'cold is frozen: its terminal opens once it runs.' });
    expect(planCommand('open-terminal', ctx({ viewOpen: 'gone' }))).toEqual({ kind: 'explain', message: 'gone is not known here any more.' });
  });
});

describe('newAgentBlocked', () => {
  it('allows a new agent when the backend is reachable and some Incus answers, as the header button does', () => {
    expect(newAgentBlocked({ link: 'connected', localConnected: true, anyServerConnected: true })).toBeNull();
    // The local Incus away, a remote answering.
    expect(newAgentBlocked({ link: 'connected', localConnected: false, anyServerConnected: true })).toBeNull();
    expect(newAgentBlocked({ link: 'connected', localConnected: true, anyServerConnected: false })).toBeNull();
  });

  it('says why not', () => {
    expect(newAgentBlocked({ link: 'connected', localConnected: false, anyServerConnected: false })).toBe('No new agent now: no Incus server is connected.');
    expect(newAgentBlocked({ link: 'reconnecting', localConnected: true, anyServerConnected: true })).toBe("No new agent now: Enclave's backend is not reachable.");
  });
});
