/** What a clean quit needs of Electron's app. */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface CleanQuitOptions {
  /** Stops the backend (streams, timers); bounded by `timeoutMs`. */
  stop(): Promise<void>;
  /** How many agents are running now, on every server Enclave knows (from what it holds). */
  runningAgents(): number;
  /** Says so: a line on stdout and, where the OS has them, a notification. */
  say(message: string): void;
  timeoutMs?: number;
}

/**
 * The app quits cleanly: the backend stops (within the timeout, never hanging the quit) and
 * every agent keeps running in Incus, which the user is told.
 */
export function cleanQuit(app: QuittingApp, opts: CleanQuitOptions): void {
  throw new Error(`not implemented ${typeof app} ${typeof opts}`);
}

/** The words said on quit. */
export function quitMessage(running: number): string {
  throw new Error(`not implemented ${running}`);
}
