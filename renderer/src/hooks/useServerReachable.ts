import { LOCAL_SERVER } from '../../../shared/servers.js';
import { useConnection } from '../stores/connection.js';
import { useServers } from '../stores/servers.js';

/** Whether calls about `server`'s agents can be answered now: each server by its own state. */
export function useServerReachable(server: string): boolean {
  const local = useConnection((state) => state.status?.state === 'connected');
  const remote = useServers((state) => state.servers.find((s) => s.name === server)?.status.state === 'connected');
  return server === LOCAL_SERVER ? local : remote;
}
