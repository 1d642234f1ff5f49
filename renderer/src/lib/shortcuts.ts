import type { KeyLike } from '../terminal/keys.js';

/** Ctrl+Shift+S (Cmd+Shift+S on macOS): snapshot the agent in view or the focused card. */
export function isSnapshotShortcut(event: KeyLike & { code?: string }, isMac: boolean): boolean {
  if (event.altKey || !event.shiftKey) return false;
  const primary = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!primary) return false;
  return event.key.toLowerCase() === 's' || event.code === 'KeyS';
}

export function snapshotShortcutLabel(isMac: boolean): string {
  return isMac ? '⇧⌘S' : 'Ctrl+Shift+S';
}
