import { describe, expect, it } from 'vitest';
import { type KeyLike, shortcutFor } from './keys.js';

function key(k: string, mods: Partial<Omit<KeyLike, 'key'>> = {}): KeyLike {
  return { key: k, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods };
}

describe('shortcutFor (Linux/Windows)', () => {
  it.each([
    [key('C', { ctrlKey: true, shiftKey: true }), 'copy'],
    [key('V', { ctrlKey: true, shiftKey: true }), 'paste'],
    [key('F', { ctrlKey: true, shiftKey: true }), 'find'],
    [key('=', { ctrlKey: true }), 'zoom-in'],
    [key('+', { ctrlKey: true, shiftKey: true }), 'zoom-in'],
    [key('-', { ctrlKey: true }), 'zoom-out'],
    [key('0', { ctrlKey: true }), 'zoom-reset'],
  ])('%j → %s', (event, action) => {
    expect(shortcutFor(event, false)).toBe(action);
  });

  it.each([
    key('c', { ctrlKey: true }),
    key('v', { ctrlKey: true }),
    key('f', { ctrlKey: true }),
    key('d', { ctrlKey: true }),
    key('c'),
    key('C', { shiftKey: true }),
    key('C', { ctrlKey: true, shiftKey: true, altKey: true }),
    key('c', { metaKey: true }),
    key('ArrowUp', { ctrlKey: true }),
  ])('leaves %j to the program', (event) => {
    expect(shortcutFor(event, false)).toBeNull();
  });
});

describe('shortcutFor (macOS)', () => {
  it('uses Cmd, and leaves Ctrl+C to the program', () => {
    expect(shortcutFor(key('c', { metaKey: true }), true)).toBe('copy');
    expect(shortcutFor(key('v', { metaKey: true }), true)).toBe('paste');
    expect(shortcutFor(key('f', { metaKey: true }), true)).toBe('find');
    expect(shortcutFor(key('=', { metaKey: true }), true)).toBe('zoom-in');
    expect(shortcutFor(key('c', { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key('C', { ctrlKey: true, shiftKey: true }), true)).toBeNull();
  });
});
