import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../lib/theme.js';

/** Search highlights; the addon wants #RRGGBB. */
export interface SearchColors {
  matchBackground: string;
  matchOverviewRuler: string;
  activeMatchBackground: string;
  activeMatchColorOverviewRuler: string;
}

/** Light and dark terminal themes in step with styles.css (same accent, surfaces and text). */
export const TERMINAL_THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#101217',
    foreground: '#e5e8ee',
    cursor: '#a5b4fc',
    cursorAccent: '#101217',
    selectionBackground: 'rgba(124, 131, 246, 0.38)',
    selectionInactiveBackground: 'rgba(124, 131, 246, 0.2)',
    scrollbarSliderBackground: 'rgba(152, 162, 178, 0.22)',
    scrollbarSliderHoverBackground: 'rgba(152, 162, 178, 0.36)',
    scrollbarSliderActiveBackground: 'rgba(152, 162, 178, 0.5)',
    overviewRulerBorder: '#292e38',
    black: '#484f58',
    red: '#ff7b72',
    green: '#3fb950',
    yellow: '#d29922',
    blue: '#58a6ff',
    magenta: '#bc8cff',
    cyan: '#39c5cf',
    white: '#b1bac4',
    brightBlack: '#6e7681',
    brightRed: '#ffa198',
    brightGreen: '#56d364',
    brightYellow: '#e3b341',
    brightBlue: '#79c0ff',
    brightMagenta: '#d2a8ff',
    brightCyan: '#56d4dd',
    brightWhite: '#f0f3f6',
  },
  light: {
    background: '#ffffff',
    foreground: '#1a1e24',
    cursor: '#4f46e5',
    cursorAccent: '#ffffff',
    selectionBackground: 'rgba(79, 70, 229, 0.22)',
    selectionInactiveBackground: 'rgba(79, 70, 229, 0.12)',
    scrollbarSliderBackground: 'rgba(93, 104, 119, 0.22)',
    scrollbarSliderHoverBackground: 'rgba(93, 104, 119, 0.36)',
    scrollbarSliderActiveBackground: 'rgba(93, 104, 119, 0.5)',
    overviewRulerBorder: '#e1e4e9',
    black: '#24292f',
    red: '#cf222e',
    green: '#116329',
    yellow: '#7d4e00',
    blue: '#0969da',
    magenta: '#8250df',
    cyan: '#1b7c83',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#1a7f37',
    brightYellow: '#633c01',
    brightBlue: '#218bff',
    brightMagenta: '#a475f9',
    brightCyan: '#3192aa',
    brightWhite: '#8c959f',
  },
};

export const SEARCH_COLORS: Record<Theme, SearchColors> = {
  dark: {
    matchBackground: '#3a3f1f',
    matchOverviewRuler: '#d29922',
    activeMatchBackground: '#6b5a12',
    activeMatchColorOverviewRuler: '#e3b341',
  },
  light: {
    matchBackground: '#fff1b8',
    matchOverviewRuler: '#d4a72c',
    activeMatchBackground: '#ffd33d',
    activeMatchColorOverviewRuler: '#bf8700',
  },
};
