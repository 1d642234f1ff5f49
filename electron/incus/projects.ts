import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';

export interface Project {
  name: string;
  description: string;
  config: Record<string, string>;
}

/**
 * Creates the project when it does not exist. Enclave's projects share the default project's
 * images (features.images=false), so a locally imported image serves agents with no setup,
 * but have profiles of their own (features.profiles=true): Incus restricts only such projects,
 * and the default project's default profile (whatever a user put there) never reaches an
 * agent. The project's own default profile gets only the root disk the default project's
 * default profile has, so that an instance made with the incus CLI still starts.
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
        config: { 'features.images': 'false', 'features.profiles': 'true', 'features.storage.volumes': 'false' },
      },
    });
  } catch (err) {
    // Another client created it between our check and our create.
    if (err instanceof IncusError && err.status === 409) return false;
    throw err;
  }
  await seedDefaultProfile(client, name);
  return true;
}

/** Gives the project's (empty) default profile the default project's root disk, and nothing else. */
async function seedDefaultProfile(client: IncusClient, project: string): Promise<void> {
  const base = await client.get<Profile>('/1.0/profiles/default', { project: 'default' });
  const root = Object.entries(base.devices ?? {}).find(([, d]) => d.type === 'disk' && d.path === '/' && d.pool);
  if (!root) return;
  await client.call('PATCH', '/1.0/profiles/default', { project, body: { devices: { [root[0]]: root[1] } } });
}

export interface Profile {
  name: string;
  description: string;
  config: Record<string, string>;
  devices: Record<string, Record<string, string>>;
  used_by?: string[];
}

export function getProject(client: IncusClient, name: string): Promise<Project> {
  return client.get<Project>(`/1.0/projects/${encodeURIComponent(name)}`, { project: null });
}

/**
 * Sets config keys of the project, keeping the others. Incus 6.0's PATCH of a project does not
 * keep the keys it is not sent (features.* then read as their defaults and are refused on a
 * non-empty project), so this is a GET and a PUT of the whole config, guarded by the ETag.
 */
export async function patchProjectConfig(client: IncusClient, name: string, config: Record<string, string>): Promise<void> {
  const path = `/1.0/projects/${encodeURIComponent(name)}`;
  const { envelope, etag } = await client.call<Project>('GET', path, { project: null });
  const current = envelope.metadata;
  await client.call('PUT', path, {
    project: null,
    body: { description: current.description, config: { ...current.config, ...config } },
    headers: etag ? { 'If-Match': etag } : {},
  });
}

/** Whether the project has profiles of its own (else it uses the default project's). */
export function ownsProfiles(project: Project): boolean {
  return project.config['features.profiles'] === 'true';
}

/**
 * Switches a project made by an older Enclave (sharing the default project's profiles) to
 * profiles of its own. Incus allows it only while the project is empty: false otherwise.
 */
export async function adoptOwnProfiles(client: IncusClient, project: Project, instanceCount: number): Promise<boolean> {
  if (ownsProfiles(project)) return true;
  if (instanceCount > 0) return false;
  await patchProjectConfig(client, project.name, { 'features.profiles': 'true' });
  await seedDefaultProfile(client, project.name);
  return true;
}

/** The profiles the project sees (its own, or the default project's). */
export function listProfiles(client: IncusClient, project: string): Promise<Profile[]> {
  return client.get<Profile[]>('/1.0/profiles', { project, query: { recursion: '1' } });
}

/**
 * Deletes a project: its own profiles first (Incus removes only empty projects), never the
 * default project's, which a project without profiles of its own lists as its. Its instances
 * must be gone already.
 */
export async function deleteProject(client: IncusClient, name: string): Promise<void> {
  const project = await getProject(client, name);
  if (ownsProfiles(project)) {
    for (const p of await listProfiles(client, name)) {
      if (p.name !== 'default') await client.call('DELETE', `/1.0/profiles/${encodeURIComponent(p.name)}`, { project: name });
    }
  }
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
