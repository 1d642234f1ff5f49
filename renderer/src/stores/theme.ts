import { create } from 'zustand';
import { effectiveTheme, nextThemeChoice, parseTheme, THEME_KEY, type Theme } from '../lib/theme.js';

function savedChoice(): Theme | null {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return null;
  }
}

function saveChoice(choice: Theme | null): void {
  try {
    // Following the system is the default: nothing saved.
    if (choice === null) localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this window only.
  }
}

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

interface ThemeState {
  /** The user's choice; null: follow the system. */
  choice: Theme | null;
  systemDark: boolean;
  /** The header control's click: the next choice of its cycle (lib/theme.ts), saved. */
  cycle(): void;
}

export const useTheme = create<ThemeState>()((set, get) => ({
  choice: savedChoice(),
  systemDark: darkQuery.matches,
  cycle() {
    const { choice, systemDark } = get();
    const next = nextThemeChoice(choice, systemDark);
    saveChoice(next);
    set({ choice: next });
  },
}));

export function useEffectiveTheme(): Theme {
  return useTheme((state) => effectiveTheme(state.choice, state.systemDark));
}

/** Keeps `<html data-theme>` in step with the store and the system preference. */
export function applyThemeToDocument(): void {
  const apply = () => {
    const { choice, systemDark } = useTheme.getState();
    document.documentElement.dataset.theme = effectiveTheme(choice, systemDark);
  };
  darkQuery.addEventListener('change', (event) => useTheme.setState({ systemDark: event.matches }));
  useTheme.subscribe(apply);
  apply();
}
