import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../shared/errors.js';
import type { ActivityActor, Agent, AgentAction, AgentProgress, AgentsChange } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';
import { IncusError } from '../incus/errors.js';
import type { IncusEvent, OperationEvent } from '../incus/events.js';
import { changeState, createInstance, deleteInstance, getInstance, listInstances } from '../incus/instances.js';
import { META_PREFIX, instanceFromSource, toAgent } from './agent-model.js';
import { AgentLocks } from './agent-locks.js';
import type { AgentActions, AgentMirror, AgentSessions } from './agent-mirror.js';
import { scheduleConfig } from './snapshot-model.js';
import { SettingsStore } from './settings.js';
import { createLimitsSpec } from './limits.js';
import { agentWorkdir, ensureAgentSession, sessionFailureProgress } from './agent-tmux.js';
import { sessionUser } from './session-user.js';
import type { Connection } from './connection.js';
import { operationProgressText } from './progress.js';
import { ActivityLog, USER, automatic } from './activity/activity-log.js';
import { withDiskQuotaLifted, type LiftPurpose } from './full-disk.js';
import type { NetworkService } from './network/service.js';
import type { AgentLimits, NetworkPolicy } from '../../shared/types.js';
import type { SessionLaunch } from './templates/launch.js';
import { ENCLAVE_PROFILE } from './isolation/profile-spec.js';

interface AgentServiceEvents {
  changed: [AgentsChange];
  progress: [AgentProgress];
}

async function instanceExists(client: IncusClient, name: string): Promise<boolean> {
  try {
    await getInstance(client, name);
    return true;
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return false;
    throw err;
  }
}

/**
 * The lifecycle events an action may cause, and how the activity log words it. A start or
 * restart may lift a full disk's quota on the way (instance-updated, see full-disk.ts).
 */
const ACTION_EVENTS: Record<AgentAction, { text: string; events: string[] }> = {
  start: { text: 'started', events: ['instance-started', 'instance-updated'] },
  stop: { text: 'stopped', events: ['instance-stopped', 'instance-shutdown'] },
  restart: { text: 'restarted', events: ['instance-restarted', 'instance-stopped', 'instance-started', 'instance-shutdown', 'instance-updated'] },
  freeze: { text: 'frozen', events: ['instance-paused'] },
  unfreeze: { text: 'unfrozen', events: ['instance-resumed'] },
};

const DOING: Record<AgentAction | 'delete' | 'create', string> = {
  start: 'being started',
  stop: 'being stopped',
  restart: 'being restarted',
  freeze: 'being frozen',
  unfreeze: 'being unfrozen',
  delete: 'being deleted',
  create: 'being created',
};

/** Actions that go through whatever else runs on the agent (see AgentLocks). */
const OVERRIDES: ReadonlySet<AgentAction | 'delete' | 'create'> = new Set(['stop', 'freeze', 'unfreeze', 'delete']);

/**
 * Agents are the Incus instances of Enclave's project. This keeps a cache that mirrors Incus
 * through lifecycle events (resynced whenever the events stream reopens) and performs
 * lifecycle actions, one at a time per agent.
 */
export class AgentService extends EventEmitter<AgentServiceEvents> implements AgentMirror, AgentSessions, AgentActions {
  private readonly agents = new Map<string, Agent>();
  /** Refreshes in flight per name, and whether another event arrived meanwhile. */
  private readonly refreshing = new Map<string, boolean>();
  /** Operation id → agent name, for progress events of creates. */
  private readonly watchedOps = new Map<string, string>();
  private synced = false;
  /** Counts every change applied to the mirror; `touched` says when each name last changed. */
  private seq = 0;
  private readonly touched = new Map<string, number>();
  /** The newest resync started; an older one's list, answered later, is stale. */
  private resyncs = 0;
  /** The resync in flight: after an outage the mirror is the last known state until it lands. */
  private syncing: Promise<void> | null = null;
  /** Gives new agents their NIC and network policy (set by the Backend). */
  network: NetworkService | null = null;
  /** What the agent's tmux session runs at each start: its template's command (set by the Backend). */
  launcher: ((client: IncusClient, agent: Agent) => Promise<SessionLaunch>) | null = null;

  constructor(
    private readonly connection: Connection,
    readonly locks: AgentLocks = new AgentLocks(),
    private readonly settings: SettingsStore = new SettingsStore(),
    /** Where Enclave records what it does to agents (and what Incus reports others did). */
    readonly activity: ActivityLog = new ActivityLog(),
  ) {
    super();
    // A failed resync has already been reported to the connection; never leave it unhandled.
    // An outage leaves the mirror as it was (the last known agents); the resync on the way back reconciles it.
    connection.on('ready', (client) => void this.resync(client).catch(() => undefined));
    connection.on('event', (e) => this.onEvent(e));
  }

