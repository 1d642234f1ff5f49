import { EventEmitter } from 'node:events';
import { expiryMs } from '../../shared/names.js';
import { EnclaveError } from '../../shared/errors.js';
import type { Agent, RestoreResult, Snapshot, SnapshotSchedule, SnapshotsChange } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';
import type { IncusEvent, LifecycleMetadata } from '../incus/events.js';
import { changeState, createInstance, patchConfig } from '../incus/instances.js';
import {
  createSnapshot,
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  renameSnapshot,
  restoreSnapshot,
  rootPool,
  setSnapshotDescription,
  setSnapshotExpiry,
  snapshotDescriptions,
} from '../incus/snapshots.js';
import { META_PREFIX, instanceFromSource } from './agent-model.js';
import type { AgentService } from './agents.js';
import type { Connection } from './connection.js';
import type { OperationTracker } from './operations.js';
import type { SettingsStore } from './settings.js';
import { SAFETY_PREFIX, scheduleConfig, timestampName, toSnapshot } from './snapshot-model.js';

interface SnapshotServiceEvents {
  changed: [SnapshotsChange];
}

/**
 * Snapshots, rollback and clones: time travel for agents. Incus holds every snapshot; the
 * kind is in the name (safety-…, auto-…), the comment in the volume snapshot's description.
 * Every action takes the agent's lock, so a restore cannot interleave with a snapshot.
 */
export class SnapshotService extends EventEmitter<SnapshotServiceEvents> {
  /** Agents whose snapshots a renderer has asked for, kept current through events. */
  private readonly watched = new Map<string, Snapshot[]>();

  constructor(
    private readonly connection: Connection,
    private readonly agents: AgentService,
    private readonly ops: OperationTracker,
    private readonly settings: SettingsStore,
  ) {
    super();
    connection.on('event', (e) => this.onEvent(e));
    connection.on('ready', () => {
      for (const agent of this.watched.keys()) void this.refresh(agent).catch(() => undefined);
    });
    agents.on('changed', (c) => {
      if (c.kind === 'removed') this.watched.delete(c.name);
    });
  }

  private client(): IncusClient {
    return this.connection.requireClient();
  }

  async list(agent: string): Promise<Snapshot[]> {
    return this.watched.get(agent) ?? this.refresh(agent);
  }

  private async refresh(agent: string): Promise<Snapshot[]> {
    const client = this.client();
    const [snaps, comments] = await Promise.all([listSnapshots(client, agent), this.comments(client, agent)]);
    const list = snaps
      .map((s) => toSnapshot(agent, s, comments.get(s.name) ?? ''))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.watched.set(agent, list);
    this.emit('changed', { agent, snapshots: list });
    return list;
  }

  private async comments(client: IncusClient, agent: string): Promise<Map<string, string>> {
    return snapshotDescriptions(client, await rootPool(client, agent), agent);
  }

  private onEvent(e: IncusEvent): void {
    if (e.type !== 'lifecycle') return;
    const meta = e.metadata as unknown as LifecycleMetadata;
    if (!meta.action?.startsWith('instance-snapshot-') && meta.action !== 'instance-restored') return;
    const target = instanceFromSource(meta.source ?? '');
    if (target && this.watched.has(target.name)) void this.refresh(target.name).catch(() => undefined);
  }

  private async one(client: IncusClient, agent: string, name: string): Promise<Snapshot> {
    const [snap, comments] = await Promise.all([getSnapshot(client, agent, name), this.comments(client, agent)]);
    return toSnapshot(agent, snap, comments.get(name) ?? '');
  }

  private async take(client: IncusClient, agent: string, name: string, comment: string, expiresAt: string | null): Promise<Snapshot> {
    let opId: string | null = null;
    try {
      await createSnapshot(client, agent, { name, expiresAt }, (id) => {
        opId = id;
        this.ops.started(id, agent, 'snapshot', `Snapshotting ${agent}`);
      });
      if (comment) await setSnapshotDescription(client, await rootPool(client, agent), agent, name, comment);
      this.ops.finished(opId);
    } catch (err) {
      this.ops.finished(opId, { error: err });
      throw err;
    }
    return this.one(client, agent, name);
  }

  private async taken(agent: string): Promise<string[]> {
    return (await listSnapshots(this.client(), agent)).map((s) => s.name);
  }

  async create(args: { agent: string; name?: string | undefined; comment?: string | undefined }): Promise<Snapshot> {
    const client = this.client();
    return this.agents.locks.run(args.agent, 'being snapshotted', async () => {
      const names = await this.taken(args.agent);
      if (args.name && names.includes(args.name)) {
        throw new EnclaveError('conflict', `${args.agent} already has a snapshot named "${args.name}".`);
      }
      const name = args.name ?? timestampName('snap-', new Date(), names);
      return this.take(client, args.agent, name, args.comment ?? '', null);
    });
  }

