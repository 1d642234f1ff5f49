import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceChanges } from '../../../shared/workspace.js';
import { useWorkspaceChanges } from './workspace-changes.js';

const changes = (over: Partial<WorkspaceChanges> = {}): WorkspaceChanges => ({
  agent: 'web', state: 'ok', mode: 'copy', base: 'b'.repeat(40), head: 'a'.repeat(40), branch: 'enclave/web',
  commits: [], files: [], truncated: false, uncommittedFiles: 0, fingerprint: '1'.repeat(64), readAt: 1, message: null, ...over,
});

describe('the changes store', () => {
  beforeEach(() => useWorkspaceChanges.setState({ byAgent: {} }));

  it('keeps the drawn object when a poll finds the same work, so nothing re-renders', () => {
    const store = useWorkspaceChanges.getState();
    const first = changes();
    store.receive('web', first, 10);
    store.begin('web');
    store.receive('web', changes({ readAt: 2 }), 20);
    const entry = useWorkspaceChanges.getState().byAgent.web;
    expect(entry?.changes).toBe(first);
    expect(entry).toMatchObject({ loading: false, lastAt: 20, error: null });
  });

  it('takes new work, and a state change with the same fingerprint', () => {
    const store = useWorkspaceChanges.getState();
    store.receive('web', changes(), 10);
    const next = changes({ fingerprint: '2'.repeat(64) });
    store.receive('web', next, 20);
    expect(useWorkspaceChanges.getState().byAgent.web?.changes).toBe(next);
    const stopped = changes({ fingerprint: '2'.repeat(64), state: 'stopped' });
    store.receive('web', stopped, 30);
    expect(useWorkspaceChanges.getState().byAgent.web?.changes).toBe(stopped);
  });

  it('keeps the last answer on screen when a read fails, and forgets a deleted agent', () => {
    const store = useWorkspaceChanges.getState();
    const first = changes();
    store.receive('web', first, 10);
    store.fail('web', 'Incus did not answer', 20);
    expect(useWorkspaceChanges.getState().byAgent.web).toMatchObject({ changes: first, error: 'Incus did not answer', lastAt: 20 });
    store.forget('web');
    expect(useWorkspaceChanges.getState().byAgent.web).toBeUndefined();
  });
});
