/** Keyboard shortcuts the terminal keeps for itself; everything else goes to the program. */
export type TerminalShortcut = 'copy' | 'paste' | 'find' | 'zoom-in' | 'zoom-out' | 'zoom-reset';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/**
 * Ctrl+Shift+C / V / F copy, paste and find (Cmd+C / V / F on macOS); Ctrl (Cmd) with = + - 0
 * zooms. Plain Ctrl+C is not here: it must reach the program as ^C.
 */
export function shortcutFor(event: KeyLike, isMac: boolean): TerminalShortcut | null {
  if (event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const primary = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!primary) return null;

  const clipboardChord = isMac ? !event.shiftKey || key === 'f' : event.shiftKey;
  if (clipboardChord) {
    if (key === 'c') return 'copy';
    if (key === 'v') return 'paste';
    if (key === 'f') return 'find';
  }
  // Zoom: Ctrl+= and Ctrl++ (with or without Shift, as keyboards differ), Ctrl+- and Ctrl+_, Ctrl+0.
  if (key === '=' || key === '+') return 'zoom-in';
  if (key === '-' || key === '_') return 'zoom-out';
  if (key === '0' && !event.shiftKey) return 'zoom-reset';
  return null;
}
