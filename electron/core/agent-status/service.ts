import { EventEmitter } from 'node:events';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import type { Agent } from '../../../shared/types.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { Connection } from '../connection.js';
import { classify, type PaneReading, type ReadMode } from './classify.js';
import { probePane } from './probe.js';
import { sessionUser } from '../session-user.js';

/** The pause between two rounds over every running agent. */
export const STATUS_INTERVAL_MS = 2_000;
/** Probes in flight at once: each is an exec into an agent. */
const CONCURRENCY = 4;

interface StatusEvents {
  changed: [AgentRunStatus];
}

export interface AgentStatusOptions {
  /** How the agent's state is read (its template's hooks, whether it runs a command). */
  readMode(agent: Agent): Promise<ReadMode>;
  probe?: (agent: Agent) => Promise<PaneReading>;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Reads each running agent's run state (working / waiting / idle / exited) from its tmux
 * pane, a round at a time, the next round after the last one ends: a slow or hostile agent
 * delays only its own reading (each probe is timed out and bounded), never a lock.
 */
export class AgentStatusService extends EventEmitter<StatusEvents> {
  private readonly current = new Map<string, AgentRunStatus>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly connection: Connection,
    private readonly agents: Pick<AgentMirror, 'cached' | 'on'>,
    private readonly opts: AgentStatusOptions,
  ) {
    super();
    agents.on('changed', (c) => {
      if (c.kind === 'removed') this.current.delete(c.name);
      else if (c.kind === 'upsert' && c.agent.status !== 'Running') this.forget(c.agent.name);
      else if (c.kind === 'reset') for (const name of [...this.current.keys()]) if (!c.agents.some((a) => a.name === name)) this.current.delete(name);
    });
  }

  list(): AgentRunStatus[] {
    return [...this.current.values()];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads one agent now (after a start or a restart of its command), outside the rounds. */
  async refresh(agent: Agent): Promise<AgentRunStatus | null> {
    return this.read(agent);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round().finally(() => this.schedule(this.opts.intervalMs ?? STATUS_INTERVAL_MS)), ms);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    if (this.connection.status.state !== 'connected') return;
    // Only agents made from a template: their command is what the state is about, and each
    // probe is an exec (host CPU in incusd) that a plain container does not need every 2 s.
    const running = this.agents.cached().filter((a) => a.status === 'Running' && a.managed && !!a.meta.template);
    let next = 0;
    const worker = async () => {
      while (next < running.length) await this.read(running[next++]!).catch(() => null);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, running.length) }, worker));
  }

  private forget(name: string): void {
    const had = this.current.get(name);
    if (had && had.state !== 'unknown') this.publish({ ...had, state: 'unknown', exitCode: null, source: 'none', since: this.now() });
  }

  private async read(agent: Agent): Promise<AgentRunStatus | null> {
    let reading: PaneReading;
    try {
      reading = await (this.opts.probe ?? ((a: Agent) => probePane(this.connection.requireClient(), a.name, sessionUser(a))))(agent);
    } catch {
      // An agent that does not answer in time (or stopped meanwhile) reads as unknown.
      reading = { session: false, dead: false, deadStatus: null, activityAt: null, command: '', now: null, hook: null, exitFile: null };
    }
    const c = classify(reading, await this.opts.readMode(agent));
    const before = this.current.get(agent.name);
    const same = before && before.state === c.state && before.exitCode === c.exitCode && before.command === reading.command;
    if (same) return before;
    const status: AgentRunStatus = {
      agent: agent.name,
      state: c.state,
      exitCode: c.exitCode,
      command: reading.command,
      source: c.source,
      since: before && before.state === c.state ? before.since : this.now(),
    };
    this.publish(status);
    return status;
  }

  private publish(status: AgentRunStatus): void {
    this.current.set(status.agent, status);
    this.emit('changed', status);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
