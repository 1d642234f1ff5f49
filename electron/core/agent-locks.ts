import { EnclaveError } from '../../shared/errors.js';

interface Override {
  doing: string;
  /** Settles when this override has finished (either way). */
  done: Promise<void>;
}

/**
 * Who may act on an agent while something else does. Two kinds of action:
 *
 * - Ordinary actions (`run`: start, restart, snapshot, restore, clone, limits, schedule…) run
 *   one at a time per agent. A second one (a double click, a restore during a snapshot) is
 *   refused as `busy` with what is running, rather than interleaved with it. An ordinary
 *   action is also refused while an override runs.
 * - Overrides (`override`: stop, freeze, unfreeze, delete, and so the guard's auto-freeze) are
 *   how a user, or the guard, reins in an agent that misbehaves: they are never refused
 *   because an ordinary action runs, and never wait for one; they run beside it, and Incus
 *   orders the state changes. Two overrides on one agent run one after the other, in the
 *   order asked (a Stop clicked during a Freeze waits for the Freeze, then stops).
 *
 * Neither kind is held while Enclave waits on the agent itself (a command inside it): the
 * callers take the lock for the Incus calls only.
 */
export class AgentLocks {
  private readonly running = new Map<string, string>();
  /** Overrides per agent, the one running first and those waiting behind it. */
  private readonly overrides = new Map<string, Override[]>();

  /** What the agent is doing now, e.g. "being restored", or undefined. */
  doing(agent: string): string | undefined {
    return this.overrides.get(agent)?.[0]?.doing ?? this.running.get(agent);
  }

  /** Runs an ordinary action: refused as busy while any other action runs on the agent. */
  async run<T>(agent: string, doing: string, work: () => Promise<T>): Promise<T> {
    const current = this.doing(agent);
    if (current) throw new EnclaveError('busy', `${agent} is busy: it is ${current}. Try again when that finishes.`);
    this.running.set(agent, doing);
    try {
      return await work();
    } finally {
      this.running.delete(agent);
    }
  }

  /** Runs an override: beside any ordinary action, after the agent's earlier overrides. */
  async override<T>(agent: string, doing: string, work: () => Promise<T>): Promise<T> {
    const queue = this.overrides.get(agent) ?? [];
    if (!queue.length) this.overrides.set(agent, queue);
    const before = queue.map((o) => o.done);
    let finish = () => undefined as void;
    const mine: Override = { doing, done: new Promise<void>((resolve) => (finish = resolve)) };
    queue.push(mine);
    try {
      await Promise.all(before);
      return await work();
    } finally {
      queue.splice(queue.indexOf(mine), 1);
      if (!queue.length && this.overrides.get(agent) === queue) this.overrides.delete(agent);
      finish();
    }
  }
}
