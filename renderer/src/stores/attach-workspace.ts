import { create } from 'zustand';

/**
 * The seam to the dialog that brings a project into an existing agent (workspace.attach):
 * the Changes panel asks for it with openAttachWorkspace(agent); the dialog renders while
 * `agent` is set and calls close() when done.
 */
interface AttachWorkspaceState {
  agent: string | null;
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

export function openAttachWorkspace(agent: string): void {
  useAttachWorkspace.getState().open(agent);
}
