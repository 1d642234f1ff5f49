/** What bringing a window to the front needs of a BrowserWindow. */
export interface ForwardWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * Shows the window in front of the others, restored if it was minimized; false when there is
 * none (a second start before the first window exists, a notification clicked after it closed).
 */
export function bringForward(win: ForwardWindow | undefined | null): boolean {
  if (!win || win.isDestroyed()) return false;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return true;
}
