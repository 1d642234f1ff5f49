/** What the guards need of a webContents (Electron's WebContents satisfies it). */
export interface GuardedContents {
  getType(): string;
  getURL(): string;
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Applied to every webContents the app ever creates (app 'web-contents-created'): no
 * navigation away from what it shows, no new windows, no <webview>. An http(s) link a page
 * tried to open or navigate to is handed to `openExternal` (which asks the user for new hosts).
 */
export function guardWebContents(contents: GuardedContents, opts: { openExternal(url: string): void }): void {
  throw new Error(`not implemented: ${contents.getType()} ${typeof opts}`);
}
