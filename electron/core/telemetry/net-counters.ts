import { netDevTotals } from './cgroup-source.js';
import { TOO_BIG, readBounded } from './bounded-read.js';

/** The most of /proc/<pid>/net/dev read: about 400 interfaces. An agent with more is not counted. */
export const NET_DEV_MAX_BYTES = 64 * 1024;
/** How long an agent whose net/dev was too big goes before it is tried again. */
export const NET_OVERSIZE_RETRY_MS = 30_000;

interface State {
  rx: number;
  tx: number;
  pending: boolean;
  /** No read before this (after an oversized file). */
  nextAt: number;
}

/**
 * Network counters per agent from its init's /proc/<pid>/net/dev, read asynchronously and
 * bounded (NET_DEV_MAX_BYTES), off the sampler's synchronous round: `get` returns the last
 * counters read and starts the next read, so a sample carries the counters of the round
 * before. The file's size is the agent's choice (one line per interface): one too big is not
 * parsed, and the agent's last counters stand.
 */
export class NetCounters {
  private readonly states = new Map<string, State>();

  constructor(
    /** Told when a pid's file is gone (it exited: the agent restarted). */
    private readonly onGone: (name: string, pid: number) => void = () => undefined,
    private readonly procRoot = '/proc',
  ) {}

  get(name: string, pid: number, now = Date.now()): { rx: number; tx: number } {
    let state = this.states.get(name);
    if (!state) this.states.set(name, (state = { rx: 0, tx: 0, pending: false, nextAt: 0 }));
    if (!state.pending && now >= state.nextAt) {
      const s = state;
      s.pending = true;
      void readBounded(`${this.procRoot}/${pid}/net/dev`, NET_DEV_MAX_BYTES)
        .then((text) => {
          if (this.states.get(name) !== s) return;
          if (text === TOO_BIG) s.nextAt = Date.now() + NET_OVERSIZE_RETRY_MS;
          else if (text === null) this.onGone(name, pid);
          else Object.assign(s, netDevTotals(text));
        })
        .finally(() => (s.pending = false));
    }
    return { rx: state.rx, tx: state.tx };
  }

  forget(name: string): void {
    this.states.delete(name);
  }
}
