import { agentSeccompPolicy } from './seccomp.js';

/** The Incus profile every agent uses, owned by Enclave (changes to it are undone on connect). */
export const ENCLAVE_PROFILE = 'enclave';

export const PROFILE_DESCRIPTION = "Enclave's agent profile (managed by Enclave: changes are undone)";

type Devices = Record<string, Record<string, string>>;

export interface ProfileSpec {
  config: Record<string, string>;
  devices: Devices;
}

/** The config Enclave's profile holds: unprivileged, own id range, no nesting, no guest API, Enclave's seccomp. */
export function profileConfig(): Record<string, string> {
  const config: Record<string, string> = {
    'security.privileged': 'false',
    'security.idmap.isolated': 'true',
    'security.nesting': 'false',
    'security.guestapi': 'false',
  };
  const seccomp = agentSeccompPolicy();
  if (seccomp) config['raw.seccomp'] = seccomp;
  return config;
}

/** Enclave's profile: the keys above and a root disk on `pool`; no NIC (each agent's comes from its policy). */
export function profileSpec(pool: string): ProfileSpec {
  return { config: profileConfig(), devices: { root: { type: 'disk', path: '/', pool } } };
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Whether a profile as Incus holds it differs from the spec in any key or device. */
export function profileDrifted(current: { config?: Record<string, string>; devices?: Devices }, spec: ProfileSpec): boolean {
  const devices = current.devices ?? {};
  if (!sameMap(current.config ?? {}, spec.config)) return true;
  if (Object.keys(devices).length !== Object.keys(spec.devices).length) return true;
  return Object.entries(spec.devices).some(([name, d]) => !devices[name] || !sameMap(devices[name], d));
}

/** The root pool of a profile's devices, if it has one. */
export function rootPoolOf(devices: Devices | undefined): string | null {
  const root = Object.values(devices ?? {}).find((d) => d.type === 'disk' && d.path === '/' && d.pool);
  return root?.pool ?? null;
}

/**
 * Enclave's pool: the one its profile already uses while that pool exists, else the default
 * profile's root pool, else the first btrfs pool, else the first pool; null when there is none.
 */
export function choosePool(
  pools: { name: string; driver: string }[],
  current: string | null,
  defaultProfilePool: string | null,
): string | null {
  const exists = (name: string | null) => !!name && pools.some((p) => p.name === name);
  if (exists(current)) return current;
  if (exists(defaultProfilePool)) return defaultProfilePool;
  return pools.find((p) => p.driver === 'btrfs')?.name ?? pools[0]?.name ?? null;
}
