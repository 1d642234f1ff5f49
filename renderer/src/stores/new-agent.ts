import { create } from 'zustand';

/** Whether the new-agent wizard is open: the header, the empty grid and the desktop menu open it. */
interface NewAgentState {
  open: boolean;
  show(): void;
  close(): void;
}

export const useNewAgent = create<NewAgentState>()((set) => ({
  open: false,
  show() {
    set({ open: true });
  },
  close() {
    set({ open: false });
  },
}));
