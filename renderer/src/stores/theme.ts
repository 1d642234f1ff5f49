import { create } from 'zustand';
import { effectiveTheme, parseTheme, THEME_KEY, type Theme } from '../lib/theme.js';

function savedChoice(): Theme | null {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return null;
  }
}

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

interface ThemeState {
  choice: Theme | null;
  systemDark: boolean;
  toggle(): void;
}

export const useTheme = create<ThemeState>()((set, get) => ({
  choice: savedChoice(),
  systemDark: darkQuery.matches,
  toggle() {
    const { choice, systemDark } = get();
    const next: Theme = effectiveTheme(choice, systemDark) === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this window only.
    }
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
