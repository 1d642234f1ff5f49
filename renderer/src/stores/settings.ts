import { create } from 'zustand';
import type { Settings } from '../../../shared/types.js';

interface SettingsState {
  /** Null until settings.get answers. */
  settings: Settings | null;
  loaded(settings: Settings): void;
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: null,
  loaded(settings) {
    set({ settings });
  },
}));
