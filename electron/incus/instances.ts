import type { IncusClient } from './client.js';
import { mutate, type Operation } from './operations.js';

/** The parts of Incus's instance object Enclave reads. */
export interface Instance {
  name: string;
  status: string;
  status_code: number;
  type: 'container' | 'virtual-machine';
  description: string;
  created_at: string;
  last_used_at: string;
  config: Record<string, string>;
  expanded_config?: Record<string, string>;
  devices: Record<string, Record<string, string>>;
  expanded_devices?: Record<string, Record<string, string>>;
  profiles: string[];
  project: string;
  ephemeral: boolean;
  stateful: boolean;
  /** The cluster member it is on; "none" (or absent) when the server is not clustered. */
  location?: string;
}

export interface InstanceSource {
  type: 'image' | 'copy' | 'none';
  alias?: string;
  fingerprint?: string;
  source?: string;
  /** For copies: leave the source's snapshots behind. */
  instance_only?: boolean;
}

export interface CreateInstance {
  name: string;
  source: InstanceSource;
  description?: string;
  config?: Record<string, string>;
  devices?: Record<string, Record<string, string>>;
  profiles?: string[];
  start?: boolean;
  /** The cluster member to create it on (sent as `?target=`, not in the body); absent: Incus places it. */
  target?: string;
}

export type StateAction = 'start' | 'stop' | 'restart' | 'freeze' | 'unfreeze';

const path = (name: string) => `/1.0/instances/${encodeURIComponent(name)}`;

export function listInstances(client: IncusClient): Promise<Instance[]> {
  return client.get<Instance[]>('/1.0/instances', { query: { recursion: '1' } });
}

export function getInstance(client: IncusClient, name: string): Promise<Instance> {
  return client.get<Instance>(path(name));
}

export function createInstance(
  client: IncusClient,
  spec: CreateInstance,
  onStarted?: (operationId: string) => void,
): Promise<Operation | null> {
  const { target, ...body } = spec;
  return mutate(client, 'POST', '/1.0/instances', {
    body: { type: 'container', ...body },
    query: target === undefined ? undefined : { target },
    onStarted,
  });
}

/**
 * Starts moving a stopped instance to another cluster member (POST /1.0/instances/NAME?target=
 * with `migration: true`, as `incus move NAME --target MEMBER` does); returns the operation's
 * path, or null when Incus answered at once.
 */
export async function startMigrationToMember(client: IncusClient, name: string, member: string): Promise<string | null> {
  const { envelope } = await client.call('POST', path(name), { query: { target: member }, body: { migration: true } });
  return envelope.type === 'async' && envelope.operation ? envelope.operation : null;
}

export function changeState(
  client: IncusClient,
  name: string,
  action: StateAction,
  opts: { force?: boolean; timeout?: number } = {},
): Promise<Operation | null> {
  return mutate(client, 'PUT', `${path(name)}/state`, {
    body: { action, force: opts.force ?? false, timeout: opts.timeout ?? 30 },
  });
}

export function deleteInstance(client: IncusClient, name: string): Promise<Operation | null> {
  return mutate(client, 'DELETE', path(name));
}

/** Merges config keys into the instance's config (PATCH). */
export function patchConfig(client: IncusClient, name: string, config: Record<string, string>): Promise<Operation | null> {
  return mutate(client, 'PATCH', path(name), { body: { config } });
}

/** Merges config keys and whole devices into the instance (PATCH); a config value of '' removes that key. */
export function patchInstance(
  client: IncusClient,
  name: string,
  change: { config?: Record<string, string>; devices?: Record<string, Record<string, string>> },
): Promise<Operation | null> {
  return mutate(client, 'PATCH', path(name), { body: change });
}

/** The parts of an instance's state Enclave reads (24 ms of daemon time each: call sparingly). */
export interface InstanceState {
  status: string;
  pid: number;
  disk?: Record<string, { usage: number; total?: number }> | null;
}

export function getInstanceState(client: IncusClient, name: string): Promise<InstanceState> {
  return client.get<InstanceState>(`${path(name)}/state`);
}

/** A profile's devices (the default profile gives new instances their root disk). */
export async function profileDevices(client: IncusClient, profile = 'default'): Promise<Record<string, Record<string, string>>> {
  const p = await client.get<{ devices?: Record<string, Record<string, string>> }>(`/1.0/profiles/${encodeURIComponent(profile)}`);
  return p.devices ?? {};
}
