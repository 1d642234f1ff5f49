import type { AgentChangeResult } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import type { IncusEvent } from '../../incus/events.js';
import { changeState, listInstances, type Instance } from '../../incus/instances.js';
import { mutate } from '../../incus/operations.js';
import {
  adoptOwnProfiles,
  getProject,
  listProfiles,
  listStoragePools,
  ownsProfiles,
  patchProjectConfig,
  type Profile,
} from '../../incus/projects.js';
import { USER, type ActivityLog } from '../activity/activity-log.js';
import type { AgentLocks } from '../agent-locks.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { Connection } from '../connection.js';
import { MODE_BRIDGES } from '../network/policy-model.js';
import { fixNotes, isolationFix } from './fix.js';
import { ENCLAVE_PROFILE, PROFILE_DESCRIPTION, choosePool, profileDrifted, profileSpec, rootPoolOf } from './profile-spec.js';
import { mountsHostFolders, projectRestrictions, restrictionConflicts } from './restrictions.js';

export interface IsolationOptions {
  /** Re-applies an agent's network policy to its NIC (the network service's); absent, eth0 is left to the user. */
  reapplyNetwork?: (name: string) => Promise<unknown>;
  /** The networks an agent's NIC may join (restricted.networks.access); Enclave's bridges by default. */
  networks?: readonly string[];
}

const MAX_LISTED = 3;
const profilePath = `/1.0/profiles/${ENCLAVE_PROFILE}`;

/**
 * Keeps Enclave's isolation in Incus: its own profile `enclave` (created, and rewritten when
 * it drifted, on every connect and whenever a profile changes), the project's restrictions
 * (applied while nothing in the project breaks them), and the fix of an agent that drifted.
 */
export class IsolationService {
  private readonly networks: readonly string[];
  private chain: Promise<unknown> = Promise.resolve();
  private recheckTimer: NodeJS.Timeout | null = null;
  /** The project is left unrestricted because something in it breaks a restriction. */
  private conflicted = false;

  constructor(
    private readonly connection: Connection,
    private readonly deps: { agents: Pick<AgentMirror, 'reload'>; locks: Pick<AgentLocks, 'run'>; activity: Pick<ActivityLog, 'track'> },
    private readonly project: string,
    private readonly opts: IsolationOptions = {},
  ) {
    this.networks = opts.networks ?? Object.values(MODE_BRIDGES);
    connection.addConnectStep((client) => this.serial(() => this.ensure(client)));
    connection.on('event', (e) => this.onEvent(e));
  }

