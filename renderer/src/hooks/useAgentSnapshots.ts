import { useEffect } from 'react';
import { useBackend } from '../stores/backend.js';
import { serverOfRef } from '../lib/server-display.js';
import { useServerReachable } from './useServerReachable.js';
import { type AgentSnapshots, useSnapshots } from '../stores/snapshots.js';
import { ensureSnapshots } from '../snapshot-actions.js';

/** The agent's snapshots, loaded the first time something shows them; events keep them current. */
export function useAgentSnapshots(agent: string): AgentSnapshots | undefined {
  const entry = useSnapshots((state) => state.byAgent[agent]);
  const reachable = useBackend((state) => state.link === 'connected');
  // Its own server's state: another server being away does not hold this one's snapshots back.
  const incus = useServerReachable(serverOfRef(agent));
  const failed = entry?.state === 'failed';
  useEffect(() => {
    if (reachable && incus && !failed) void ensureSnapshots(agent);
  }, [agent, reachable, incus, failed]);
  return entry;
}
