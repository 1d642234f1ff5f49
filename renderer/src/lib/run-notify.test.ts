import { beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunState, AgentRunStatus } from '../../../shared/agent-status.js';
import { useRunStatus } from '../stores/run-status.js';
import { notifyEnabled, waitingNews } from './run-notify.js';

const status = (agent: string, state: AgentRunState, since = 1): AgentRunStatus => ({
  agent,
  state,
  exitCode: state === 'exited' ? 3 : null,
  command: 'bash',
  since,
  source: 'tmux',
});

/** What the window does with a pushed change (run-status-actions receiveRunStatus), minus the Notification. */
function push(s: AgentRunStatus, enabled = true): boolean {
  const { synced } = useRunStatus.getState();
  const before = useRunStatus.getState().apply(s);
  return waitingNews(before, s, { synced, enabled });
}

function load(list: AgentRunStatus[]): void {
  const id = useRunStatus.getState().beginLoad();
  useRunStatus.getState().loaded(list, id);
}

beforeEach(() => {
  useRunStatus.setState({ byAgent: {}, loads: { last: 0, open: null }, synced: false });
});

describe('waiting notifications in the window', () => {
  it('notifies a pushed working → waiting, and only that transition', () => {
    load([status('a', 'working')]);
    expect(push(status('a', 'waiting'))).toBe(true);
    expect(push(status('a', 'waiting'))).toBe(false);
    expect(push(status('a', 'working'))).toBe(false);
    expect(push(status('a', 'exited'))).toBe(false);
    expect(push(status('a', 'waiting'))).toBe(false);
    expect(push(status('a', 'idle'))).toBe(false);
  });

  it('does not notify an agent seen for the first time waiting', () => {
    load([]);
    expect(push(status('new', 'waiting'))).toBe(false);
  });

  it('keeps quiet for an agent whose notifications are off', () => {
    load([status('a', 'working')]);
    expect(push(status('a', 'waiting'), false)).toBe(false);
  });

  it('says nothing for changes pushed before the first load answered (a page reload)', () => {
    // A fresh page: the store is empty, a change arrives before agents.runStatus answers.
    expect(push(status('a', 'working'))).toBe(false);
    expect(push(status('a', 'waiting'))).toBe(false);
    load([status('a', 'waiting')]);
    expect(useRunStatus.getState().byAgent.a?.state).toBe('waiting');
    expect(push(status('a', 'waiting'))).toBe(false);
  });

  it('does not announce again after a reconnect, nor a transition it only learns from the reload', () => {
    load([status('a', 'working'), status('b', 'working')]);
    expect(push(status('a', 'waiting'))).toBe(true);
    useRunStatus.getState().unsync();
    // A new backend's first reading arrives before the reload answers: not news.
    expect(push(status('b', 'waiting'))).toBe(false);
    load([status('a', 'waiting'), status('b', 'waiting')]);
    expect(push(status('a', 'waiting'))).toBe(false);
    expect(push(status('b', 'waiting'))).toBe(false);
    // Watched live again once synced.
    expect(push(status('b', 'working'))).toBe(false);
    expect(push(status('b', 'waiting'))).toBe(true);
  });

  it('keeps a change pushed during the reload over the reply (lib/reconcile)', () => {
    load([status('a', 'working')]);
    useRunStatus.getState().unsync();
    const id = useRunStatus.getState().beginLoad();
    push(status('a', 'exited', 5));
    useRunStatus.getState().loaded([status('a', 'working')], id);
    expect(useRunStatus.getState().byAgent.a?.state).toBe('exited');
    expect(useRunStatus.getState().synced).toBe(true);
  });
});

describe('notifyEnabled', () => {
  it('is on unless the agent says off', () => {
    expect(notifyEnabled({})).toBe(true);
    expect(notifyEnabled(undefined)).toBe(true);
    expect(notifyEnabled({ notify: 'on' })).toBe(true);
    expect(notifyEnabled({ notify: 'off' })).toBe(false);
  });
});