  async update(args: {
    agent: string;
    name: string;
    newName?: string | undefined;
    comment?: string | undefined;
    expiresAt?: string | null | undefined;
  }): Promise<Snapshot> {
    const client = this.client();
    return this.agents.locks.run(args.agent, 'having a snapshot changed', async () => {
      let name = args.name;
      if (args.newName && args.newName !== name) {
        if ((await this.taken(args.agent)).includes(args.newName)) {
          throw new EnclaveError('conflict', `${args.agent} already has a snapshot named "${args.newName}".`);
        }
        await renameSnapshot(client, args.agent, name, args.newName);
        name = args.newName;
      }
      if (args.expiresAt !== undefined) await setSnapshotExpiry(client, args.agent, name, args.expiresAt);
      if (args.comment !== undefined) await setSnapshotDescription(client, await rootPool(client, args.agent), args.agent, name, args.comment);
      return this.one(client, args.agent, name);
    });
  }

  async delete(args: { agent: string; name: string }): Promise<void> {
    const client = this.client();
    await this.agents.locks.run(args.agent, 'deleting a snapshot', () => deleteSnapshot(client, args.agent, args.name));
  }

  /**
   * Rollback that can itself be undone: a safety snapshot of the current state first (kept
   * for the configured time), then the restore. Incus restarts a running container; its
   * persistent terminals reattach by themselves.
   */
  async restore(args: { agent: string; name: string }): Promise<RestoreResult> {
    const client = this.client();
    return this.agents.locks.run(args.agent, 'being restored', async () => {
      const names = await this.taken(args.agent);
      if (!names.includes(args.name)) throw new EnclaveError('not-found', `${args.agent} has no snapshot named "${args.name}".`);
      const keep = (await this.settings.get()).safetyExpiry;
      const expiresAt = keep ? new Date(Date.now() + expiryMs(keep)).toISOString() : null;
      const safety = await this.take(
        client,
        args.agent,
        timestampName(SAFETY_PREFIX, new Date(), names),
        `Safety snapshot before restoring to ${args.name}`,
        expiresAt,
      );
      let opId: string | null = null;
      try {
        await restoreSnapshot(client, args.agent, args.name, (id) => {
          opId = id;
          this.ops.started(id, args.agent, 'restore', `Restoring ${args.agent} to ${args.name}`);
        });
        this.ops.finished(opId);
      } catch (err) {
        this.ops.finished(opId, { error: err });
        throw err;
      }
      const agent = await this.agents.reload(args.agent);
      if (agent.status === 'Running') await this.agents.startAgentSession(client, agent);
      return { agent, safety };
    });
  }

  async setSchedule(args: { agent: string } & SnapshotSchedule): Promise<Agent> {
    const client = this.client();
    return this.agents.locks.run(args.agent, 'having its schedule changed', async () => {
      await patchConfig(client, args.agent, scheduleConfig(args));
      return this.agents.reload(args.agent);
    });
  }

  /**
   * A new agent from a snapshot, or from the live agent: same image, limits and metadata
   * (Incus copies the config), marked with where it came from, started and ready.
   */
  async clone(args: { source: string; snapshot?: string | undefined; name: string }): Promise<Agent> {
    const client = this.client();
    if (await this.agents.exists(args.name)) {
      throw new EnclaveError('conflict', `An agent named "${args.name}" already exists. Choose another name.`);
    }
    const from = args.snapshot ? `${args.source}/${args.snapshot}` : args.source;
    const work = () =>
      this.agents.locks.run(args.name, 'being created', async () => {
        let opId: string | null = null;
        try {
          await createInstance(
            client,
            {
              name: args.name,
              source: { type: 'copy', source: from, instance_only: true },
              config: {
                [`${META_PREFIX}cloned-from`]: from,
                [`${META_PREFIX}created-at`]: new Date().toISOString(),
                [`${META_PREFIX}created-by`]: 'enclave',
              },
            },
            (id) => {
              opId = id;
              this.ops.started(id, args.name, 'clone', `Cloning ${from} into ${args.name}`);
            },
          );
          await changeState(client, args.name, 'start');
          this.ops.finished(opId);
        } catch (err) {
          this.ops.finished(opId, { error: err });
          throw err;
        }
        const agent = await this.agents.reload(args.name);
        await this.agents.startAgentSession(client, agent);
        return agent;
      });
    // A live clone reads the source while it runs: hold the source still meanwhile.
    return args.snapshot ? work() : this.agents.locks.run(args.source, 'being cloned', work);
  }
}
