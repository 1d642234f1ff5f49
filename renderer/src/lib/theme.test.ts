import { describe, expect, it } from 'vitest';
import { effectiveTheme, nextThemeChoice, parseTheme, themeControlWords, type Theme } from './theme.js';

/** The choices a run of clicks goes through, from following the system. */
function cycle(systemDark: boolean, clicks: number): (Theme | null)[] {
  const seen: (Theme | null)[] = [null];
  for (let i = 0; i < clicks; i++) seen.push(nextThemeChoice(seen.at(-1) ?? null, systemDark));
  return seen;
}

describe('theme choice', () => {
  it('follows the system unless a theme was saved', () => {
    expect(parseTheme(null)).toBeNull();
    expect(parseTheme('system')).toBeNull();
    expect(parseTheme('dark')).toBe('dark');
    expect(effectiveTheme(null, true)).toBe('dark');
    expect(effectiveTheme(null, false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
  });

  it('cycles System, the other theme, the system’s theme, and back to System', () => {
    expect(cycle(false, 3)).toEqual([null, 'dark', 'light', null]);
    expect(cycle(true, 3)).toEqual([null, 'light', 'dark', null]);
  });

  it('changes what the window looks like on each of the first two clicks', () => {
    for (const systemDark of [false, true]) {
      const looks = cycle(systemDark, 2).map((c) => effectiveTheme(c, systemDark));
      expect(looks[1]).not.toBe(looks[0]);
      expect(looks[2]).not.toBe(looks[1]);
    }
  });

  it('names what a click does, and says when the system chose the theme', () => {
    expect(themeControlWords(null, false)).toEqual({ name: 'Switch to dark theme', title: 'Theme follows the system (light now). Switch to dark theme' });
    expect(themeControlWords('dark', false)).toEqual({ name: 'Switch to light theme', title: 'Dark theme. Switch to light theme' });
    expect(themeControlWords('light', false)).toEqual({ name: 'Follow the system theme', title: 'Light theme. Follow the system theme' });
    expect(themeControlWords('light', true)).toEqual({ name: 'Switch to dark theme', title: 'Light theme. Switch to dark theme' });
  });
});
