import { create } from 'zustand';
import { type TerminalLayout, touchRecent } from '../terminal/layout.js';
import { DEFAULT_FONT_SIZE, MIN_DOCK_HEIGHT, clampFontSize, loadPrefs, savePref } from '../terminal/prefs.js';

/** This window's view of the terminals: which is active, how they are laid out, font size. */
interface TerminalUiState {
  active: string | null;
  /** Most recently activated first (split shows the two most recent). */
  recent: readonly string[];
  layout: TerminalLayout;
  fontSize: number;
  allowOsc52: boolean;
  screenReaderMode: boolean;
  dockHeight: number;
  maximized: boolean;
  /** Only the tab bar shows. */
  collapsed: boolean;
  /** Terminals that printed something while not on screen. */
  activity: Readonly<Record<string, true>>;
  /** Bumped to ask the active terminal to take keyboard focus. */
  focusRequest: number;
  activate(id: string, focus?: boolean): void;
  setLayout(layout: TerminalLayout): void;
  zoom(step: 1 | -1 | 0): void;
  setAllowOsc52(allowed: boolean): void;
  setScreenReaderMode(on: boolean): void;
  setDockHeight(height: number, persist?: boolean): void;
  setMaximized(maximized: boolean): void;
  setCollapsed(collapsed: boolean): void;
  markActivity(id: string): void;
  clearActivity(id: string): void;
  forget(id: string): void;
}

const prefs = loadPrefs();

/**
 * The active tab survives a reload of this window (sessionStorage is per window): the tab
 * the user was in comes back, not whichever session happens to be listed first.
 */
const ACTIVE_KEY = 'enclave.terminal.active';
function savedActive(): string | null {
  try {
    return sessionStorage.getItem(ACTIVE_KEY);
  } catch {
    return null; // no storage (tests, a locked-down browser): nothing to restore
  }
}
function saveActive(id: string | null): void {
  try {
    if (id) sessionStorage.setItem(ACTIVE_KEY, id);
    else sessionStorage.removeItem(ACTIVE_KEY);
  } catch {
    // as above
  }
}

export const useTerminalUi = create<TerminalUiState>()((set, get) => ({
  active: savedActive(),
  recent: [],
  layout: prefs.layout,
  fontSize: prefs.fontSize,
  allowOsc52: prefs.allowOsc52,
  screenReaderMode: prefs.screenReaderMode,
  dockHeight: prefs.dockHeight,
  maximized: false,
  collapsed: false,
  activity: {},
  focusRequest: 0,
  activate(id, focus = true) {
    saveActive(id);
    set((state) => {
      const { [id]: _seen, ...activity } = state.activity;
      return {
        active: id,
        recent: touchRecent(state.recent, id),
        collapsed: false,
        activity,
        focusRequest: focus ? state.focusRequest + 1 : state.focusRequest,
      };
    });
  },
  setLayout(layout) {
    savePref('layout', layout);
    set((state) => ({ layout, collapsed: false, focusRequest: state.focusRequest + 1 }));
  },
  zoom(step) {
    const fontSize = step === 0 ? DEFAULT_FONT_SIZE : clampFontSize(get().fontSize + step);
    savePref('fontSize', fontSize);
    set({ fontSize });
  },
  setAllowOsc52(allowOsc52) {
    savePref('allowOsc52', allowOsc52);
    set({ allowOsc52 });
  },
  setScreenReaderMode(screenReaderMode) {
    savePref('screenReaderMode', screenReaderMode);
    set({ screenReaderMode });
  },
  setDockHeight(height, persist = true) {
    const dockHeight = Math.max(MIN_DOCK_HEIGHT, Math.round(height));
    if (persist) savePref('dockHeight', dockHeight);
    set({ dockHeight });
  },
  setMaximized(maximized) {
    set({ maximized, collapsed: false });
  },
  setCollapsed(collapsed) {
    set({ collapsed, maximized: collapsed ? false : get().maximized });
  },
  markActivity(id) {
    if (!get().activity[id]) set((state) => ({ activity: { ...state.activity, [id]: true } }));
  },
  clearActivity(id) {
    if (get().activity[id]) {
      set((state) => {
        const { [id]: _seen, ...activity } = state.activity;
        return { activity };
      });
    }
  },
  forget(id) {
    if (get().active === id) saveActive(null);
    set((state) => {
      const { [id]: _seen, ...activity } = state.activity;
      return {
        active: state.active === id ? null : state.active,
        recent: state.recent.filter((other) => other !== id),
        activity,
      };
    });
  },
}));
