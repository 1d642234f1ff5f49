import { EventEmitter } from 'node:events';
import type { ClusterMember } from '../../../shared/servers.js';
import type { Connection } from '../connection.js';
import type { AgentMirror } from '../agent-mirror.js';
import { readCluster } from './cluster-view.js';

/** How often members' status and load are read again while connected. */
export const CLUSTER_EVERY_MS = 15_000;

/**
 * A server's cluster members, read on every connect, on Incus's cluster events and every
 * CLUSTER_EVERY_MS: null when the server is not clustered. One read at a time, each member
 * bounded by readCluster's own timeout, so a dead member never piles reads up.
 */
export class ClusterWatch extends EventEmitter<{ changed: [ClusterMember[] | null] }> {
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private again = false;
  private members: ClusterMember[] | null = null;
  private readonly cpuCounts = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly agents: Pick<AgentMirror, 'cached' | 'on'>,
  ) {
    super();
    connection.on('ready', () => {
      this.schedule();
      void this.read();
    });
    connection.on('status', (s) => {
      if (s.state !== 'connected') this.pause();
    });
    connection.on('event', (e) => {
      if (e.type === 'lifecycle' && e.metadata.action.startsWith('cluster-member-')) void this.read();
    });
    // An agent placed or moved changes the members' agent counts.
    agents.on('changed', () => {
      if (this.members) void this.read();
    });
  }

  get current(): ClusterMember[] | null {
    return this.members;
  }

  private schedule(): void {
    this.pause();
    this.timer = setInterval(() => void this.read(), CLUSTER_EVERY_MS);
    this.timer.unref();
  }

  async read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        const client = this.connection.status.state === 'connected' ? this.connection.requireClient() : null;
        if (!client) return;
        const members = await readCluster(client, this.agents.cached(), { cpuCounts: this.cpuCounts }).catch(() => this.members);
        if (JSON.stringify(members) !== JSON.stringify(this.members)) {
          this.members = members;
          this.emit('changed', members);
        }
      } while (this.again);
    } finally {
      this.reading = false;
    }
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.pause();
  }
}
