import { EnclaveError } from '../../../shared/errors.js';
import type { AgentChangeResult, NetworkPolicy } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { getInstance, patchInstance, type Instance } from '../../incus/instances.js';
import { USER, automatic, type ActivityLog } from '../activity/activity-log.js';
import type { AgentLocks } from '../agent-locks.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { Connection } from '../connection.js';
import { BlockedLog } from './blocked-log.js';
import { agentAllowRules, keepRule, type AclRule } from './acl-rules.js';
import { freeAddress } from './addresses.js';
import { ensureBridges, type Bridge, type BridgeMode, type HostFacts } from './bridges.js';
import { getAcl, isPreconditionFailed, putAcl } from './incus-network.js';
import { NO_NIC, addressesOn, isAddressConflict, isEgressPolicingMissing, nicBridge, nicDevice, sameDevice } from './nic.js';
import { AGENT_NIC, MODE_BRIDGES, networkOf, policyConfig, policyOf } from './policy-model.js';
import { AllowResolver, type Lookup } from './resolver.js';
import { localAddresses, localRoutes } from './subnets.js';

export interface NetworkServiceOptions {
  host?: HostFacts;
  lookup?: Lookup;
  /** How often names on allowlists are looked up again while their agents run. */
  resolveEveryMs?: number;
  /**
   * Blocked connections from the kernel log into the activity logs; on by default for the
   * local host (the log is this machine's), false to turn it off.
   */
  blockedLog?: boolean;
  /**
   * False: never create or repair Enclave's bridges (agents in mode `none` only). For a second
   * daemon on this host (the fault tests'): it shares the host's network namespace, where the
   * first daemon's bridges already have these names.
   */
  bridges?: boolean;
}

/** The local host's routes and interfaces (the daemon is on this machine: its socket is). */
export const LOCAL_HOST: HostFacts = {
  takenSubnets: async () => [...(await localRoutes()), ...localAddresses().v4],
  hostAddresses: async () => {
    const { v4, v6 } = localAddresses();
    return [...v4, ...v6];
  },
};

/**
 * A remote server's host: Enclave cannot read its routes or interfaces, so it names none and
 * Incus's own checks of a bridge's subnet against the server's networks are what guard it.
 */
export const REMOTE_HOST: HostFacts = {
  takenSubnets: async () => [],
  hostAddresses: async () => [],
};

type Devices = Record<string, Record<string, string>>;

/** Every instance of every project (addresses are unique per network across projects). */
async function allInstances(client: IncusClient): Promise<Instance[]> {
  return client.get<Instance[]>('/1.0/instances', { query: { recursion: '1', 'all-projects': 'true' }, project: null });
}

/**
 * Network policy per agent: the NIC (or none) an agent's mode gives it, on Enclave's bridges,
 * and the per-agent rules of the allowlist bridge's ACL. The policy itself lives on the
 * instance (policy-model.ts); everything here is derived from it and rebuilt on connect.
 */
export class NetworkService {
  private bridges: Promise<Record<BridgeMode, Bridge>> | null = null;
  private readonly resolver: AllowResolver;
  private timer: NodeJS.Timeout | null = null;
  private readonly host: HostFacts;
  /** Null unless the daemon is local (its host facts are this machine's) and not turned off. */
  readonly blocked: BlockedLog | null;

  constructor(
    private readonly connection: Connection,
    private readonly deps: { agents: Pick<AgentMirror, 'reload' | 'cached' | 'on'>; locks: Pick<AgentLocks, 'run'>; activity: Pick<ActivityLog, 'track' | 'record'> },
    private readonly opts: NetworkServiceOptions = {},
  ) {
    this.host = opts.host ?? LOCAL_HOST;
    this.resolver = new AllowResolver(opts.lookup);
    this.blocked = (opts.blockedLog ?? this.host === LOCAL_HOST) ? new BlockedLog(deps.agents, deps.activity) : null;
    connection.on('ready', (client) => {
      this.bridges = null;
      this.blocked?.start();
      void this.reconcile(client).catch((err: unknown) => this.connection.noteFailure(err));
    });
    deps.agents.on('changed', (c) => {
      if (c.kind === 'removed') void this.syncRules(this.connection.requireClient()).catch(() => undefined);
    });
  }

  /** Enclave's bridges, created or repaired once per connection. */
  ensure(client: IncusClient): Promise<Record<BridgeMode, Bridge>> {
    if (this.opts.bridges === false) {
      return Promise.reject(new EnclaveError('unavailable', 'This backend makes no bridges: give agents network mode none.'));
    }
    if (!this.bridges) {
      const p = ensureBridges(client, this.host, MODE_BRIDGES);
      this.bridges = p;
      p.catch(() => {
        if (this.bridges === p) this.bridges = null;
      });
    }
    return this.bridges;
  }

