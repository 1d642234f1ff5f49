/** What the lock needs of Electron's app. */
export interface LockingApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One Enclave per user: a second start focuses the running window (`focus`) and quits itself.
 * Returns false in the second instance, which must then do nothing more.
 */
export function claimSingleInstance(app: LockingApp, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    // Electron calls this from its own loop: a window gone mid-call must not throw there.
    try {
      focus();
    } catch (err) {
      console.warn(`Enclave: could not bring the window forward: ${String(err)}`);
    }
  });
  return true;
}
