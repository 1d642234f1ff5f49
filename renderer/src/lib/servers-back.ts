import type { ServerInfo } from '../../../shared/servers.js';

/**
 * The servers connected in `next` that were listed but not connected in `previous`: they just
 * came back, and what was shown of them (agents, snapshots) may have changed meanwhile.
 */
export function serversBack(previous: readonly ServerInfo[], next: readonly ServerInfo[]): string[] {
  return next
    .filter((server) => {
      const before = previous.find((s) => s.name === server.name);
      return server.status.state === 'connected' && before !== undefined && before.status.state !== 'connected';
    })
    .map((server) => server.name);
}
