import { EnclaveError } from '../../shared/errors.js';
import type { AgentLimits, LimitsResult } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';
import { getInstance, profileDevices, type Instance } from '../incus/instances.js';
import { listStoragePools } from '../incus/projects.js';
import { USER, type ActivityLog } from './activity/activity-log.js';
import type { AgentLocks } from './agent-locks.js';
import type { AgentMirror } from './agent-mirror.js';
import { toAgent } from './agent-model.js';
import type { QuotaHealth } from './quota-health.js';
import type { Connection } from './connection.js';
import { patchFullAware, rootDiskSize, shrinkProblem } from './full-disk.js';
import { ENCLAVE_PROFILE } from './isolation/profile-spec.js';
import { limitsChangeText, limitsNotes, limitsPatch, limitsSpec, rootDeviceWithSize } from './limits-model.js';

/** Resource limits set on an agent after its creation; the translation is limits-model.ts. */

function limitsOfInstance(inst: Instance): AgentLimits {
  return toAgent(inst).limits;
}

/** Config and devices for a new agent with these limits (its root based on Enclave's profile). */
export async function createLimitsSpec(
  client: IncusClient,
  limits: AgentLimits,
): Promise<{ config: Record<string, string>; devices: Record<string, Record<string, string>> }> {
  // Enclave's profile is read only when a disk size needs its root device.
  return limitsSpec(limits, limits.disk ? await profileDevices(client, ENCLAVE_PROFILE) : undefined);
}

/**
 * Sets an agent's limits after its creation with `set` (PATCH of the config and,
 * for disk, the root device), through the agent's lock.
 */
export class LimitsService {
  constructor(
    private readonly connection: Connection,
    private readonly deps: { agents: Pick<AgentMirror, 'reload'>; locks: Pick<AgentLocks, 'run'>; activity: Pick<ActivityLog, 'track'> },
    private readonly quotaHealth?: QuotaHealth,
    /** Bytes the agent's root disk holds now (the quota's own count), when known. */
    private readonly diskUse: (agent: string) => number | null = () => null,
  ) {}

  async set(args: { agent: string; limits: Partial<AgentLimits> }): Promise<LimitsResult> {
    const client = this.connection.requireClient();
    const keys = (Object.keys(args.limits) as (keyof AgentLimits)[]).filter((k) => args.limits[k] !== undefined);
    return this.deps.locks.run(args.agent, 'having its limits changed', async () => {
      try {
        const inst: Instance = await getInstance(client, args.agent);
        const change: { config?: Record<string, string>; devices?: Record<string, Record<string, string>> } = {};
        const config = limitsPatch(args.limits);
        if (Object.keys(config).length) change.config = config;
        let driver: string | null = null;
        const notes: string[] = [];
        if (args.limits.disk !== undefined) {
          change.devices = rootDeviceWithSize(inst.devices, inst.expanded_devices, args.limits.disk);
          const pool = Object.values(change.devices)[0]?.pool;
          driver = (await listStoragePools(client)).find((p) => p.name === pool)?.driver ?? null;
          const shrink = driver === 'btrfs' ? shrinkProblem(args.agent, args.limits.disk, this.diskUse(args.agent)) : null;
          if (shrink) throw new EnclaveError('conflict', shrink);
        }
        if (change.config || change.devices) {
          // A full disk takes two updates (see patchFullAware).
          await this.deps.activity.track(
            args.agent,
            { kind: 'limits', done: limitsChangeText(limitsOfInstance(inst), args.limits), failed: 'limits change failed', by: USER, expects: ['instance-updated', 'instance-updated'] },
            () => patchFullAware(client, args.agent, change, rootDiskSize(inst), notes),
          );
        }
        const agent = await this.deps.agents.reload(args.agent);
        notes.push(...limitsNotes(keys, inst.status === 'Running', driver));
        const quotaProblem = driver === 'btrfs' ? this.quotaHealth?.check() : null;
        if (quotaProblem) notes.push(quotaProblem);
        return { agent, notes };
      } catch (err) {
        this.connection.noteFailure(err);
        throw err;
      }
    });
  }
}
