import type { Agent } from '../../shared/types.js';

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

export const QUIT_TIMEOUT_MS = 5000;

/**
 * The app quits cleanly: the backend stops (within the timeout, never hanging the quit) and
 * every agent keeps running in Incus, which the user is told.
 *
 * The first `before-quit` is held back while that happens, then `app.quit()` is called again;
 * that second one passes. A quit asked for meanwhile (a second Ctrl+Q) waits for the first.
 */
export function cleanQuit(app: QuittingApp, opts: CleanQuitOptions): void {
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    // Counted before the stop: a stopped backend holds no agents any more.
    const running = attempt(() => opts.runningAgents(), null);
    void bounded(opts.stop, opts.timeoutMs ?? QUIT_TIMEOUT_MS).then((outcome) => {
      if (outcome !== 'stopped') console.warn(`Enclave: the backend did not stop cleanly (${outcome}); quitting anyway.`);
      attempt(() => opts.say(quitMessage(running)), undefined);
      phase = 'stopped';
      app.quit();
    });
  });
}

/** The agents Enclave holds that are running now (for `runningAgents`). */
export function runningAgentCount(agents: readonly Pick<Agent, 'status'>[]): number {
  return agents.filter((a) => a.status === 'Running').length;
}

/** The words said on quit; null: the count could not be read. */
export function quitMessage(running: number | null): string {
  if (running === null) return 'Enclave has quit. Its agents keep running in Incus; open Enclave to see them again.';
  if (running <= 0) return 'Enclave has quit. No agent was running.';
  if (running === 1) return 'Enclave has quit. 1 agent keeps running in Incus, with its terminal sessions; open Enclave to see it again.';
  return `Enclave has quit. ${running} agents keep running in Incus, with their terminal sessions; open Enclave to see them again.`;
}

/** Resolves, never rejects: whether `stop` finished, failed, or ran out of time. */
function bounded(stop: () => Promise<void>, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`no answer after ${timeoutMs} ms`), timeoutMs);
    const done = (outcome: string) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    Promise.resolve()
      .then(stop)
      .then(
        () => done('stopped'),
        (err: unknown) => done(`failed: ${String(err)}`),
      );
  });
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    console.warn(`Enclave: ${String(err)}`);
    return fallback;
  }
}