  /**
   * A free address on the bridge. Incus checks a NIC's address only when the instance starts,
   * so two creates in flight would both pick the first free one: each address handed out is
   * held here until Incus holds it too (by then a listing shows it), or for a minute.
   */
  private async allocate(client: IncusClient, bridge: Bridge, skip: number): Promise<string> {
    const now = Date.now();
    for (const [addr, until] of this.handedOut) if (until < now) this.handedOut.delete(addr);
    const used = [...addressesOn(await allInstances(client), bridge.name), ...this.handedOut.keys()];
    const address = freeAddress(bridge.gateway, used, skip);
    if (!address) throw new EnclaveError('conflict', `The bridge ${bridge.name} has no free address left for another agent.`);
    this.handedOut.set(address, now + 60_000);
    return address;
  }

  /** Addresses handed out for creates and changes not yet in Incus, until when they are held. */
  private readonly handedOut = new Map<string, number>();

  /**
   * Runs `start`; when Incus refuses it because another NIC holds the agent's address (another
   * client gave it out meanwhile: Incus checks addresses only at start), gives the agent a free
   * one and tries again.
   */
  async startReaddressing<T>(client: IncusClient, name: string, start: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await start();
      } catch (err) {
        if (attempt >= 3 || !isAddressConflict(err)) throw err;
        const inst = await getInstance(client, name);
        const nic = inst.devices?.[AGENT_NIC];
        const mode = policyOf(inst).mode;
        if (!nic || mode === 'none' || nicBridge(nic) === null) throw err;
        const address = await this.allocate(client, (await this.ensure(client))[mode], attempt);
        await patchInstance(client, name, { devices: { [AGENT_NIC]: { ...nic, 'ipv4.address': address } } });
        if (mode === 'allowlist') await this.syncRules(client);
      }
    }
  }

  /** The policy keys and eth0 for an agent in `policy`; `skip` steps past addresses that turned out taken. */
  async spec(client: IncusClient, policy: NetworkPolicy, skip = 0): Promise<{ config: Record<string, string>; devices: Devices }> {
    if (policy.mode === 'none') return { config: policyConfig(policy), devices: { [AGENT_NIC]: NO_NIC } };
    const bridge = (await this.ensure(client))[policy.mode];
    const address = await this.allocate(client, bridge, skip);
    return { config: policyConfig(policy), devices: { [AGENT_NIC]: nicDevice(bridge.name, address, policy) } };
  }

  /**
   * Runs `create` with the spec for `policy`, again with the next free address when Incus
   * says another NIC took the address meanwhile; then the agent's allowlist rules.
   */
  async withSpec<T>(name: string, policy: NetworkPolicy, create: (spec: { config: Record<string, string>; devices: Devices }) => Promise<T>): Promise<T> {
    const client = this.connection.requireClient();
    for (let attempt = 0; ; attempt++) {
      const spec = await this.spec(client, policy, attempt);
      try {
        const result = await create(spec);
        if (policy.mode === 'allowlist') await this.syncRules(client);
        return result;
      } catch (err) {
        if (attempt < 3 && isAddressConflict(err)) continue;
        throw explainNicError(err);
      }
    }
  }

  /** Devices a clone of `source` needs: its own address on the source's bridge (Incus would copy the source's). */
  async cloneDevices(source: string): Promise<Devices> {
    const client = this.connection.requireClient();
    const inst = await getInstance(client, source.split('/')[0]!);
    const policy = policyOf(inst);
    const nic = (inst.devices ?? {})[AGENT_NIC];
    if (!nic || nicBridge(nic) === null) return {};
    return (await this.spec(client, policy)).devices;
  }

  /** Changes an agent's policy, live when it runs. */
  async set(args: { agent: string; policy: NetworkPolicy }): Promise<AgentChangeResult> {
    const client = this.connection.requireClient();
    const policy = args.policy;
    return this.deps.locks.run(args.agent, 'having its network changed', async () => {
      try {
        const inst = await getInstance(client, args.agent);
        const before = networkOf(inst);
        const running = inst.status === 'Running';
        const notes: string[] = [];
        if (policy.mode === 'none') {
          await this.deps.activity.track(
            args.agent,
            { kind: 'network', done: policyChangeText(before.policy, policy, null, null), failed: 'network change to none failed', by: USER, expects: ['instance-updated'] },
            () => patchInstance(client, args.agent, { config: policyConfig(policy), devices: { [AGENT_NIC]: NO_NIC } }),
          );
          if (before.bridge) notes.push(running ? 'The agent has no network now: its NIC was removed and every connection it had is cut.' : 'The agent has no network.');
        } else {
          const bridge = (await this.ensure(client))[policy.mode];
          const kept = before.bridge === bridge.name ? before.address : null;
          // Each attempt is one update; a conflict refuses it without changing anything.
          const change = { kind: 'network' as const, failed: `network change to ${policy.mode} failed`, by: USER, expects: ['instance-updated'] };
          const address = await this.deps.activity.track(args.agent, { ...change, done: (chosen: string) => policyChangeText(before.policy, policy, bridge.name, chosen) }, async () => {
            for (let attempt = 0; ; attempt++) {
              const chosen = kept ?? (await this.allocate(client, bridge, attempt));
              const nic = nicDevice(bridge.name, chosen, policy);
              const devices: Devices = sameDevice(inst.devices?.[AGENT_NIC], nic) ? {} : { [AGENT_NIC]: nic };
              try {
                await patchInstance(client, args.agent, { config: policyConfig(policy), devices });
                return chosen;
              } catch (err) {
                if (kept === null && attempt < 3 && isAddressConflict(err)) continue;
                throw explainNicError(err);
              }
            }
          });
          if (before.bridge !== bridge.name) {
            notes.push(
              running
                ? `The agent's NIC moved to ${bridge.name} (${address}) now, without a restart; connections it had${before.bridge ? ` through ${before.bridge}` : ''} are cut.`
                : `The agent joins ${bridge.name} (${address}) when it starts.`,
            );
          } else if (running) {
            notes.push('The new rules apply to new connections now; connections opened before keep going until they close (the firewall lets established connections through).');
          }
          if (policy.ingress || policy.egress) notes.push(running ? 'Bandwidth limits apply now.' : 'Bandwidth limits apply when the agent starts.');
        }
        const failures = await this.syncRules(client);
        for (const f of failures.filter((x) => x.agent === args.agent)) notes.push(f.text);
        const agent = await this.deps.agents.reload(args.agent);
        return { agent, notes };
      } catch (err) {
        this.connection.noteFailure(err);
        throw err;
      }
    });
  }

  /**
   * Rebuilds this project's rules in the allowlist ACL from its agents' policies, and drops
   * every rule whose source address is no longer held by the agent its description names.
   * Returns the names that did not resolve (also written to the agents' activity logs).
   */
  async syncRules(client: IncusClient): Promise<{ agent: string; text: string }[]> {
    if (this.opts.bridges === false) return [];
    const bridges = await this.ensure(client);
    const acl = bridges.allowlist.name;
    const everything = await allInstances(client);
    const holder = new Map<string, string>();
    for (const inst of everything) {
      const nic = (inst.expanded_devices ?? inst.devices ?? {})[AGENT_NIC];
      if (nic && nicBridge(nic) === acl && nic['ipv4.address']) holder.set(nic['ipv4.address'], `${inst.project}/${inst.name}`);
    }
    const project = client.project;
    const failures: { agent: string; text: string }[] = [];
    const mine: AclRule[] = [];
    for (const inst of everything.filter((i) => i.project === project)) {
      const net = networkOf(inst);
      if (net.policy.mode !== 'allowlist' || net.bridge !== acl || !net.address) continue;
      const resolved = await this.resolver.resolve(net.policy.allow);
      for (const f of resolved.failures) {
        const text = `${f.host} did not resolve (${f.reason}); ${f.kept.length ? `it keeps its last addresses ${f.kept.join(', ')}` : 'it stays unreachable until it resolves'}.`;
        failures.push({ agent: inst.name, text });
        this.deps.activity.record(inst.name, 'network', `allowlist: ${text}`, automatic('allowlist-lookup'));
      }
      mine.push(...agentAllowRules(project, inst.name, net.address, resolved.allow));
    }
    for (let attempt = 0; ; attempt++) {
      const found = await getAcl(client, acl);
      if (!found) throw new Error(`The network ACL ${acl} is missing.`);
      const egress = [...found.acl.egress.filter((r) => keepRule(r, project, holder)), ...mine];
      if (JSON.stringify(egress) === JSON.stringify(found.acl.egress)) return failures;
      try {
        await putAcl(client, { ...found.acl, egress }, found.etag);
        return failures;
      } catch (err) {
        if (attempt < 4 && isPreconditionFailed(err)) continue;
        throw err;
      }
    }
  }

  /** On connect: bridges ensured, rules rebuilt, names looked up again from time to time. */
  async reconcile(client: IncusClient): Promise<void> {
    if (this.opts.bridges === false) return;
    await this.ensure(client);
    await this.syncRules(client);
    if (!this.timer) {
      this.timer = setInterval(() => {
        const c = this.connection.status.state === 'connected' ? this.connection.requireClient() : null;
        if (c && this.deps.agents.cached().some((a) => a.network.policy.mode === 'allowlist' && a.status === 'Running')) {
          void this.syncRules(c).catch(() => undefined);
        }
      }, this.opts.resolveEveryMs ?? 5 * 60_000);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.blocked?.stop();
  }
}

function explainNicError(err: unknown): unknown {
  if (isEgressPolicingMissing(err)) {
    return new EnclaveError(
      'invalid-arguments',
      `This host cannot limit an agent's outbound bandwidth: the kernel lacks traffic policing (tc act_police). Leave "egress" empty. Incus said: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return err;
}

function policyChangeText(before: NetworkPolicy, after: NetworkPolicy, bridge: string | null, address: string | null): string {
  const where = bridge && address ? ` (${bridge}, ${address})` : '';
  const allow = after.mode === 'allowlist' ? `: ${after.allow.map((a) => (a.ports.length ? `${a.host}:${a.ports.join('/')}` : a.host)).join(', ')}` : '';
  const bw = after.ingress || after.egress ? `; bandwidth in ${after.ingress || 'unlimited'}, out ${after.egress || 'unlimited'}` : '';
  return `network ${before.mode} → ${after.mode}${where}${allow}${bw}`;
}
