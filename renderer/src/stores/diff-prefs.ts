import { create } from 'zustand';

export type DiffLayout = 'split' | 'unified';

/** The diff layout is a preference: it lasts across windows and restarts (localStorage, like the theme). */
const KEY = 'enclave.diff.layout';

export function parseDiffLayout(value: unknown): DiffLayout {
  return value === 'unified' ? 'unified' : 'split';
}

function saved(): DiffLayout {
  try {
    return parseDiffLayout(localStorage.getItem(KEY));
  } catch {
    return 'split'; // no storage (tests, a locked-down browser)
  }
}

interface DiffPrefsState {
  layout: DiffLayout;
  /** The agent view widened for reading diffs (this window only). */
  wide: boolean;
  setLayout(layout: DiffLayout): void;
  setWide(wide: boolean): void;
}

export const useDiffPrefs = create<DiffPrefsState>()((set) => ({
  layout: saved(),
  wide: false,
  setWide(wide) {
    set({ wide });
  },
  setLayout(layout) {
    try {
      localStorage.setItem(KEY, layout);
    } catch {
      // as above: the choice then lasts for this window only
    }
    set({ layout });
  },
}));
