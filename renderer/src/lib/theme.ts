export type Theme = 'light' | 'dark';

export const THEME_KEY = 'enclave.theme';

/** The saved choice; null (nothing saved, or not ours) means following the system. */
export function parseTheme(value: string | null): Theme | null {
  return value === 'light' || value === 'dark' ? value : null;
}

/** The user's saved choice wins; without one the system preference decides. */
export function effectiveTheme(choice: Theme | null, systemDark: boolean): Theme {
  return choice ?? (systemDark ? 'dark' : 'light');
}

/**
 * The header control's cycle: System → the other theme than the system's → the system's own
 * theme, chosen → System again. The first two clicks always change what the window looks like,
 * and every choice, following the system included, is one to three clicks away.
 */
export function nextThemeChoice(choice: Theme | null, systemDark: boolean): Theme | null {
  const system: Theme = systemDark ? 'dark' : 'light';
  if (choice === null) return system === 'dark' ? 'light' : 'dark';
  return choice === system ? null : system;
}

/** What the control says: the theme now (and whether the system chose it), and what a click does. */
export function themeControlWords(choice: Theme | null, systemDark: boolean): { name: string; title: string } {
  const now = effectiveTheme(choice, systemDark);
  const next = nextThemeChoice(choice, systemDark);
  const name = next === null ? 'Follow the system theme' : `Switch to ${next} theme`;
  const state = choice === null ? `Theme follows the system (${now} now)` : `${now === 'dark' ? 'Dark' : 'Light'} theme`;
  return { name, title: `${state}. ${name}` };
}
