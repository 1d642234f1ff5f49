/**
 * What the user can do with servers, and with agents across them: each intent calls the
 * backend once and folds the reply into the stores. Failures are thrown to the control that
 * asked, which shows them where the user clicked.
 */
import { agentRef, parseAgentRef, type ServerInfo, type ServerProbe } from '../../shared/servers.js';
import type { Agent } from '../../shared/types.js';
import { enclave } from './api.js';
import { errorMessage } from './lib/errors.js';
import { serversBack } from './lib/servers-back.js';
import { withAgents } from './stores/actions.js';
import { useAgents } from './stores/agents.js';
import { useServers } from './stores/servers.js';
import { showToast } from './stores/toasts.js';

export async function loadServers(): Promise<void> {
  const loadId = useServers.getState().beginLoad();
  try {
    useServers.getState().finishLoad(loadId, await enclave.invoke('servers.list', {}));
  } catch (error) {
    useServers.getState().abandonLoad(loadId);
    // An older backend has no servers.list: the grid then shows one server, as before.
    console.warn('servers.list failed:', errorMessage(error));
  }
}

/** A pushed list; answers the servers that just came back (lib/servers-back.ts). */
export function receiveServers(servers: ServerInfo[]): string[] {
  const back = serversBack(useServers.getState().servers, servers);
  useServers.getState().receive(servers);
  return back;
}

export async function retryServer(name: string): Promise<ServerInfo> {
  const server = await enclave.invoke('servers.retry', { name });
  useServers.getState().upsert(server);
  return server;
}

export function probeServer(address: string): Promise<ServerProbe> {
  return enclave.invoke('servers.probe', { address: address.trim() });
}

export type AddServerTrust = { token: string } | { fingerprint: string };

export async function addServer(name: string, address: string, trust: AddServerTrust): Promise<ServerInfo> {
  const server = await enclave.invoke('servers.add', { name: name.trim(), address: address.trim(), ...trust });
  useServers.getState().upsert(server);
  showToast({ tone: 'success', message: `Server ${server.name} added.`, testId: 'server-added' });
  return server;
}

export async function removeServer(server: Pick<ServerInfo, 'name' | 'source'>): Promise<void> {
  await enclave.invoke('servers.remove', { name: server.name });
  useServers.setState((state) => ({ servers: state.servers.filter((s) => s.name !== server.name) }));
  showToast({
    tone: 'success',
    message: server.source === 'cli' ? `${server.name} is hidden from Enclave (the incus CLI still has it).` : `Server ${server.name} removed.`,
    testId: 'server-removed',
  });
}

export function loadClientCertificate(): Promise<{ pem: string; fingerprint: string }> {
  return enclave.invoke('servers.clientCertificate', {});
}

/** Copies `agent` to `server` as `name` (its own name when empty); the copy arrives as a new card. */
export async function copyAgentTo(agent: string, server: string, name: string): Promise<Agent> {
  const bare = name.trim() || parseAgentRef(agent).name;
  const target = agentRef(server, bare);
  const copy = await withAgents([agent, target], { action: 'copy', label: `Copying to ${server}` }, () =>
    enclave.invoke('agents.copyTo', { agent, server, ...(name.trim() ? { name: name.trim() } : {}) }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent: copy });
  showToast({ tone: 'success', message: `Copied ${parseAgentRef(agent).name} to ${server}.`, testId: 'copy-done' });
  return copy;
}

export async function moveAgent(agent: string, member: string): Promise<Agent> {
  const moved = await withAgents([agent], { action: 'move', label: `Moving to ${member}` }, () => enclave.invoke('agents.move', { agent, member }));
  useAgents.getState().apply({ kind: 'upsert', agent: moved });
  showToast({ tone: 'success', message: `Moved ${parseAgentRef(agent).name} to ${member}.`, testId: 'move-done' });
  return moved;
}
