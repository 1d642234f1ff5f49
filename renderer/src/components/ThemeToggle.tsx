import { themeControlWords } from '../lib/theme.js';
import { useEffectiveTheme, useTheme } from '../stores/theme.js';
import { MoonIcon, SunIcon, SystemThemeIcon } from './HeaderIcons.js';

/**
 * The theme: following the system (a half-filled disc), light (a sun) or dark (a moon). Each
 * click takes the next of the three (lib/theme.ts); its name and tooltip say which.
 */
export function ThemeToggle() {
  const theme = useEffectiveTheme();
  const choice = useTheme((state) => state.choice);
  const systemDark = useTheme((state) => state.systemDark);
  const cycle = useTheme((state) => state.cycle);
  const words = themeControlWords(choice, systemDark);
  return (
    <button
      type="button"
      className="button header-button header-square theme-toggle"
      data-testid="theme-toggle"
      data-theme-now={theme}
      data-theme-choice={choice ?? 'system'}
      aria-label={words.name}
      title={words.title}
      onClick={cycle}
    >
      {choice === null ? <SystemThemeIcon /> : choice === 'dark' ? <MoonIcon /> : <SunIcon />}
    </button>
  );
}
