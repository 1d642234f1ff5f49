import type { NetworkMode } from '../../../shared/types.js';
import { lastAddress, parseCidr, toAddress, toNumber } from './ipv4.js';

/**
 * The network ACLs of Enclave's bridges, as Incus's ACL rules. Incus applies reject and
 * drop rules before allow rules whatever their order, so "allow X inside a rejected range"
 * cannot be said: every rule set here is either rejects under an allowing default, or
 * allows under a rejecting default. DHCP and DNS from the bridge to its own gateway are
 * accepted by Incus before any ACL rule, and so are packets of established connections.
 */

export interface AclRule {
  action: 'allow' | 'reject' | 'drop';
  state: 'enabled' | 'disabled' | 'logged';
  description?: string;
  source?: string;
  destination?: string;
  protocol?: string;
  destination_port?: string;
}

export interface AclSpec {
  egress: AclRule[];
  ingress: AclRule[];
}

/** What the internet is not: ranges a restricted agent never reaches (IPv4 and IPv6). */
export const NON_INTERNET_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, with the cloud metadata address 169.254.169.254
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4', // reserved, with the broadcast address 255.255.255.255
];
export const NON_INTERNET_V6 = ['::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

/** Blocked connections are logged by the kernel with the rule's prefix (see blocked-log.ts). */
const LOGGED = 'logged' as const;

/** Rules of the restricted bridge: everything but the internet refused, with the host's own addresses. */
export function restrictedAcl(hostAddresses: readonly string[]): AclSpec {
  const host = [...new Set(hostAddresses.map((a) => a.split('/')[0]!))].sort();
  const hostV4 = host.filter((a) => !a.includes(':')).map((a) => `${a}/32`);
  const hostV6 = host.filter((a) => a.includes(':')).map((a) => `${a}/128`);
  const egress: AclRule[] = [
    { action: 'reject', state: LOGGED, description: 'not the internet (IPv4)', destination: NON_INTERNET_V4.join(',') },
    { action: 'reject', state: LOGGED, description: 'not the internet (IPv6)', destination: NON_INTERNET_V6.join(',') },
  ];
  if (hostV4.length || hostV6.length) {
    egress.push({ action: 'reject', state: LOGGED, description: 'the host itself', destination: [...hostV4, ...hostV6].join(',') });
  }
  return { egress, ingress: [] };
}

/** Rules of the open bridge: anything but the other agents on it (the gateway stays reachable). */
export function openAcl(gateway: string): AclSpec {
  const s = parseCidr(gateway);
  if (!s) throw new Error(`"${gateway}" is not an IPv4 network`);
  const gw = toNumber(gateway.split('/')[0]!);
  const ranges: string[] = [];
  if (gw > s.base) ranges.push(gw - 1 === s.base ? toAddress(s.base) : `${toAddress(s.base)}-${toAddress(gw - 1)}`);
  if (gw < lastAddress(s)) ranges.push(gw + 1 === lastAddress(s) ? toAddress(gw + 1) : `${toAddress(gw + 1)}-${toAddress(lastAddress(s))}`);
  return {
    egress: [{ action: 'reject', state: LOGGED, description: 'other agents on this bridge', destination: ranges.join(',') }],
    ingress: [],
  };
}

/** The description that marks an agent's own allowlist rules, so they are found and replaced. */
export function agentTag(project: string, agent: string): string {
  return `enclave agent ${project}/${agent}`;
}

/** The agent a rule belongs to, from its description; null for rules that are not an agent's. */
export function ruleOwner(rule: Pick<AclRule, 'description'>): { project: string; agent: string } | null {
  const m = /^enclave agent ([^/\s]+)\/(\S+)$/.exec(rule.description ?? '');
  return m ? { project: m[1]!, agent: m[2]! } : null;
}

export interface ResolvedAllow {
  /** IPv4 addresses or networks. */
  destinations: string[];
  ports: number[];
}

/**
 * One agent's rules on the allowlist bridge (default reject), keyed by its fixed source
 * address: one allow rule per port set and protocol. Ports are TCP and UDP; none = any.
 */
export function agentAllowRules(project: string, agent: string, address: string, allow: readonly ResolvedAllow[]): AclRule[] {
  const description = agentTag(project, agent);
  const byPorts = new Map<string, Set<string>>();
  for (const entry of allow) {
    if (!entry.destinations.length) continue;
    const key = [...new Set(entry.ports)].sort((a, b) => a - b).join(',');
    const set = byPorts.get(key) ?? new Set<string>();
    for (const d of entry.destinations) set.add(d);
    byPorts.set(key, set);
  }
  const rules: AclRule[] = [];
  for (const [ports, dests] of [...byPorts].sort(([a], [b]) => a.localeCompare(b))) {
    const destination = [...dests].sort().join(',');
    if (!ports) {
      rules.push({ action: 'allow', state: 'enabled', description, source: `${address}/32`, destination });
      continue;
    }
    for (const protocol of ['tcp', 'udp']) {
      rules.push({ action: 'allow', state: 'enabled', description, source: `${address}/32`, destination, protocol, destination_port: ports });
    }
  }
  return rules;
}

/**
 * Whether a rule of the allowlist ACL stays when `project` rewrites its own agents' rules:
 * rules that are no agent's stay; rules of `project` go (they are rebuilt); another project's
 * stay only while the agent they name still holds their source address (`holder`: address →
 * "project/agent"), so an address handed to a new agent never inherits a stale rule.
 */
export function keepRule(rule: AclRule, project: string, holder: ReadonlyMap<string, string>): boolean {
  const owner = ruleOwner(rule);
  if (!owner) return true;
  if (owner.project === project) return false;
  return holder.get((rule.source ?? '').replace(/\/32$/, '')) === `${owner.project}/${owner.agent}`;
}

/** The ACL default actions of a mode's bridge. */
export function defaultActions(mode: Exclude<NetworkMode, 'none'>): { egress: 'allow' | 'reject'; ingress: 'reject' } {
  return { egress: mode === 'allowlist' ? 'reject' : 'allow', ingress: 'reject' };
}
