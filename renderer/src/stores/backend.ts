import { create } from 'zustand';
import type { LinkState } from '../ws/link.js';

interface BackendState {
  link: LinkState;
  /** Distinguishes "lost the backend" from "never reached it". */
  everConnected: boolean;
  setLink(link: LinkState): void;
}

export const useBackend = create<BackendState>()((set) => ({
  link: 'connecting',
  everConnected: false,
  setLink(link) {
    set((state) => ({ link, everConnected: state.everConnected || link === 'connected' }));
  },
}));
