import { EnclaveError } from '../../shared/errors.js';

/**
 * One action at a time per agent: a second one (a double click, a restore during a snapshot)
 * is refused with what is running, rather than interleaved with it.
 */
export class AgentLocks {
  private readonly running = new Map<string, string>();

  /** What the agent is doing now, e.g. "being restored", or undefined. */
  doing(agent: string): string | undefined {
    return this.running.get(agent);
  }

  async run<T>(agent: string, doing: string, work: () => Promise<T>): Promise<T> {
    const current = this.running.get(agent);
    if (current) throw new EnclaveError('busy', `${agent} is busy: it is ${current}. Try again when that finishes.`);
    this.running.set(agent, doing);
    try {
      return await work();
    } finally {
      this.running.delete(agent);
    }
  }
}
