import type { NetworkPolicy } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';

/** The agent's NIC on its mode's bridge: fixed address, no spoofing, no talking to neighbours. */
export function nicDevice(bridge: string, address: string, policy: Pick<NetworkPolicy, 'ingress' | 'egress'>): Record<string, string> {
  const d: Record<string, string> = {
    type: 'nic',
    network: bridge,
    name: 'eth0',
    'ipv4.address': address,
    'security.ipv4_filtering': 'true',
    'security.mac_filtering': 'true',
    'security.port_isolation': 'true',
  };
  if (policy.ingress) d['limits.ingress'] = policy.ingress;
  if (policy.egress) d['limits.egress'] = policy.egress;
  return d;
}

/** In mode none: masks any eth0 a profile would give the agent. */
export const NO_NIC: Record<string, string> = { type: 'none' };

/** The bridge a NIC device joins (managed `network`, or a bridged `parent`). */
export function nicBridge(d: Record<string, string>): string | null {
  if (d.type !== 'nic') return null;
  return d.network ?? (d.nictype === 'bridged' ? (d.parent ?? null) : null);
}

/** Static addresses held on `bridge` by any of these instances (every project). */
export function addressesOn(instances: readonly Pick<Instance, 'expanded_devices' | 'devices'>[], bridge: string): string[] {
  const out: string[] = [];
  for (const inst of instances) {
    for (const d of Object.values(inst.expanded_devices ?? inst.devices ?? {})) {
      if (nicBridge(d) === bridge && d['ipv4.address']) out.push(d['ipv4.address']);
    }
  }
  return out;
}

/** Incus refusing a static address another NIC on the network holds. */
export function isAddressConflict(err: unknown): boolean {
  return err instanceof Error && /(address|IP).*(already|in use|conflict|used by)/i.test(err.message);
}

/** Incus failing to police outbound bandwidth (the kernel lacks the tc police action). */
export function isEgressPolicingMissing(err: unknown): boolean {
  return err instanceof Error && /TC action module|police/i.test(err.message);
}

export function sameDevice(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? '') === (b[k] ?? ''));
}
