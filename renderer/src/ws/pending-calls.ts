import type { Reply } from '../../../shared/api.js';
import type { ErrorInfo } from '../../../shared/types.js';

/** Calls sent and awaiting their reply, keyed by the id carried in the call frame. */
export class PendingCalls {
  private nextId = 1;
  private readonly calls = new Map<number, (reply: Reply) => void>();

  get size(): number {
    return this.calls.size;
  }

  /** Reserves an id; the promise resolves with the reply `settle` receives for that id. */
  open(): { id: number; reply: Promise<Reply> } {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => {
      this.calls.set(id, resolve);
    });
    return { id, reply };
  }

  /** Returns false when no call waits for this id (a late or unknown reply). */
  settle(id: number, reply: Reply): boolean {
    const resolve = this.calls.get(id);
    if (!resolve) return false;
    this.calls.delete(id);
    resolve(reply);
    return true;
  }

  /** Answers every waiting call with the same error and forgets them. */
  failAll(error: ErrorInfo): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const resolve of calls) resolve({ ok: false, error });
  }
}
