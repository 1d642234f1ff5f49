import { useEffect } from 'react';
import { useBackend } from '../stores/backend.js';
import { useConnection } from '../stores/connection.js';
import { type AgentSnapshots, useSnapshots } from '../stores/snapshots.js';
import { ensureSnapshots } from '../snapshot-actions.js';

/** The agent's snapshots, loaded the first time something shows them; events keep them current. */
export function useAgentSnapshots(agent: string): AgentSnapshots | undefined {
  const entry = useSnapshots((state) => state.byAgent[agent]);
  const reachable = useBackend((state) => state.link === 'connected');
  const incus = useConnection((state) => state.status?.state === 'connected');
  const failed = entry?.state === 'failed';
  useEffect(() => {
    if (reachable && incus && !failed) void ensureSnapshots(agent);
  }, [agent, reachable, incus, failed]);
  return entry;
}
