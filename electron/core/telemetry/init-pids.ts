import type { Agent } from '../../../shared/types.js';

/** How soon a failed or stale lookup may be made again. */
export const PID_RETRY_MS = 5_000;

interface Entry {
  /** The agent's status and last start it was looked up for. */
  key: string;
  pid: number | null;
  pending: boolean;
  /** When a new lookup may be made for the same key (after a failure or a stale pid). */
  retryAt: number;
}

/**
 * Agents' init pids as Incus reports them (the instance state's `pid`), never from a file in
 * the container: its cgroup.procs is the agent's to write, so a pid from it could be any
 * process the agent chose (another mount or network namespace, other counters). One state
 * call per start: the pid is cached under the agent's status and last start time, and looked
 * up again when those change, or (at most every PID_RETRY_MS) when it proves stale.
 */
export class InitPids {
  private readonly known = new Map<string, Entry>();

  constructor(private readonly lookup: (name: string) => Promise<number>) {}

  /** The pid when known; otherwise null, with a lookup started when one is due. */
  get(agent: Agent, now = Date.now()): number | null {
    const key = `${agent.status} ${agent.lastStartedAt ?? ''}`;
    const known = this.known.get(agent.name);
    if (known && known.key === key && (known.pid !== null || known.pending || now < known.retryAt)) return known.pid;
    const entry: Entry = { key, pid: null, pending: true, retryAt: now + PID_RETRY_MS };
    this.known.set(agent.name, entry);
    void this.lookup(agent.name)
      .then((pid) => {
        if (this.known.get(agent.name) === entry && Number.isInteger(pid) && pid > 0) entry.pid = pid;
      })
      .catch(() => undefined) // Gone or unreachable: tried again once the retry is due.
      .finally(() => {
        entry.pending = false;
        entry.retryAt = Date.now() + PID_RETRY_MS;
      });
    return null;
  }

  /** Whether a lookup for the agent is under way. */
  pending(name: string): boolean {
    return this.known.get(name)?.pending ?? false;
  }

  /** The pid no longer answers (the agent restarted behind Enclave's back): look it up again soon. */
  stale(name: string, pid: number): void {
    const known = this.known.get(name);
    if (known?.pid === pid) known.pid = null;
  }

  forget(name: string): void {
    this.known.delete(name);
  }
}
