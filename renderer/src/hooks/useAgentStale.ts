import { LOCAL_SERVER, type ServerInfo } from '../../../shared/servers.js';
import type { Agent } from '../../../shared/types.js';
import { NEEDS_INCUS } from '../lib/outage.js';
import { needsServerText, serverStale } from '../lib/server-display.js';
import { useOutageSince } from '../stores/connection.js';
import { useServer } from '../stores/servers.js';

export interface AgentStale {
  /** The card or view is the last known state: greyed, its server's actions off. */
  stale: boolean;
  /** Why its controls are off (their tooltip), while stale. */
  needs: string | undefined;
  /** A local agent: when the local Incus stopped answering. */
  localSince: string | null;
  /** An agent of another server that does not answer: that server's entry. */
  remote: ServerInfo | null;
}

/**
 * Each agent is stale by its own server: the local Incus being away greys local cards only,
 * and a remote that is down greys its own cards, never another server's.
 */
export function useAgentStale(agent: Pick<Agent, 'server'>): AgentStale {
  const outageSince = useOutageSince();
  const server = useServer(agent.server);
  if (agent.server === LOCAL_SERVER) {
    return { stale: outageSince !== null, needs: outageSince !== null ? NEEDS_INCUS : undefined, localSince: outageSince, remote: null };
  }
  const stale = serverStale(server?.status);
  return { stale, needs: stale ? needsServerText(agent.server) : undefined, localSince: null, remote: stale && server ? server : null };
}
