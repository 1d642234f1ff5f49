import { NETWORK_MODES } from '../../../shared/network.js';
import type { AgentNetwork, AllowEntry, NetworkMode, NetworkPolicy } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';

/**
 * Where an agent's network policy lives in Incus: the policy in `user.enclave.network.*`
 * (the truth, so any client knows it), enforced by one NIC on an Enclave bridge.
 */
export const NETWORK_KEYS = {
  mode: 'user.enclave.network.mode',
  /** JSON array of AllowEntry. */
  allow: 'user.enclave.network.allow',
  ingress: 'user.enclave.network.ingress',
  egress: 'user.enclave.network.egress',
} as const;

/** The agent's NIC, the only one Enclave gives it. */
export const AGENT_NIC = 'eth0';

/** The Enclave-owned bridge each mode's NIC joins. */
export const MODE_BRIDGES: Record<Exclude<NetworkMode, 'none'>, string> = {
  restricted: 'enclave-restr',
  allowlist: 'enclave-allow',
  open: 'enclave-open',
};

export const DEFAULT_POLICY: NetworkPolicy = { mode: 'restricted', allow: [], ingress: '', egress: '' };

function parseAllow(raw: string | undefined): AllowEntry[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    if (!Array.isArray(list)) return [];
    return list.flatMap((e: unknown) => {
      if (!e || typeof e !== 'object') return [];
      const { host, ports } = e as { host?: unknown; ports?: unknown };
      if (typeof host !== 'string') return [];
      const ps = Array.isArray(ports) ? ports.filter((p): p is number => Number.isInteger(p)) : [];
      return [{ host, ports: ps }];
    });
  } catch {
    return [];
  }
}

/**
 * The policy an instance carries. An instance without Enclave's keys (made by another client)
 * reads as `none` when it has no NIC and `open` otherwise: that is what it can do.
 */
export function policyOf(inst: Pick<Instance, 'config' | 'expanded_devices' | 'devices'>): NetworkPolicy {
  const c = inst.config ?? {};
  const mode = c[NETWORK_KEYS.mode];
  if (mode && (NETWORK_MODES as readonly string[]).includes(mode)) {
    return {
      mode: mode as NetworkMode,
      allow: parseAllow(c[NETWORK_KEYS.allow]),
      ingress: c[NETWORK_KEYS.ingress] ?? '',
      egress: c[NETWORK_KEYS.egress] ?? '',
    };
  }
  const devices = inst.expanded_devices ?? inst.devices ?? {};
  const hasNic = Object.values(devices).some((d) => d.type === 'nic');
  return { ...DEFAULT_POLICY, mode: hasNic ? 'open' : 'none' };
}

/** The policy keys to write for a policy. */
export function policyConfig(policy: NetworkPolicy): Record<string, string> {
  return {
    [NETWORK_KEYS.mode]: policy.mode,
    [NETWORK_KEYS.allow]: policy.mode === 'allowlist' ? JSON.stringify(policy.allow) : '',
    [NETWORK_KEYS.ingress]: policy.ingress,
    [NETWORK_KEYS.egress]: policy.egress,
  };
}

export function networkOf(inst: Pick<Instance, 'config' | 'expanded_devices' | 'devices'>): AgentNetwork {
  const policy = policyOf(inst);
  const nic = (inst.expanded_devices ?? inst.devices ?? {})[AGENT_NIC];
  if (!nic || nic.type !== 'nic') return { policy, bridge: null, address: null };
  return { policy, bridge: nic.network ?? nic.parent ?? null, address: nic['ipv4.address'] || null };
}
