import { create } from 'zustand';
import type { Snapshot, SnapshotsChange } from '../../../shared/types.js';
import { sortSnapshots } from '../lib/timeline.js';

/** One agent's snapshots as this window knows them. */
export interface AgentSnapshots {
  snapshots: readonly Snapshot[];
  /** `loading` only until the first answer: later reloads keep showing what is known. */
  state: 'loading' | 'ready' | 'failed';
  error: string | null;
  /** Counts pushed lists: a snapshots.list reply overtaken by one is older and is dropped. */
  events: number;
}

export type SnapshotsByAgent = Readonly<Record<string, AgentSnapshots>>;

const EMPTY: AgentSnapshots = { snapshots: [], state: 'loading', error: null, events: 0 };

function put(byAgent: SnapshotsByAgent, agent: string, entry: AgentSnapshots): SnapshotsByAgent {
  return { ...byAgent, [agent]: entry };
}

/** A pushed snapshots.changed: the agent's full list, newer than anything before it. */
export function applySnapshotsChange(byAgent: SnapshotsByAgent, change: SnapshotsChange): SnapshotsByAgent {
  const entry = byAgent[change.agent] ?? EMPTY;
  return put(byAgent, change.agent, {
    snapshots: sortSnapshots(change.snapshots),
    state: 'ready',
    error: null,
    events: entry.events + 1,
  });
}

/** A snapshots.list call starts: the agent is watched from now on. */
export function beginSnapshotsLoad(byAgent: SnapshotsByAgent, agent: string): SnapshotsByAgent {
  const entry = byAgent[agent];
  if (entry && entry.state !== 'failed') return byAgent;
  return put(byAgent, agent, { ...(entry ?? EMPTY), state: 'loading', error: null });
}

/** The list a call answered, unless a pushed list arrived since the call was sent. */
export function receiveSnapshotsList(
  byAgent: SnapshotsByAgent,
  agent: string,
  snapshots: readonly Snapshot[],
  eventsAtCall: number,
): SnapshotsByAgent {
  const entry = byAgent[agent] ?? EMPTY;
  if (entry.events !== eventsAtCall) return entry.state === 'ready' ? byAgent : put(byAgent, agent, { ...entry, state: 'ready' });
  return put(byAgent, agent, { ...entry, snapshots: sortSnapshots(snapshots), state: 'ready', error: null });
}

export function snapshotsLoadFailed(byAgent: SnapshotsByAgent, agent: string, error: string): SnapshotsByAgent {
  const entry = byAgent[agent] ?? EMPTY;
  // What was known stays on screen; only a first load that failed shows as failed.
  if (entry.state === 'ready') return byAgent;
  return put(byAgent, agent, { ...entry, state: 'failed', error });
}

/**
 * A snapshot a call returned (create, update). The pushed list follows, but not always (Incus
 * sends no event for a comment-only change), so the reply is applied too. `previousName` is
 * its name before a rename.
 */
export function upsertSnapshot(byAgent: SnapshotsByAgent, snapshot: Snapshot, previousName?: string): SnapshotsByAgent {
  const entry = byAgent[snapshot.agent];
  if (!entry) return byAgent;
  const rest = entry.snapshots.filter((s) => s.name !== snapshot.name && s.name !== previousName);
  return put(byAgent, snapshot.agent, { ...entry, snapshots: sortSnapshots([...rest, snapshot]) });
}

export function removeSnapshot(byAgent: SnapshotsByAgent, agent: string, name: string): SnapshotsByAgent {
  const entry = byAgent[agent];
  if (!entry || !entry.snapshots.some((s) => s.name === name)) return byAgent;
  return put(byAgent, agent, { ...entry, snapshots: entry.snapshots.filter((s) => s.name !== name) });
}

export function forgetAgent(byAgent: SnapshotsByAgent, agent: string): SnapshotsByAgent {
  if (!(agent in byAgent)) return byAgent;
  const { [agent]: _gone, ...rest } = byAgent;
  return rest;
}

interface SnapshotsState {
  byAgent: SnapshotsByAgent;
  apply(change: SnapshotsChange): void;
  /** Returns the event count to hand back with the reply. */
  beginLoad(agent: string): number;
  finishLoad(agent: string, snapshots: Snapshot[], eventsAtCall: number): void;
  failLoad(agent: string, error: string): void;
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
    set((state) => ({ byAgent: beginSnapshotsLoad(state.byAgent, agent) }));
    return get().byAgent[agent]?.events ?? 0;
  },
  finishLoad(agent, snapshots, eventsAtCall) {
    set((state) => ({ byAgent: receiveSnapshotsList(state.byAgent, agent, snapshots, eventsAtCall) }));
  },
  failLoad(agent, error) {
    set((state) => ({ byAgent: snapshotsLoadFailed(state.byAgent, agent, error) }));
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
