import { parseLayout, type TerminalLayout } from './layout.js';

/** Terminal preferences kept in localStorage (UI state only; sessions live in the backend). */
export const PREF_KEYS = {
  layout: 'enclave.terminal.layout',
  fontSize: 'enclave.terminal.fontSize',
  allowOsc52: 'enclave.terminal.allowOsc52',
  dockHeight: 'enclave.terminal.dockHeight',
  screenReaderMode: 'enclave.terminal.screenReaderMode',
} as const;

export const DEFAULT_FONT_SIZE = 13;
export const MIN_FONT_SIZE = 8;
export const MAX_FONT_SIZE = 32;
export const DEFAULT_DOCK_HEIGHT = 360;
export const MIN_DOCK_HEIGHT = 140;

export function clampFontSize(size: number): number {
  if (!Number.isFinite(size)) return DEFAULT_FONT_SIZE;
  return Math.min(MAX_FONT_SIZE, Math.max(MIN_FONT_SIZE, Math.round(size)));
}

export function parseFontSize(value: string | null): number {
  if (value === null || value.trim() === '') return DEFAULT_FONT_SIZE;
  return clampFontSize(Number(value));
}

export function parseDockHeight(value: string | null): number {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= MIN_DOCK_HEIGHT ? Math.round(n) : DEFAULT_DOCK_HEIGHT;
}

export interface TerminalPrefs {
  layout: TerminalLayout;
  fontSize: number;
  /** OSC 52: programs may write (never read) the clipboard. Off unless the user turns it on. */
  allowOsc52: boolean;
  dockHeight: number;
  /** xterm's screen reader mode: the terminal's text as DOM rows and a live region. Off by default (it costs with heavy output). */
  screenReaderMode: boolean;
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function loadPrefs(): TerminalPrefs {
  return {
    layout: parseLayout(read(PREF_KEYS.layout)) ?? 'single',
    fontSize: parseFontSize(read(PREF_KEYS.fontSize)),
    allowOsc52: read(PREF_KEYS.allowOsc52) === 'true',
    dockHeight: parseDockHeight(read(PREF_KEYS.dockHeight)),
    screenReaderMode: read(PREF_KEYS.screenReaderMode) === 'true',
  };
}

export function savePref<K extends keyof TerminalPrefs>(key: K, value: TerminalPrefs[K]): void {
  try {
    localStorage.setItem(PREF_KEYS[key], String(value));
  } catch {
    // Storage can be unavailable (private mode); the preference then lasts for this window only.
  }
}
