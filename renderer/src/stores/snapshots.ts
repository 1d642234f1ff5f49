import { create } from 'zustand';
import type { Snapshot, SnapshotsChange } from '../../../shared/types.js';
import { sortSnapshots } from '../lib/timeline.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

/** What changes an agent's list: a pushed whole list, or a reply of create/update/delete. */
export type SnapshotEdit =
  | { kind: 'list'; snapshots: readonly Snapshot[] }
  | { kind: 'upsert'; snapshot: Snapshot; previousName?: string | undefined }
  | { kind: 'remove'; name: string };

/** One agent's snapshots as this window knows them. */
export interface AgentSnapshots {
  snapshots: readonly Snapshot[];
  /** `loading` only until the first answer: later reloads keep showing what is known. */
  state: 'loading' | 'ready' | 'failed';
  error: string | null;
  /** snapshots.list calls and the edits made while one is in flight (lib/reconcile.ts). */
  loads: Loads<SnapshotEdit>;
}

export type SnapshotsByAgent = Readonly<Record<string, AgentSnapshots>>;

const EMPTY: AgentSnapshots = { snapshots: [], state: 'loading', error: null, loads: NO_LOADS };

function put(byAgent: SnapshotsByAgent, agent: string, entry: AgentSnapshots): SnapshotsByAgent {
  return { ...byAgent, [agent]: entry };
}

export function applySnapshotEdit(snapshots: readonly Snapshot[], edit: SnapshotEdit): readonly Snapshot[] {
  switch (edit.kind) {
    case 'list':
      return sortSnapshots(edit.snapshots);
    case 'upsert': {
      const rest = snapshots.filter((s) => s.name !== edit.snapshot.name && s.name !== edit.previousName);
      return sortSnapshots([...rest, edit.snapshot]);
    }
    case 'remove':
      return snapshots.some((s) => s.name === edit.name) ? snapshots.filter((s) => s.name !== edit.name) : snapshots;
  }
}

function edit(entry: AgentSnapshots, change: SnapshotEdit): AgentSnapshots {
  return { ...entry, snapshots: applySnapshotEdit(entry.snapshots, change), loads: noteChange(entry.loads, change) };
}

/** A pushed snapshots.changed: the agent's full list, newer than anything before it. */
export function applySnapshotsChange(byAgent: SnapshotsByAgent, change: SnapshotsChange): SnapshotsByAgent {
  const entry = byAgent[change.agent] ?? EMPTY;
  return put(byAgent, change.agent, { ...edit(entry, { kind: 'list', snapshots: change.snapshots }), state: 'ready', error: null });
}

/** A snapshots.list call starts (the agent is watched from now on); its id goes back with the reply. */
export function beginSnapshotsLoad(byAgent: SnapshotsByAgent, agent: string): { byAgent: SnapshotsByAgent; loadId: number } {
  const entry = byAgent[agent] ?? EMPTY;
  const { loads, id } = beginLoad(entry.loads);
  const state = entry.state === 'failed' ? 'loading' : entry.state;
  return { byAgent: put(byAgent, agent, { ...entry, loads, state, error: state === 'loading' ? null : entry.error }), loadId: id };
}

/** The list a call answered, with what changed since the call was sent applied over it. */
export function receiveSnapshotsList(
  byAgent: SnapshotsByAgent,
  agent: string,
  snapshots: readonly Snapshot[],
  loadId: number,
): SnapshotsByAgent {
  const entry = byAgent[agent] ?? EMPTY;
  const done = finishLoad(entry.loads, loadId, sortSnapshots(snapshots), applySnapshotEdit);
  if (!done) return byAgent;
  return put(byAgent, agent, { ...entry, snapshots: done.value, loads: done.loads, state: 'ready', error: null });
}

export function snapshotsLoadFailed(byAgent: SnapshotsByAgent, agent: string, error: string, loadId?: number): SnapshotsByAgent {
  const entry = byAgent[agent] ?? EMPTY;
  const loads = loadId === undefined ? entry.loads : abandonLoad(entry.loads, loadId);
  // What was known stays on screen; only a first load that failed shows as failed.
  if (entry.state === 'ready') return loads === entry.loads ? byAgent : put(byAgent, agent, { ...entry, loads });
  return put(byAgent, agent, { ...entry, loads, state: 'failed', error });
}

/**
 * A snapshot a call returned (create, update). The pushed list follows, but not always (Incus
 * sends no event for a comment-only change), so the reply is applied too. `previousName` is
 * its name before a rename.
 */
export function upsertSnapshot(byAgent: SnapshotsByAgent, snapshot: Snapshot, previousName?: string): SnapshotsByAgent {
  const entry = byAgent[snapshot.agent];
  if (!entry) return byAgent;
  return put(byAgent, snapshot.agent, edit(entry, { kind: 'upsert', snapshot, previousName }));
}

export function removeSnapshot(byAgent: SnapshotsByAgent, agent: string, name: string): SnapshotsByAgent {
  const entry = byAgent[agent];
  if (!entry || !entry.snapshots.some((s) => s.name === name)) return byAgent;
  return put(byAgent, agent, edit(entry, { kind: 'remove', name }));
}

export function forgetAgent(byAgent: SnapshotsByAgent, agent: string): SnapshotsByAgent {
  if (!(agent in byAgent)) return byAgent;
  const { [agent]: _gone, ...rest } = byAgent;
  return rest;
}

interface SnapshotsState {
  byAgent: SnapshotsByAgent;
  apply(change: SnapshotsChange): void;
  /** Returns the load's id to hand back with the reply. */
  beginLoad(agent: string): number;
  finishLoad(agent: string, snapshots: Snapshot[], loadId: number): void;
  failLoad(agent: string, error: string, loadId?: number): void;
  upsert(snapshot: Snapshot, previousName?: string): void;
  remove(agent: string, name: string): void;
  forget(agent: string): void;
}

export const useSnapshots = create<SnapshotsState>()((set, get) => ({
  byAgent: {},
  apply(change) {
    set((state) => ({ byAgent: applySnapshotsChange(state.byAgent, change) }));
  },
  beginLoad(agent) {
    const { byAgent, loadId } = beginSnapshotsLoad(get().byAgent, agent);
    set({ byAgent });
    return loadId;
  },
  finishLoad(agent, snapshots, loadId) {
    set((state) => ({ byAgent: receiveSnapshotsList(state.byAgent, agent, snapshots, loadId) }));
  },
  failLoad(agent, error, loadId) {
    set((state) => ({ byAgent: snapshotsLoadFailed(state.byAgent, agent, error, loadId) }));
  },
  upsert(snapshot, previousName) {
    set((state) => ({ byAgent: upsertSnapshot(state.byAgent, snapshot, previousName) }));
  },
  remove(agent, name) {
    set((state) => ({ byAgent: removeSnapshot(state.byAgent, agent, name) }));
  },
  forget(agent) {
    set((state) => ({ byAgent: forgetAgent(state.byAgent, agent) }));
  },
}));
