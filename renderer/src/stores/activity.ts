import { create } from 'zustand';
import type { ActivityEntry, ActivityKind } from '../../../shared/types.js';

/** Entries kept per agent in this window. */
export const ACTIVITY_LIMIT = 500;

export type ActivityByAgent = Readonly<Record<string, readonly ActivityEntry[]>>;

/** Oldest first, ties by id; no duplicate ids; only the newest `limit`. */
export function mergeActivity(
  current: readonly ActivityEntry[],
  incoming: readonly ActivityEntry[],
  limit = ACTIVITY_LIMIT,
): ActivityEntry[] {
  const byId = new Map<string, ActivityEntry>();
  for (const entry of current) byId.set(entry.id, entry);
  for (const entry of incoming) byId.set(entry.id, entry);
  const all = [...byId.values()].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  return all.length > limit ? all.slice(all.length - limit) : all;
}

/** The entries of the given kinds (all when the set is empty), newest first for display. */
export function filterActivity(entries: readonly ActivityEntry[], kinds: ReadonlySet<ActivityKind>): ActivityEntry[] {
  const shown = kinds.size === 0 ? [...entries] : entries.filter((e) => kinds.has(e.kind));
  return shown.reverse();
}

interface ActivityState {
  byAgent: ActivityByAgent;
  /** A pushed entry; kept only for agents whose log was loaded (others load it when opened). */
  add(entry: ActivityEntry): void;
  loaded(agent: string, entries: readonly ActivityEntry[]): void;
  forget(agent: string): void;
}

export const useActivity = create<ActivityState>()((set) => ({
  byAgent: {},
  add(entry) {
    set((state) => {
      const current = state.byAgent[entry.agent];
      if (!current) return state;
      return { byAgent: { ...state.byAgent, [entry.agent]: mergeActivity(current, [entry]) } };
    });
  },
  loaded(agent, entries) {
    set((state) => ({ byAgent: { ...state.byAgent, [agent]: mergeActivity(state.byAgent[agent] ?? [], entries) } }));
  },
  forget(agent) {
    set((state) => {
      if (!(agent in state.byAgent)) return state;
      const { [agent]: _gone, ...rest } = state.byAgent;
      return { byAgent: rest };
    });
  },
}));
