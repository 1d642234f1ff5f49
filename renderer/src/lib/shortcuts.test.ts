import { describe, expect, it } from 'vitest';
import { isSnapshotShortcut } from './shortcuts.js';

const key = (over: Partial<Parameters<typeof isSnapshotShortcut>[0]>) => ({
  key: 'S',
  ctrlKey: false,
  shiftKey: true,
  altKey: false,
  metaKey: false,
  ...over,
});

describe('isSnapshotShortcut', () => {
  it('is Ctrl+Shift+S on Linux and Windows', () => {
    expect(isSnapshotShortcut(key({ ctrlKey: true }), false)).toBe(true);
    expect(isSnapshotShortcut(key({ ctrlKey: true, shiftKey: false, key: 's' }), false)).toBe(false);
    expect(isSnapshotShortcut(key({ metaKey: true }), false)).toBe(false);
    expect(isSnapshotShortcut(key({ ctrlKey: true, altKey: true }), false)).toBe(false);
  });

  it('is Cmd+Shift+S on macOS', () => {
    expect(isSnapshotShortcut(key({ metaKey: true }), true)).toBe(true);
    expect(isSnapshotShortcut(key({ ctrlKey: true }), true)).toBe(false);
  });

  it('follows the physical key when a layout reports another character', () => {
    expect(isSnapshotShortcut(key({ ctrlKey: true, key: 'Σ', code: 'KeyS' }), false)).toBe(true);
  });
});
