import { existsSync } from 'node:fs';
import type { Endpoint } from '../../incus/endpoint.js';
import type { IncusClient } from '../../incus/client.js';
import { CGROUP_ROOT } from './cgroup-source.js';

/**
 * Where an agent's counters come from: `local`, its cgroup files on this machine (no daemon
 * cost); `remote`, the daemon's /1.0/metrics for everyone plus state calls for the focused.
 */
export type TelemetryMode = 'local' | 'remote';

/** What the choice needs of an endpoint: its kind, and a unix socket's path. */
export type EndpointKind = Pick<Extract<Endpoint, { kind: 'unix' }>, 'kind' | 'socketPath'> | Pick<Extract<Endpoint, { kind: 'https' }>, 'kind'>;

export interface ModeChoice {
  /** 'remote' forces the metrics path whatever the endpoint (tests, benchmarks). */
  force?: TelemetryMode;
  cgroupRoot?: string;
  /** Whether a path exists (tests). */
  exists?: (path: string) => boolean;
}

/**
 * Local cgroups only for a daemon reached through a unix socket that is on this machine, and
 * only when this machine's cgroup tree is mounted; anything else (HTTPS, a socket that is not
 * here) samples remotely.
 */
export function telemetryModeFor(endpoint: EndpointKind, choice: ModeChoice = {}): TelemetryMode {
  if (choice.force) return choice.force;
  if (endpoint.kind !== 'unix') return 'remote';
  const exists = choice.exists ?? existsSync;
  return exists(endpoint.socketPath) && exists(choice.cgroupRoot ?? CGROUP_ROOT) ? 'local' : 'remote';
}

/** The endpoint a client talks to (its kind decides the mode, never its address as text). */
export function clientEndpoint(client: Pick<IncusClient, 'endpoint'>): EndpointKind {
  return client.endpoint;
}
