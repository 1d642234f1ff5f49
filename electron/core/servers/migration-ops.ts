/**
 * The two ends of a relayed instance migration (Incus's `copy --mode relay`): the source's
 * migration operation (POST /1.0/instances/NAME {migration: true}) and the target's create in
 * push mode (POST /1.0/instances {source: {type: migration, mode: push}}), each answering with
 * the websocket secrets Enclave connects to. Both servers are untrusted: the secrets are checked.
 */
import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import { operationId, type Operation } from '../../incus/operations.js';
import type { CopySpec } from './copy-plan.js';

export interface MigrationEnd {
  /** The operation's id on its server. */
  id: string;
  /** Websocket name (control, fs, criu…) → secret. */
  secrets: Record<string, string>;
}

const MAX_SOCKETS = 8;

function secretsOf(metadata: unknown, what: string): Record<string, string> {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new IncusError(`Incus answered the ${what} without its websocket secrets.`, 500);
  }
  const out: Record<string, string> = {};
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (entries.length > MAX_SOCKETS) throw new IncusError(`Incus's ${what} names ${entries.length} websockets; at most ${MAX_SOCKETS} are expected.`, 500);
  for (const [name, secret] of entries) {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name) || typeof secret !== 'string' || !/^[A-Za-z0-9]{1,256}$/.test(secret)) {
      throw new IncusError(`Incus's ${what} has a websocket entry Enclave does not understand.`, 500);
    }
    out[name] = secret;
  }
  if (!out.control) throw new IncusError(`Incus's ${what} has no control websocket.`, 500);
  return out;
}

function end(envelope: { operation?: string; metadata: Operation<unknown> | null }, what: string): MigrationEnd {
  if (!envelope.operation) throw new IncusError(`Incus answered the ${what} without an operation.`, 500);
  return { id: operationId(envelope.operation), secrets: secretsOf(envelope.metadata?.metadata, what) };
}

/** Asks the source to send `name` (stateless, without its snapshots); it waits 30 s for the control socket. */
export async function startMigrationSource(client: IncusClient, name: string): Promise<MigrationEnd> {
  const { envelope } = await client.call<Operation<unknown> | null>('POST', `/1.0/instances/${encodeURIComponent(name)}`, {
    body: { migration: true, live: false, instance_only: true },
  });
  return end(envelope, 'migration request');
}

/** Asks the target to receive an instance made as `spec`; it waits 30 s for the control socket. */
export async function startMigrationTarget(client: IncusClient, spec: CopySpec): Promise<MigrationEnd> {
  const { baseImage, ...body } = spec;
  const { envelope } = await client.call<Operation<unknown> | null>('POST', '/1.0/instances', {
    body: {
      ...body,
      source: { type: 'migration', mode: 'push', ...(baseImage ? { 'base-image': baseImage } : {}), instance_only: true, live: false },
    },
  });
  return end(envelope, 'create request');
}
