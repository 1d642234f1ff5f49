import { NO_LOADS, isLoading } from '../lib/reconcile.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TerminalInfo } from '../../../shared/types.js';
import { applyTerminalsChange, useTerminals } from './terminals.js';

let clock = 0;
function term(id: string, patch: Partial<TerminalInfo> = {}): TerminalInfo {
  clock++;
  return {
    id,
    agent: 'a1',
    kind: 'shell',
    title: `a1 · shell ${clock}`,
    persistent: false,
    notice: null,
    state: 'open',
    exitCode: null,
    message: null,
    cols: 80,
    rows: 24,
    createdAt: `2025-01-01T00:00:${String(clock).padStart(2, '0')}Z`,
    ...patch,
  };
}
const ids = (list: readonly TerminalInfo[]) => list.map((t) => t.id);

describe('applyTerminalsChange', () => {
  it('upsert adds in creation order and replaces in place', () => {
    const first = term('x', { createdAt: '2025-01-01T00:00:05Z' });
    const second = term('y', { createdAt: '2025-01-01T00:00:01Z' });
    let list = applyTerminalsChange([], { kind: 'upsert', terminal: first });
    list = applyTerminalsChange(list, { kind: 'upsert', terminal: second });
    expect(ids(list)).toEqual(['y', 'x']);
    const exited = { ...first, state: 'exited' as const, exitCode: 3 };
    const after = applyTerminalsChange(list, { kind: 'upsert', terminal: exited });
    expect(ids(after)).toEqual(['y', 'x']);
    expect(after[1]).toBe(exited);
    expect(after[0]).toBe(list[0]);
  });

  it('removed drops it, and keeps the same array when it was not there', () => {
    const list = [term('a'), term('b')];
    expect(ids(applyTerminalsChange(list, { kind: 'removed', id: 'a' }))).toEqual(['b']);
    expect(applyTerminalsChange(list, { kind: 'removed', id: 'zzz' })).toBe(list);
  });
});

describe('useTerminals', () => {
  beforeEach(() => useTerminals.setState({ terminals: [], loaded: false, loads: NO_LOADS }));

  it('replays changes pushed while terminals.list was in flight over its result', () => {
    const store = useTerminals.getState();
    const loadId = store.beginLoad();
    const fresh = term('new');
    store.apply({ kind: 'upsert', terminal: fresh });
    store.apply({ kind: 'removed', id: 'gone' });
    const kept = term('kept', { createdAt: '2024-01-01T00:00:00Z' });
    useTerminals.getState().finishLoad(loadId, [term('gone'), kept]);
    const state = useTerminals.getState();
    expect(ids(state.terminals)).toEqual(['kept', 'new']);
    expect(state.loaded).toBe(true);
    expect(isLoading(state.loads)).toBe(false);
  });

  it('ignores a superseded load', () => {
    const first = useTerminals.getState().beginLoad();
    const second = useTerminals.getState().beginLoad();
    useTerminals.getState().finishLoad(first, [term('stale')]);
    expect(useTerminals.getState().loaded).toBe(false);
    useTerminals.getState().finishLoad(second, [term('fresh')]);
    expect(ids(useTerminals.getState().terminals)).toEqual(['fresh']);
  });

  it('learn takes a reply only when no event came first', () => {
    const pushed = term('t', { state: 'open' });
    useTerminals.getState().apply({ kind: 'upsert', terminal: pushed });
    useTerminals.getState().learn({ ...pushed, state: 'connecting' });
    expect(useTerminals.getState().terminals[0]?.state).toBe('open');
    const other = term('u', { state: 'connecting' });
    useTerminals.getState().learn(other);
    expect(ids(useTerminals.getState().terminals)).toEqual(['t', 'u']);
  });
});
