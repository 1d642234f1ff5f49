import { create } from 'zustand';

interface AttachWorkspaceState {
  /** The agent "Add a project…" is open for, if any (one at a time, for the whole window). */
  agent: string | null;
  /** Opens the dialog for an agent that has no project yet (the agent view's and card's "Add a project…"). */
  open(agent: string): void;
  close(): void;
}

export const useAttachWorkspace = create<AttachWorkspaceState>()((set) => ({
  agent: null,
  open(agent) {
    set({ agent });
  },
  close() {
    set({ agent: null });
  },
}));