  /** One ensure or fix at a time: they read and write the same profile and project. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private onEvent(e: IncusEvent): void {
    if (e.type !== 'lifecycle') return;
    const action = e.metadata.action;
    // A change of a profile fires profile-* (and instance-updated per instance using it, which
    // the agents' mirror already re-reads): put Enclave's back, and re-check the restrictions.
    const profileChange = action.startsWith('profile-');
    // A deleted agent may have been the last to mount a folder (Enclave allowed host disks for it
    // before it existed, so whether one does is only known by looking).
    const instanceChange = action === 'instance-deleted' || (this.conflicted && action === 'instance-updated');
    if (profileChange || instanceChange) this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    if (this.recheckTimer) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      void this.recheck();
    }, 200);
    this.recheckTimer.unref?.();
  }

  /** Ensures again while connected; a failure shows as the connection's warning. */
  async recheck(): Promise<void> {
    if (this.connection.status.state !== 'connected') return;
    try {
      const client = this.connection.requireClient();
      this.connection.setStepWarning(await this.serial(() => this.ensure(client)));
    } catch (err) {
      this.connection.noteFailure(err);
      this.connection.setStepWarning(`Enclave could not restore its profile "${ENCLAVE_PROFILE}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Creates or rewrites Enclave's profile and restricts the project when nothing in it
   * conflicts; resolves to a warning for the connection status, throws when the profile
   * cannot be had (no agent could be made).
   */
  async ensure(client: IncusClient): Promise<string | null> {
    let project = await getProject(client, this.project);
    const instances = await listInstances(client);
    if (!ownsProfiles(project) && (await adoptOwnProfiles(client, project, instances.length))) {
      project = await getProject(client, this.project);
    }
    const own = ownsProfiles(project);
    const profiles = await listProfiles(client, this.project);
    const current = profiles.find((p) => p.name === ENCLAVE_PROFILE);
    const others = profiles.filter((p) => p.name !== ENCLAVE_PROFILE);
    const conflicts = own ? restrictionConflicts(instances, others, this.networks) : [];
    const restricted = project.config.restricted === 'true';
    // Once restricted, Incus refuses every change in the project while one thing breaks a
    // restriction, Enclave's own included: lift it until the agent is fixed.
    if (conflicts.length && restricted) await patchProjectConfig(client, this.project, { restricted: 'false' });

    await this.ensureProfile(client, current);

    this.conflicted = conflicts.length > 0;
    if (!own) {
      return `Project "${this.project}" shares the default project's profiles (an older Enclave made it), and Incus restricts only projects with profiles of their own: the incus CLI is not held to Enclave's isolation there (Enclave still checks every agent).`;
    }
    if (conflicts.length) {
      const listed = conflicts.slice(0, MAX_LISTED).join('; ');
      const more = conflicts.length > MAX_LISTED ? ` and ${conflicts.length - MAX_LISTED} more` : '';
      return `Project "${this.project}" is not restricted while ${listed}${more}. Fix the agent from its card (or remove what is listed), and Enclave restricts it.`;
    }
    // Re-derived on every connect: host-path disks are allowed exactly while an agent mounts a folder.
    const wanted = projectRestrictions(this.networks, mountsHostFolders(instances));
    const change = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => project.config[k] !== v));
    if (Object.keys(change).length) {
      try {
        await patchProjectConfig(client, this.project, change);
      } catch (err) {
        if (!(err instanceof IncusError)) throw err;
        this.conflicted = true;
        return `Incus refused to restrict project "${this.project}": ${err.message}`;
      }
    }
    return null;
  }

  private async ensureProfile(client: IncusClient, current: Profile | undefined): Promise<void> {
    const pools = await listStoragePools(client);
    let defaultPool: string | null = null;
    try {
      defaultPool = rootPoolOf((await client.get<Profile>('/1.0/profiles/default', { project: 'default' })).devices);
    } catch (err) {
      if (!(err instanceof IncusError && err.status === 404)) throw err;
    }
    const pool = choosePool(pools, rootPoolOf(current?.devices), defaultPool);
    if (!pool) {
      throw new Error(`Incus has no storage pool for Enclave's profile "${ENCLAVE_PROFILE}": create one (incus storage create enclave btrfs) and Enclave will use it.`);
    }
    const spec = profileSpec(pool);
    const body = { description: PROFILE_DESCRIPTION, config: spec.config, devices: spec.devices };
    if (!current) {
      try {
        await client.call('POST', '/1.0/profiles', { body: { name: ENCLAVE_PROFILE, ...body } });
        return;
      } catch (err) {
        // Another Enclave made it meanwhile: make sure it is ours.
        if (!(err instanceof IncusError && err.status === 409)) throw err;
      }
    } else if (!profileDrifted(current, spec) && current.description === PROFILE_DESCRIPTION) {
      return;
    }
    await client.call('PUT', profilePath, { body });
  }

  /**
   * Removes what breaks the agent's isolation, in one update through its lock: Enclave's
   * profile only, its own overrides and forbidden keys gone, the offending devices removed;
   * its eth0 re-applied from its network policy when that is possible.
   */
  async fix(args: { agent: string }): Promise<AgentChangeResult> {
    const client = this.connection.requireClient();
    const path = `/1.0/instances/${encodeURIComponent(args.agent)}`;
    const done = await this.deps.locks.run(args.agent, 'having its isolation fixed', async () => {
      try {
        const { envelope, etag } = await client.call<Instance & { architecture?: string }>('GET', path);
        const inst = envelope.metadata;
        const fix = isolationFix(inst);
        if (!fix.fixed.length) return null;
        const fixed = fix.fixed.map((p) => `${p.item} (${p.value})`).join(', ');
        const action = { kind: 'isolation' as const, done: `isolation fixed: ${fixed}`, failed: `fixing isolation (${fixed}) failed`, by: USER, expects: ['instance-updated'] as string[] };
        const body = {
          architecture: inst.architecture,
          config: fix.config,
          devices: fix.devices,
          profiles: fix.profiles,
          ephemeral: inst.ephemeral,
          stateful: inst.stateful,
          description: inst.description,
        };
        const running = inst.status === 'Running' || inst.status === 'Frozen';
        // A workspace device is restored with the agent stopped (see IsolationFix.restoresWorkspace).
        const bounce = fix.restoresWorkspace && running;
        if (bounce) action.expects.push('instance-stopped', 'instance-started');
        await this.deps.activity.track(args.agent, action, async () => {
          if (bounce) await changeState(client, args.agent, 'stop', { force: true });
          await mutate(client, 'PUT', path, { body, headers: etag && !bounce ? { 'If-Match': etag } : {} });
          if (bounce) await changeState(client, args.agent, 'start');
        });
        return { fix, running };
      } catch (err) {
        this.connection.noteFailure(err);
        throw err;
      }
    });
    if (!done) return { agent: await this.deps.agents.reload(args.agent), notes: ['Nothing to fix: its isolation holds.'] };
    // Outside the lock: the network service takes the agent's lock itself.
    let nic: 'reapplied' | 'unfixed' | 'none' = 'none';
    if (done.fix.reapplyNic) {
      if (this.opts.reapplyNetwork) {
        await this.opts.reapplyNetwork(args.agent);
        nic = 'reapplied';
      } else {
        nic = 'unfixed';
      }
    }
    // With this agent fixed, the project may be restricted at last.
    if (this.conflicted) await this.recheck();
    const agent = await this.deps.agents.reload(args.agent);
    const notes = fixNotes(done.fix.fixed, done.running, nic);
    if (done.fix.restoresWorkspace && done.running) notes.push('It was stopped and started again to restore its workspace mount: Incus deletes a mounted file it changes on a running agent.');
    return { agent, notes };
  }
}
