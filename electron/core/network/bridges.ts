import type { NetworkMode } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { defaultActions, openAcl, restrictedAcl, type AclSpec } from './acl-rules.js';
import { dynamicRange } from './addresses.js';
import {
  createAcl,
  createNetwork,
  getAcl,
  getNetwork,
  isConflict,
  listAllNetworks,
  listNetworks,
  networkAddresses,
  patchNetwork,
  putAcl,
} from './incus-network.js';
import { MODE_BRIDGES } from './policy-model.js';
import { freeSubnet } from './subnets.js';

export type BridgeMode = Exclude<NetworkMode, 'none'>;
export const BRIDGE_MODES: readonly BridgeMode[] = ['restricted', 'allowlist', 'open'];

/** Marks a network or ACL as Enclave's own. */
export const OWNED_KEY = 'user.enclave.owned';

export interface HostFacts {
  /** Subnets that must stay free: the host's routes and interface networks ("a.b.c.d/n"). */
  takenSubnets(): Promise<string[]>;
  /** The host's own addresses beyond what Incus reports (a local daemon's interfaces). */
  hostAddresses(): Promise<string[]>;
}

export interface Bridge {
  mode: BridgeMode;
  name: string;
  /** The host's address on it with the prefix, e.g. "10.97.0.1/24". */
  gateway: string;
}

const DESCRIPTIONS: Record<BridgeMode, string> = {
  restricted: 'Enclave agents, restricted: the internet only (managed by Enclave)',
  allowlist: 'Enclave agents, allowlist: only the hosts each agent may reach (managed by Enclave)',
  open: 'Enclave agents, open: anything but other agents (managed by Enclave)',
};

/** The config Enclave holds its bridge of `mode` to (the subnet aside). IPv4 only. */
export function bridgeConfig(mode: BridgeMode, acl: string, gateway: string): Record<string, string> {
  const actions = defaultActions(mode);
  return {
    'ipv4.address': gateway,
    'ipv4.nat': 'true',
    'ipv4.dhcp.ranges': dynamicRange(gateway),
    'ipv6.address': 'none',
    'security.acls': acl,
    'security.acls.default.egress.action': actions.egress,
    'security.acls.default.ingress.action': actions.ingress,
    // The allowlist refuses by its default action: logged, so refusals reach the activity log.
    'security.acls.default.egress.logged': mode === 'allowlist' ? 'true' : 'false',
    [OWNED_KEY]: 'true',
  };
}

/** The keys of `want` that `have` holds otherwise. */
export function drift(have: Record<string, string>, want: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => have[k] !== v));
}

function sameRules(a: AclSpec, b: AclSpec): boolean {
  const norm = (s: AclSpec) => JSON.stringify({ e: s.egress.map(normRule), i: s.ingress.map(normRule) });
  return norm(a) === norm(b);
}

function normRule(r: object): Record<string, string> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '' && v !== undefined).sort(([a], [b]) => a.localeCompare(b))) as Record<string, string>;
}

/** Every address the daemon's host has: on Incus's networks (its physical ones too) and locally. */
export async function allHostAddresses(client: IncusClient, host: HostFacts): Promise<string[]> {
  const nets = await listNetworks(client);
  const found = await Promise.all(nets.map((n) => networkAddresses(client, n.name).catch(() => [] as string[])));
  return [...new Set([...found.flat(), ...(await host.hostAddresses())].map((a) => a.split('/')[0]!))].sort();
}

async function ensureAcl(client: IncusClient, name: string, mode: BridgeMode): Promise<void> {
  if (await getAcl(client, name)) return;
  try {
    await createAcl(client, { name, description: DESCRIPTIONS[mode], egress: [], ingress: [] });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

/** Creates the bridge when missing (on a free /24), repairs drifted keys; returns its gateway. */
async function ensureNetwork(client: IncusClient, mode: BridgeMode, name: string, host: HostFacts): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await getNetwork(client, name);
    if (found) {
      const current = found.network.config['ipv4.address'];
      const gateway = current && current !== 'none' && current !== 'auto' ? current : await pickGateway(client, host);
      const change = drift(found.network.config, bridgeConfig(mode, name, gateway));
      if (Object.keys(change).length || found.network.description !== DESCRIPTIONS[mode]) {
        await patchNetwork(client, name, { description: DESCRIPTIONS[mode], config: change }, found.etag);
      }
      return gateway;
    }
    const gateway = await pickGateway(client, host);
    try {
      await createNetwork(client, { name, description: DESCRIPTIONS[mode], config: bridgeConfig(mode, name, gateway) });
      return gateway;
    } catch (err) {
      // Another client created it meanwhile: use theirs.
      if (!isConflict(err)) throw err;
    }
  }
  throw new Error(`The bridge ${name} kept changing while Enclave set it up.`);
}

async function pickGateway(client: IncusClient, host: HostFacts): Promise<string> {
  const nets = await listAllNetworks(client);
  const taken = [
    ...(await host.takenSubnets()),
    ...nets.map((n) => n.config['ipv4.address'] ?? '').filter((a) => a.includes('/')),
  ];
  const subnet = freeSubnet(taken);
  if (!subnet) throw new Error('No free /24 in 10.97.0.0–10.126.255.0 for an Enclave bridge: every one collides with a route or network.');
  return subnet.replace(/\.0\/24$/, '.1/24');
}

/**
 * Makes sure Enclave's three bridges and their ACLs exist and say what Enclave wants:
 * missing ones are created, drifted keys and rules repaired. The allowlist ACL's per-agent
 * rules are not touched here (see allowlist.ts).
 */
export async function ensureBridges(client: IncusClient, host: HostFacts, names: Record<BridgeMode, string> = MODE_BRIDGES): Promise<Record<BridgeMode, Bridge>> {
  const out = {} as Record<BridgeMode, Bridge>;
  for (const mode of BRIDGE_MODES) {
    const name = names[mode];
    await ensureAcl(client, name, mode);
    out[mode] = { mode, name, gateway: await ensureNetwork(client, mode, name, host) };
  }
  const hostAddrs = await allHostAddresses(client, host);
  for (const mode of ['restricted', 'open'] as const) {
    const want = mode === 'restricted' ? restrictedAcl(hostAddrs) : openAcl(out.open.gateway);
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await getAcl(client, names[mode]);
      if (!found) throw new Error(`The network ACL ${names[mode]} disappeared while Enclave set it up.`);
      if (sameRules(found.acl, want)) break;
      try {
        await putAcl(client, { ...found.acl, ...want }, found.etag);
        break;
      } catch (err) {
        if (attempt === 2 || !(err instanceof Error && /412|precondition/i.test(`${(err as { status?: number }).status} ${err.message}`))) throw err;
      }
    }
  }
  return out;
}
