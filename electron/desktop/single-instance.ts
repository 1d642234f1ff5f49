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
  throw new Error(`not implemented ${typeof app} ${typeof focus}`);
}