  async list(): Promise<Agent[]> {
    // Back from an outage: answer with Incus's list, not the mirror from before it.
    if (this.syncing) await this.syncing.catch(() => undefined);
    if (!this.synced) await this.resync(this.connection.requireClient());
    return [...this.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The mirror as it is now, without asking Incus (empty until the first sync). */
  cached(): Agent[] {
    return [...this.agents.values()];
  }

  /** Applies one change to the mirror and remembers when, so a slower resync cannot undo it. */
  private apply(name: string, agent: Agent | null): boolean {
    this.touched.set(name, ++this.seq);
    if (agent) {
      this.agents.set(name, agent);
      return true;
    }
    return this.agents.delete(name);
  }

  /**
   * Replaces the mirror with Incus's list. Events keep coming while the list is on its way
   * (after an incusd restart, autostarting agents emit them as Enclave reconnects): a name
   * that changed after the list was asked for keeps its newer state, and a list overtaken by
   * a newer resync is dropped, so the mirror never goes back in time.
   */
  private resync(client: IncusClient): Promise<void> {
    const pending = this.listAndApply(client).finally(() => {
      if (this.syncing === pending) this.syncing = null;
    });
    this.syncing = pending;
    return pending;
  }

  private async listAndApply(client: IncusClient): Promise<void> {
    const generation = ++this.resyncs;
    const asked = this.seq;
    try {
      const instances = await listInstances(client);
      if (generation !== this.resyncs) return;
      const listed = new Map(instances.map((inst) => [inst.name, toAgent(inst)] as const));
      const newer = (name: string) => (this.touched.get(name) ?? 0) > asked;
      for (const name of [...this.agents.keys()]) if (!listed.has(name) && !newer(name)) this.agents.delete(name);
      for (const [name, agent] of listed) if (!newer(name)) this.agents.set(name, agent);
      this.touched.clear();
      this.synced = true;
      this.emit('changed', { kind: 'reset', agents: [...this.agents.values()] });
    } catch (err) {
      this.connection.noteFailure(err);
      throw err;
    }
  }

  private onEvent(e: IncusEvent): void {
    if (e.type === 'operation') {
      this.onOperation(e);
      return;
    }
    if (e.type !== 'lifecycle') return;
    const meta = e.metadata;
    if (!meta.action.startsWith('instance-')) return;
    const target = instanceFromSource(meta.source);
    if (!target) return;
    if (meta.action === 'instance-deleted' && target.rest === '') {
      if (this.apply(target.name, null)) this.emit('changed', { kind: 'removed', name: target.name });
      return;
    }
    if (meta.action === 'instance-renamed') {
      const old = meta.context.old_name;
      if (typeof old === 'string' && this.apply(old, null)) this.emit('changed', { kind: 'removed', name: old });
    }
    void this.refresh(target.name);
  }

  private onOperation(e: OperationEvent): void {
    const op = e.metadata;
    const name = this.watchedOps.get(op.id);
    if (!name) return;
    const detail = operationProgressText(op.metadata);
    if (detail) this.emit('progress', { name, stage: 'creating', detail });
  }

  /** Re-reads one instance; coalesces bursts of events for the same name. */
  private async refresh(name: string): Promise<void> {
    if (this.refreshing.has(name)) {
      this.refreshing.set(name, true);
      return;
    }
    this.refreshing.set(name, false);
    try {
      do {
        this.refreshing.set(name, false);
        try {
          const agent = toAgent(await getInstance(this.connection.requireClient(), name));
          this.apply(name, agent);
          this.emit('changed', { kind: 'upsert', agent });
        } catch (err) {
          if (err instanceof IncusError && err.status === 404) {
            if (this.apply(name, null)) this.emit('changed', { kind: 'removed', name });
          } else {
            this.connection.noteFailure(err);
            return;
          }
        }
      } while (this.refreshing.get(name));
    } finally {
      this.refreshing.delete(name);
    }
  }

  /** Re-reads one agent from Incus and tells the renderers. */
  async reload(name: string): Promise<Agent> {
    const agent = await this.fresh(name);
    this.emit('changed', { kind: 'upsert', agent });
    return agent;
  }

  /** Whether the name is taken, asking Incus when the mirror does not know it. */
  async exists(name: string): Promise<boolean> {
    return this.agents.has(name) || instanceExists(this.connection.requireClient(), name);
  }

  /** One agent, from the mirror when it has it. */
  async get(name: string): Promise<Agent> {
    return this.agents.get(name) ?? (await this.fresh(name));
  }

  /** Starts the agent's tmux session; a failure there must not fail the start itself. */
  async startAgentSession(client: IncusClient, agent: Agent): Promise<void> {
    try {
      const launch = this.launcher ? await this.launcher(client, agent) : undefined;
      await ensureAgentSession(client, agent.name, agentWorkdir(agent), launch, sessionUser(agent));
    } catch (err) {
      this.emit('progress', sessionFailureProgress(agent.name, err));
    }
  }

  /** Starts the agent, with a new address if another client's agent took its own meanwhile. */
  private startReaddressing(client: IncusClient, name: string): Promise<unknown> {
    const start = () => changeState(client, name, 'start');
    return this.network ? this.network.startReaddressing(client, name, start) : start();
  }

  private async fresh(name: string): Promise<Agent> {
    const agent = toAgent(await getInstance(this.connection.requireClient(), name));
    this.apply(name, agent);
    return agent;
  }

  /**
   * Runs `work` under the agent's lock (AgentLocks: stop, freeze, unfreeze and delete override
   * any other action); a lost daemon is noticed at once.
   */
  private async exclusive<T>(name: string, action: AgentAction | 'delete' | 'create', work: () => Promise<T>): Promise<T> {
    const lock = OVERRIDES.has(action) ? this.locks.override.bind(this.locks) : this.locks.run.bind(this.locks);
    return lock(name, DOING[action], async () => {
      try {
        return await work();
      } catch (err) {
        this.connection.noteFailure(err);
        throw err;
      }
    });
  }

  async create(args: {
    name: string;
    image: string;
    description?: string | undefined;
    network?: NetworkPolicy | undefined;
    /** Over the settings' default limits, field by field ('' = unlimited). */
    limits?: Partial<AgentLimits> | undefined;
    /** More user.enclave.* keys (without the prefix), e.g. the template. */
    meta?: Record<string, string> | undefined;
    /** More devices (a workspace mount). */
    devices?: Record<string, Record<string, string>> | undefined;
    /** The cluster member to create it on; absent: Incus's placement. */
    target?: string | undefined;
    /**
     * Runs once the agent is running, before its session starts, outside its lock (it runs
     * commands inside the agent): brings the workspace in. If it fails, the new agent is deleted.
     */
    populate?: ((client: IncusClient, progress: (detail: string) => void) => Promise<void>) | undefined;
  }): Promise<Agent> {
    const client = this.connection.requireClient();
    if (this.agents.has(args.name)) {
      throw new EnclaveError('conflict', `An agent named "${args.name}" already exists. Choose another name.`);
    }
    const created = await this.exclusive(args.name, 'create', async () => {
      // Incus 6.0 reports a taken name only once the create operation runs, as a 500 about a
      // database constraint: ask first, so the user gets a plain conflict.
      if (await instanceExists(client, args.name)) {
        throw new EnclaveError('conflict', `An agent named "${args.name}" already exists. Choose another name.`);
      }
      const progress = (stage: AgentProgress['stage'], detail: string, error?: string) =>
        this.emit('progress', error ? { name: args.name, stage, detail, error } : { name: args.name, stage, detail });
      progress('creating', 'Creating the container');
      let opId: string | null = null;
      /** Past this, a 409 is not a taken name (Incus refuses a start with 409 too, e.g. an address conflict). */
      let made = false;
      try {
        const isFingerprint = /^[0-9a-f]{12,64}$/.test(args.image);
        const settings = await this.settings.get();
        const limits = await createLimitsSpec(client, { ...settings.defaultLimits, ...args.limits });
        const make = (net: { config: Record<string, string>; devices: Record<string, Record<string, string>> }) =>
          createInstance(
          client,
          {
            name: args.name,
            description: args.description ?? '',
            source: isFingerprint ? { type: 'image', fingerprint: args.image } : { type: 'image', alias: args.image },
            config: {
              [`${META_PREFIX}created-by`]: 'enclave',
              [`${META_PREFIX}image`]: args.image,
              [`${META_PREFIX}created-at`]: new Date().toISOString(),
              ...Object.fromEntries(Object.entries(args.meta ?? {}).map(([k, v]) => [`${META_PREFIX}${k}`, v])),
              ...scheduleConfig(settings.snapshotDefaults),
              ...limits.config,
              ...net.config,
            },
            devices: { ...args.devices, ...limits.devices, ...net.devices },
            profiles: [ENCLAVE_PROFILE],
            ...(args.target ? { target: args.target } : {}),
          },
          (id) => {
            opId = id;
            this.watchedOps.set(id, args.name);
          },
        );
        await this.activity.track(
          args.name,
          { kind: 'lifecycle', done: `created from ${args.image}`, failed: `create from ${args.image} failed`, by: USER, expects: ['instance-created', 'instance-started'] },
          async () => {
            if (this.network) await this.network.withSpec(args.name, args.network ?? settings.defaultNetwork, make);
            else await make({ config: {}, devices: {} });
            made = true;
            progress('starting', 'Starting');
            await this.startReaddressing(client, args.name);
          },
        );
        const agent = await this.fresh(args.name);
        this.emit('changed', { kind: 'upsert', agent });
        return agent;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        progress('failed', 'Failed', message);
        if (!made && err instanceof IncusError && err.status === 409) {
          throw new EnclaveError('conflict', `An agent named "${args.name}" already exists: ${message}`, 409);
        }
        throw err;
      } finally {
        if (opId) this.watchedOps.delete(opId);
      }
    });
    // A populated agent is read again: the copy writes what it learnt (a git init's base commit).
    const agent = args.populate ? (await this.populateOrUndo(client, args.name, args.populate), await this.fresh(args.name)) : created;
    // After the lock: the tmux start runs inside the agent, which must never hold it.
    await this.startAgentSession(client, agent);
    this.emit('progress', { name: args.name, stage: 'ready', detail: 'Running' });
    return agent;
  }

  /** Brings a new agent's workspace in; a failure deletes the agent (it holds nothing yet) and says why. */
  private async populateOrUndo(client: IncusClient, name: string, populate: NonNullable<Parameters<AgentService['create']>[0]['populate']>): Promise<void> {
    try {
      await populate(client, (detail) => this.emit('progress', { name, stage: 'workspace', detail }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.emit('progress', { name, stage: 'failed', detail: 'Failed', error: message });
      await this.delete({ name }).catch(() => undefined);
      throw err instanceof EnclaveError ? err : new EnclaveError('internal', `The project could not be copied into ${name}: ${message}`);
    }
  }

  /** `by` names who asked, for the activity log: the user's click, or the guard freezing it. */
  async action(args: { name: string; action: AgentAction; force?: boolean | undefined }, by: ActivityActor): Promise<Agent> {
    const client = this.connection.requireClient();
    const agent = await this.exclusive(args.name, args.action, async () => {
      const what = ACTION_EVENTS[args.action];
      await this.activity.track(args.name, { kind: 'lifecycle', done: what.text, failed: `${args.action} failed`, by, expects: what.events }, async () => {
        const change = () =>
          args.action === 'start' ? this.startReaddressing(client, args.name) : changeState(client, args.name, args.action, { force: args.force ?? false });
        if (args.action === 'start' || args.action === 'restart') {
          // A failed restart leaves the agent stopped: the retry starts it.
          await withDiskQuotaLifted(this.quotaLiftOpts(client, args.name, 'start'), change, () => this.startReaddressing(client, args.name));
        } else {
          await change();
        }
      });
      const fresh = await this.fresh(args.name);
      this.emit('changed', { kind: 'upsert', agent: fresh });
      return fresh;
    });
    // After the lock: the tmux start runs inside the agent, which must not hold its lock.
    if ((args.action === 'start' || args.action === 'restart') && agent.status === 'Running') {
      await this.startAgentSession(client, agent);
    }
    return agent;
  }

  /** How a full agent's quota is lifted for `purpose`, said in its activity log and progress. */
  private quotaLiftOpts(client: IncusClient, name: string, purpose: LiftPurpose) {
    const tell = (text: string) => {
      // Done by now, by Enclave on its own (whoever asked for the start or delete); its
      // instance-updated event is claimed by the action it is part of.
      this.activity.record(name, 'limits', text, automatic('full-disk'));
      if (purpose === 'start') this.emit('progress', { name, stage: 'starting', detail: text });
    };
    return { client, name, purpose, tell };
  }

  /** Stops (forcefully: the user confirmed) and deletes the agent with its snapshots. */
  async delete(args: { name: string }): Promise<{ name: string }> {
    const client = this.connection.requireClient();
    return this.exclusive(args.name, 'delete', async () => {
      const inst = await getInstance(client, args.name);
      const expects = ['instance-resumed', 'instance-stopped', 'instance-shutdown', 'instance-deleted', 'instance-updated'];
      await this.activity.track(args.name, { kind: 'lifecycle', done: 'deleted', failed: 'delete failed', by: USER, expects }, async () => {
        if (inst.status === 'Frozen') await changeState(client, args.name, 'unfreeze');
        if (inst.status !== 'Stopped') await changeState(client, args.name, 'stop', { force: true });
        await withDiskQuotaLifted(this.quotaLiftOpts(client, args.name, 'delete'), () => deleteInstance(client, args.name));
      });
      if (this.apply(args.name, null)) this.emit('changed', { kind: 'removed', name: args.name });
      return { name: args.name };
    });
  }
}
