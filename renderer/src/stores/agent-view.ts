import { create } from 'zustand';

/** The clone dialog's subject: an agent, and one of its snapshots or (null) its live state. */
export interface CloneSource {
  source: string;
  snapshot: string | null;
}

interface AgentViewState {
  /** The agent whose full timeline is open, if any. */
  open: string | null;
  /** The snapshot selected on the timeline and in the list. */
  selected: string | null;
  cloning: CloneSource | null;
  openView(agent: string, selected?: string | null): void;
  closeView(): void;
  select(snapshot: string | null): void;
  openClone(source: CloneSource): void;
  closeClone(): void;
}

export const useAgentView = create<AgentViewState>()((set) => ({
  open: null,
  selected: null,
  cloning: null,
  openView(agent, selected = null) {
    set({ open: agent, selected });
  },
  closeView() {
    set({ open: null, selected: null });
  },
  select(selected) {
    set({ selected });
  },
  openClone(cloning) {
    set({ cloning });
  },
  closeClone() {
    set({ cloning: null });
  },
}));
