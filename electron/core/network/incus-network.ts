import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import type { AclRule } from './acl-rules.js';

/** Incus's networks and network ACLs, as far as Enclave's bridges need them. */

export interface IncusNetwork {
  name: string;
  type: string;
  managed: boolean;
  description: string;
  config: Record<string, string>;
  used_by?: string[] | null;
}

export interface IncusAcl {
  name: string;
  description: string;
  egress: AclRule[];
  ingress: AclRule[];
  config: Record<string, string>;
}

const netPath = (name: string) => `/1.0/networks/${encodeURIComponent(name)}`;
const aclPath = (name: string) => `/1.0/network-acls/${encodeURIComponent(name)}`;

export function listNetworks(client: IncusClient): Promise<IncusNetwork[]> {
  return client.get<IncusNetwork[]>('/1.0/networks', { query: { recursion: '1' } });
}

/** Every network of every project (projects with their own networks have subnets too). */
export async function listAllNetworks(client: IncusClient): Promise<IncusNetwork[]> {
  try {
    return await client.get<IncusNetwork[]>('/1.0/networks', { query: { recursion: '1', 'all-projects': 'true' }, project: null });
  } catch (err) {
    // A restricted client may not list other projects: its own project's networks still count.
    if (err instanceof IncusError && (err.status === 403 || err.status === 400)) return listNetworks(client);
    throw err;
  }
}

export async function getNetwork(client: IncusClient, name: string): Promise<{ network: IncusNetwork; etag: string | undefined } | null> {
  try {
    const res = await client.call<IncusNetwork>('GET', netPath(name));
    return { network: res.envelope.metadata, etag: res.etag };
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

export async function createNetwork(client: IncusClient, spec: { name: string; description: string; config: Record<string, string> }): Promise<void> {
  await client.call('POST', '/1.0/networks', { body: { ...spec, type: 'bridge' } });
}

export async function patchNetwork(client: IncusClient, name: string, change: { description?: string; config: Record<string, string> }, etag?: string): Promise<void> {
  await client.call('PATCH', netPath(name), { body: change, headers: etag ? { 'If-Match': etag } : {} });
}

/** IPv4 and IPv6 addresses the daemon's host has on a network's interface. */
export async function networkAddresses(client: IncusClient, name: string): Promise<string[]> {
  const state = await client.get<{ addresses?: { family: string; address: string; netmask: string }[] | null }>(`${netPath(name)}/state`);
  return (state.addresses ?? []).map((a) => a.address);
}

export async function getAcl(client: IncusClient, name: string): Promise<{ acl: IncusAcl; etag: string | undefined } | null> {
  try {
    const res = await client.call<IncusAcl>('GET', aclPath(name));
    return { acl: res.envelope.metadata, etag: res.etag };
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

export async function createAcl(client: IncusClient, spec: { name: string; description: string; egress: AclRule[]; ingress: AclRule[] }): Promise<void> {
  await client.call('POST', '/1.0/network-acls', { body: { ...spec, config: { 'user.enclave.owned': 'true' } } });
}

/** Replaces the ACL's rules; with `etag`, only if nobody changed it since it was read (else 412). */
export async function putAcl(client: IncusClient, acl: IncusAcl, etag?: string): Promise<void> {
  await client.call('PUT', aclPath(acl.name), {
    body: { description: acl.description, egress: acl.egress, ingress: acl.ingress, config: acl.config },
    headers: etag ? { 'If-Match': etag } : {},
  });
}

export function isPreconditionFailed(err: unknown): boolean {
  return err instanceof IncusError && err.status === 412;
}

export function isConflict(err: unknown): boolean {
  return err instanceof IncusError && (err.status === 409 || /already exists/i.test(err.message));
}
