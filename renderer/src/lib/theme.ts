export type Theme = 'light' | 'dark';

export const THEME_KEY = 'enclave.theme';

export function parseTheme(value: string | null): Theme | null {
  return value === 'light' || value === 'dark' ? value : null;
}

/** The user's saved choice wins; without one the system preference decides. */
export function effectiveTheme(choice: Theme | null, systemDark: boolean): Theme {
  return choice ?? (systemDark ? 'dark' : 'light');
}
