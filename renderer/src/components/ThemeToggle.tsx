import { useEffectiveTheme, useTheme } from '../stores/theme.js';
import { MoonIcon, SunIcon } from './HeaderIcons.js';

/** Shows the theme in use (a sun or a moon); its name and tooltip say what a click does. */
export function ThemeToggle() {
  const theme = useEffectiveTheme();
  const toggle = useTheme((state) => state.toggle);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="button header-button header-square theme-toggle"
      data-testid="theme-toggle"
      data-theme-now={theme}
      aria-label={`Switch to ${next} theme`}
      title={`${theme === 'dark' ? 'Dark' : 'Light'} theme. Switch to ${next} theme`}
      onClick={toggle}
    >
      {theme === 'dark' ? <MoonIcon /> : <SunIcon />}
    </button>
  );
}
