import { create } from 'zustand';
import type { ServerInfo } from '../../../shared/servers.js';
import { compareServers } from '../lib/server-groups.js';
import type { ConnectionStatus } from '../../../shared/types.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

/**
 * Every server and its state, from servers.list (at start and on every reconnect) and the
 * servers.changed event, which always carries the whole list.
 */
interface ServersState {
  servers: readonly ServerInfo[];
  /** False until the first list arrives (an older backend never sends one: one local server then). */
  loaded: boolean;
  loads: Loads<ServerInfo[]>;
  receive(servers: ServerInfo[]): void;
  /** One server's entry replaced (servers.retry answers with it). */
  upsert(server: ServerInfo): void;
  beginLoad(): number;
  finishLoad(loadId: number, servers: ServerInfo[]): void;
  abandonLoad(loadId: number): void;
}

export function upsertServer(servers: readonly ServerInfo[], server: ServerInfo): readonly ServerInfo[] {
  return servers.some((s) => s.name === server.name) ? servers.map((s) => (s.name === server.name ? server : s)) : [...servers, server];
}

export const useServers = create<ServersState>()((set, get) => ({
  servers: [],
  loaded: false,
  loads: NO_LOADS,
  receive(servers) {
    set((state) => ({ servers, loaded: true, loads: noteChange(state.loads, servers) }));
  },
  upsert(server) {
    set((state) => ({ servers: upsertServer(state.servers, server) }));
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  finishLoad(loadId, servers) {
    // A list pushed meanwhile is the whole list, and newer: it wins.
    const done = finishLoad(get().loads, loadId, servers, (_reply, pushed) => pushed);
    if (done) set({ servers: done.value, loaded: true, loads: done.loads });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
}));

export function serverNamed(servers: readonly ServerInfo[], name: string): ServerInfo | undefined {
  return servers.find((s) => s.name === name);
}

export function connectedServers(servers: readonly ServerInfo[]): ServerInfo[] {
  return servers.filter((s) => s.status.state === 'connected');
}

/** One server's entry, or undefined while it is not listed. */
export function useServer(name: string): ServerInfo | undefined {
  return useServers((state) => serverNamed(state.servers, name));
}

/** One server's state; undefined while unknown (then its cards are not marked stale). */
export function useServerStatus(name: string): ConnectionStatus | undefined {
  return useServers((state) => serverNamed(state.servers, name)?.status);
}

/** The names of the connected servers, local first (for the wizard's and the copy dialog's selects). */
export function useConnectedServerNames(): string[] {
  const servers = useServers((state) => state.servers);
  return connectedServers(servers)
    .map((s) => s.name)
    .sort(compareServers);
}
