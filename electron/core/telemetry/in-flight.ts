/**
 * At most one call of a kind under way: a slow or hung server gets no second request piled on
 * the first, and the caller (a timer tick) never waits for it.
 */
export class InFlight {
  private running = false;

  get busy(): boolean {
    return this.running;
  }

  /** Starts `work` unless one is still running (false then). Its failure is swallowed: the next start retries. */
  start(work: () => Promise<unknown>): boolean {
    if (this.running) return false;
    this.running = true;
    void (async () => {
      try {
        await work();
      } catch {
        // The next due round tries again; the connection notices a lost daemon by itself.
      } finally {
        this.running = false;
      }
    })();
    return true;
  }
}
