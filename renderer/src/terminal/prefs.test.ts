import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCK_HEIGHT, DEFAULT_FONT_SIZE, MAX_FONT_SIZE, MIN_FONT_SIZE, clampFontSize, parseDockHeight, parseFontSize } from './prefs.js';

describe('terminal prefs', () => {
  it('font size is clamped and defaults on junk', () => {
    expect(parseFontSize(null)).toBe(DEFAULT_FONT_SIZE);
    expect(parseFontSize('')).toBe(DEFAULT_FONT_SIZE);
    expect(parseFontSize('abc')).toBe(DEFAULT_FONT_SIZE);
    expect(parseFontSize('15')).toBe(15);
    expect(parseFontSize('2')).toBe(MIN_FONT_SIZE);
    expect(parseFontSize('400')).toBe(MAX_FONT_SIZE);
    expect(clampFontSize(12.6)).toBe(13);
  });

  it('dock height defaults when missing or too small', () => {
    expect(parseDockHeight(null)).toBe(DEFAULT_DOCK_HEIGHT);
    expect(parseDockHeight('20')).toBe(DEFAULT_DOCK_HEIGHT);
    expect(parseDockHeight('500')).toBe(500);
  });
});
