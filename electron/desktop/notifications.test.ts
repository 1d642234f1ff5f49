import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { AgentRunState, AgentRunStatus } from '../../shared/agent-status.js';
import type { Agent, GuardAlert } from '../../shared/types.js';
import type { Backend } from '../core/backend.js';
import { desktopNotifications, type DesktopNotice } from './notifications.js';

const status = (agent: string, state: AgentRunState): AgentRunStatus => ({ agent, state, exitCode: null, command: 'claude', since: 0, source: 'tmux' });

const alert = (over: Partial<GuardAlert> = {}): GuardAlert => ({
  id: 'a1',
  agent: 'web',
  rule: 'processes-high',
  message: 'web: 48 of 50 processes (96%)',
  at: 0,
  value: 48,
  threshold: 50,
  active: true,
  action: null,
  ...over,
});

/** The backend as the module sees it: its events, and the agents its mirrors hold. */
function stubBackend(meta: Record<string, Record<string, string>>) {
  const events = new EventEmitter() as Backend['events'];
  const cachedAgent = (ref: string) => (ref in meta ? ({ name: ref, meta: meta[ref] } as Partial<Agent> as Agent) : undefined);
  return { events, cachedAgent };
}

function setup(meta: Record<string, Record<string, string>> = { web: {}, 'remote:api': {} }) {
  const backend = stubBackend(meta);
  const shown: DesktopNotice[] = [];
  const opened: string[] = [];
  const stop = desktopNotifications(backend, (n) => shown.push(n), (agent) => opened.push(agent));
  return { backend, shown, opened, stop };
}

describe('desktopNotifications', () => {
  it('shows a guard alert once, when it becomes active', () => {
    const { backend, shown } = setup();
    backend.events.emit('guard.alert', alert());
    backend.events.emit('guard.alert', alert({ value: 49, action: 'frozen automatically' }));
    expect(shown).toEqual([{ title: 'Enclave: web', body: 'web: 48 of 50 processes (96%)' }]);
  });

  it('shows an agent that starts waiting, and opens it by its ref when clicked', () => {
    const { backend, shown, opened } = setup();
    backend.events.emit('agents.runStatus', status('remote:api', 'working'));
    backend.events.emit('agents.runStatus', status('remote:api', 'waiting'));
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ title: 'Enclave: remote:api is waiting' });
    expect(opened).toEqual([]);
    shown[0]?.onClick?.();
    expect(opened).toEqual(['remote:api']);
  });

  it('says nothing of an agent whose notifications are off, or that no server holds', () => {
    const { backend, shown } = setup({ quiet: { notify: 'off' } });
    for (const agent of ['quiet', 'unknown']) {
      backend.events.emit('agents.runStatus', status(agent, 'working'));
      backend.events.emit('agents.runStatus', status(agent, 'waiting'));
    }
    expect(shown).toEqual([]);
  });

  it('keeps a failing notification away from the code that emitted the event', () => {
    const backend = stubBackend({ web: {} });
    desktopNotifications(
      backend,
      () => {
        throw new Error('no notification daemon');
      },
      () => undefined,
    );
    expect(() => backend.events.emit('guard.alert', alert())).not.toThrow();
    backend.events.emit('agents.runStatus', status('web', 'working'));
    expect(() => backend.events.emit('agents.runStatus', status('web', 'waiting'))).not.toThrow();
  });

  it('listens no more once unsubscribed', () => {
    const { backend, shown, stop } = setup();
    stop();
    expect(backend.events.listenerCount('guard.alert')).toBe(0);
    expect(backend.events.listenerCount('agents.runStatus')).toBe(0);
    backend.events.emit('guard.alert', alert());
    expect(shown).toEqual([]);
  });
});
