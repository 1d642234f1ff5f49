import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';

export interface Project {
  name: string;
  description: string;
  config: Record<string, string>;
}

/**
 * Creates the project when it does not exist. Enclave's projects share the default project's
 * images and profiles (features.images/profiles=false), so a locally imported image and the
 * default profile's root disk serve agents with no extra setup.
 */
export async function ensureProject(client: IncusClient, name: string, description = 'Enclave agents'): Promise<boolean> {
  try {
    await client.get<Project>(`/1.0/projects/${encodeURIComponent(name)}`, { project: null });
    return false;
  } catch (err) {
    if (!(err instanceof IncusError) || err.status !== 404) throw err;
  }
  try {
    await client.call('POST', '/1.0/projects', {
      project: null,
      body: {
        name,
        description,
        config: { 'features.images': 'false', 'features.profiles': 'false', 'features.storage.volumes': 'false' },
      },
    });
  } catch (err) {
    // Another client created it between our check and our create.
    if (err instanceof IncusError && err.status === 409) return false;
    throw err;
  }
  return true;
}

export async function deleteProject(client: IncusClient, name: string): Promise<void> {
  await client.call('DELETE', `/1.0/projects/${encodeURIComponent(name)}`, { project: null });
}

export interface ServerInfo {
  api_version: string;
  environment: { server_version: string; storage: string; storage_version?: string; driver?: string; kernel_version?: string };
  auth: string;
}

export function serverInfo(client: IncusClient): Promise<ServerInfo> {
  return client.get<ServerInfo>('/1.0', { project: null });
}

export interface StoragePool {
  name: string;
  driver: string;
}

export function listStoragePools(client: IncusClient): Promise<StoragePool[]> {
  return client.get<StoragePool[]>('/1.0/storage-pools', { query: { recursion: '1' }, project: null });
}
