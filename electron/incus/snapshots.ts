import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';
import { mutate, type Operation } from './operations.js';

/** The parts of an instance snapshot Enclave reads. */
export interface InstanceSnapshot {
  name: string;
  created_at: string;
  expires_at: string;
  stateful: boolean;
  /** -1 when the storage driver does not report it. */
  size: number;
  /** The instance's config as it was when the snapshot was taken; Incus lets nothing change it afterwards. */
  config?: Record<string, string>;
}

/** A storage volume snapshot: where Incus 6.0 keeps a snapshot's description. */
interface VolumeSnapshot {
  name: string;
  description: string;
}

/** Incus's way of saying "no expiry". */
export const NO_EXPIRY = '0001-01-01T00:00:00Z';

const base = (instance: string) => `/1.0/instances/${encodeURIComponent(instance)}/snapshots`;
const one = (instance: string, snapshot: string) => `${base(instance)}/${encodeURIComponent(snapshot)}`;

export function listSnapshots(client: IncusClient, instance: string): Promise<InstanceSnapshot[]> {
  return client.get<InstanceSnapshot[]>(base(instance), { query: { recursion: '1' } });
}

export function getSnapshot(client: IncusClient, instance: string, snapshot: string): Promise<InstanceSnapshot> {
  return client.get<InstanceSnapshot>(one(instance, snapshot));
}

/**
 * `expiresAt`: a time, null for never, or left out for the instance's `snapshots.expiry`
 * (which Incus otherwise applies to every snapshot, a user's own ones included).
 */
export function createSnapshot(
  client: IncusClient,
  instance: string,
  spec: { name: string; expiresAt?: string | null },
  onStarted?: (operationId: string) => void,
): Promise<Operation | null> {
  const expiry = spec.expiresAt === undefined ? {} : { expires_at: spec.expiresAt ?? NO_EXPIRY };
  return mutate(client, 'POST', base(instance), {
    body: { name: spec.name, stateful: false, ...expiry },
    onStarted,
  });
}

export function renameSnapshot(client: IncusClient, instance: string, snapshot: string, newName: string): Promise<Operation | null> {
  return mutate(client, 'POST', one(instance, snapshot), { body: { name: newName } });
}

export function setSnapshotExpiry(client: IncusClient, instance: string, snapshot: string, expiresAt: string | null): Promise<Operation | null> {
  return mutate(client, 'PUT', one(instance, snapshot), { body: { expires_at: expiresAt ?? NO_EXPIRY } });
}

export function deleteSnapshot(client: IncusClient, instance: string, snapshot: string): Promise<Operation | null> {
  return mutate(client, 'DELETE', one(instance, snapshot));
}

/** Restores the instance (a running container is restarted by Incus). */
export function restoreSnapshot(
  client: IncusClient,
  instance: string,
  snapshot: string,
  onStarted?: (operationId: string) => void,
): Promise<Operation | null> {
  return mutate(client, 'PUT', `/1.0/instances/${encodeURIComponent(instance)}`, { body: { restore: snapshot }, onStarted });
}

/** Root-disk pool of an instance, where its volume (and the snapshot descriptions) live. */
export async function rootPool(client: IncusClient, instance: string): Promise<string> {
  const inst = await client.get<{ expanded_devices?: Record<string, Record<string, string>> }>(
    `/1.0/instances/${encodeURIComponent(instance)}`,
  );
  for (const dev of Object.values(inst.expanded_devices ?? {})) {
    if (dev.type === 'disk' && dev.path === '/' && dev.pool) return dev.pool;
  }
  throw new IncusError(`${instance} has no root disk on a storage pool`, 500);
}

const volumeSnapshots = (pool: string, instance: string) =>
  `/1.0/storage-pools/${encodeURIComponent(pool)}/volumes/container/${encodeURIComponent(instance)}/snapshots`;

/** Snapshot name → description, from the instance volume's snapshots. */
export async function snapshotDescriptions(client: IncusClient, pool: string, instance: string): Promise<Map<string, string>> {
  const snaps = await client.get<VolumeSnapshot[]>(volumeSnapshots(pool, instance), { query: { recursion: '1' } });
  // Listed names are "instance/snapshot".
  return new Map(snaps.map((s) => [s.name.slice(s.name.indexOf('/') + 1), s.description ?? '']));
}

export async function setSnapshotDescription(
  client: IncusClient,
  pool: string,
  instance: string,
  snapshot: string,
  description: string,
): Promise<void> {
  await client.call('PATCH', `${volumeSnapshots(pool, instance)}/${encodeURIComponent(snapshot)}`, { body: { description } });
}
