import { create } from 'zustand';
import type { MissingImage } from '../../../shared/types.js';

export type MainView = 'agents' | 'images';

interface ViewState {
  view: MainView;
  /** A build the images view opens its form with (a template's missing image). */
  buildPreset: MissingImage | null;
  show(view: MainView): void;
  /** Opens the images view with the build form filled in for a missing image. */
  buildFor(missing: MissingImage): void;
  clearPreset(): void;
}

export const useView = create<ViewState>()((set) => ({
  view: 'agents',
  buildPreset: null,
  show(view) {
    set({ view });
  },
  buildFor(missing) {
    set({ view: 'images', buildPreset: missing });
  },
  clearPreset() {
    set({ buildPreset: null });
  },
}));
