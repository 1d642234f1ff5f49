import { describe, expect, it } from 'vitest';
import { parseDiffLayout, useDiffPrefs } from './diff-prefs.js';

describe('the diff layout preference', () => {
  it('reads only the two layouts, side by side otherwise', () => {
    expect(parseDiffLayout('unified')).toBe('unified');
    expect(parseDiffLayout('split')).toBe('split');
    expect(parseDiffLayout(null)).toBe('split');
    expect(parseDiffLayout('sideways')).toBe('split');
  });

  it('changes for this window even where storage is unavailable', () => {
    useDiffPrefs.getState().setLayout('unified');
    expect(useDiffPrefs.getState().layout).toBe('unified');
  });
});
