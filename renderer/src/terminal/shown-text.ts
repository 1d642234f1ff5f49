/** How much text a terminal keeps of what it showed before a rollback. */
export const KEPT_TEXT_CHARS = 200_000;

/**
 * Written after the old screen was read: back to the normal buffer, cleared with its
 * scrollback, so the new session starts on a blank terminal (tmux redraws it anyway).
 */
export const FRESH_SCREEN = '\x1b[?1049l\x1b[H\x1b[2J\x1b[3J';

/** What shownText reads of an xterm buffer. */
export interface ShownBuffer {
  type: string;
  length: number;
  getLine(y: number): { translateToString(trimRight: boolean, startColumn: number, endColumn: number): string } | undefined;
}

/**
 * The text a terminal shows: the screen of the alternate buffer (tmux draws there, with no
 * scrollback), else the normal buffer with its scrollback; blank lines around it dropped, and
 * at most `maxChars` (the newest kept).
 */
export function shownText(buffer: ShownBuffer, size: { cols: number; rows: number }, maxChars = KEPT_TEXT_CHARS): string {
  const from = buffer.type === 'alternate' ? Math.max(0, buffer.length - size.rows) : 0;
  const lines: string[] = [];
  // Up to the terminal's width: a line can hold cells from when the terminal was wider.
  for (let y = from; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true, 0, size.cols) ?? '');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  const text = lines.join('\n');
  return text.length > maxChars ? text.slice(text.length - maxChars) : text;
}
