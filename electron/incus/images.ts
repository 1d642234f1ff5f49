import type { Readable } from 'node:stream';
import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';
import { mutate, operationId, waitOperation, type Operation } from './operations.js';

export interface Image {
  fingerprint: string;
  aliases: { name: string; description: string }[];
  architecture: string;
  size: number;
  uploaded_at: string;
  properties: Record<string, string>;
  public: boolean;
  type: 'container' | 'virtual-machine';
}

export function listImages(client: IncusClient): Promise<Image[]> {
  return client.get<Image[]>('/1.0/images', { query: { recursion: '1' } });
}

export function getImage(client: IncusClient, fingerprint: string): Promise<Image> {
  return client.get<Image>(`/1.0/images/${encodeURIComponent(fingerprint)}`);
}

export interface ImageAlias {
  name: string;
  target: string;
  description: string;
}

/** The alias, or null when there is none of that name. */
export async function getAlias(client: IncusClient, name: string): Promise<ImageAlias | null> {
  try {
    return await client.get<ImageAlias>(`/1.0/images/aliases/${encodeURIComponent(name)}`);
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

/** Points `name` at the image, creating the alias or moving it from the image it named. */
export async function setAlias(client: IncusClient, name: string, fingerprint: string, description = ''): Promise<void> {
  if (await getAlias(client, name)) {
    await client.call('PATCH', `/1.0/images/aliases/${encodeURIComponent(name)}`, { body: { target: fingerprint } });
    return;
  }
  await client.call('POST', '/1.0/images/aliases', { body: { name, target: fingerprint, description } });
}

export async function deleteImage(client: IncusClient, fingerprint: string): Promise<void> {
  await mutate(client, 'DELETE', `/1.0/images/${encodeURIComponent(fingerprint)}`);
}

/** Publishes a stopped instance as an image; resolves with the new image's fingerprint. */
export async function publishInstance(
  client: IncusClient,
  instance: string,
  properties: Record<string, string>,
  onStarted?: (operationId: string) => void,
): Promise<string> {
  const op = await mutate<{ fingerprint?: string }>(client, 'POST', '/1.0/images', {
    body: { source: { type: 'instance', name: instance, project: client.project }, properties, public: false },
    timeoutMs: 0,
    ...(onStarted ? { onStarted } : {}),
  });
  const fingerprint = op?.metadata?.fingerprint;
  if (!fingerprint) throw new IncusError('Incus published the image without saying its fingerprint.', 500);
  return fingerprint;
}

/**
 * Uploads a unified image tarball (rootfs and metadata.yaml in one file) as the body of
 * POST /1.0/images; resolves with the new image's fingerprint once Incus has unpacked it.
 */
export async function importImage(client: IncusClient, body: Readable, size: number, onStarted?: (operationId: string) => void): Promise<string> {
  const { envelope } = await client.call('POST', '/1.0/images', {
    raw: body,
    headers: { 'content-length': String(size), 'x-incus-public': '0' },
    timeoutMs: 0,
  });
  if (!envelope.operation) throw new IncusError('Incus answered an image upload without an operation.', 500);
  const id = operationId(envelope.operation);
  onStarted?.(id);
  const op: Operation<{ fingerprint?: string }> = await waitOperation(client, id);
  const fingerprint = op.metadata?.fingerprint;
  if (!fingerprint) throw new IncusError('Incus imported the image without saying its fingerprint.', 500);
  return fingerprint;
}
