import type { NetworkService } from './network/service.js';
import { EventEmitter } from 'node:events';
import { expiryMs } from '../../shared/names.js';
import { restartsOnRestore } from '../../shared/restore.js';
import { EnclaveError } from '../../shared/errors.js';
import type { Agent, RestoreResult, Snapshot, SnapshotSchedule, SnapshotsChange } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';
import type { IncusEvent } from '../incus/events.js';
import { changeState, createInstance, getInstance, patchConfig } from '../incus/instances.js';
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
import { META_PREFIX, cloneSourceText, instanceFromSource, toAgent } from './agent-model.js';
import { USER, automatic, type ActivityLog } from './activity/activity-log.js';
import type { AgentLocks } from './agent-locks.js';
import type { AgentMirror, AgentSessions } from './agent-mirror.js';
import type { Connection } from './connection.js';
import type { OperationTracker } from './operations.js';
import type { SettingsStore } from './settings.js';
import type { TerminalService } from './terminals/service.js';
import { renameCloneBranch } from './workspace/clone-branch.js';
import { RESTORING_TO_KEY, SAFETY_PREFIX, compareTimes, decodeComment, encodeComment, scheduleConfig, timestampName, toSnapshot } from './snapshot-model.js';

/** Oldest first, as Incus took them. */
function sorted(list: Snapshot[]): Snapshot[] {
  return list.sort((a, b) => compareTimes(a.createdAt, b.createdAt) || a.name.localeCompare(b.name));
}

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
  /** Bumped by every change Enclave itself made to an agent's snapshots: a read begun before it may be stale. */
  private readonly versions = new Map<string, number>();
  /** The read in flight per agent, and the one queued behind it for changes seen meanwhile. */
  private readonly reads = new Map<string, { running: Promise<Snapshot[]>; again: Promise<Snapshot[]> | null }>();
  /** Root-disk pool per agent. */
  private readonly pools = new Map<string, string>();
  /** Agents whose snapshots Enclave is changing now; an event for one waits until that ends. */
  private readonly changingNow = new Set<string>();
  /** …and those of them an event came for meanwhile. */
  private readonly eventsMeanwhile = new Set<string>();
  /** The tmux start a restore left running per agent (it never rejects). */
  private readonly sessionStarts = new Map<string, Promise<void>>();
  /** The terminals, told of a restore before it restarts their agent (set by the backend). */
  terminals: Pick<TerminalService, 'expectRollback'> | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly deps: {
      agents: Pick<AgentMirror, 'reload' | 'exists' | 'on'> & AgentSessions;
      locks: Pick<AgentLocks, 'run'>;
      activity: Pick<ActivityLog, 'track'>;
    },
    private readonly ops: OperationTracker,
    private readonly settings: SettingsStore,
    private readonly network: NetworkService | null = null,
  ) {
    super();
    connection.on('event', (e) => this.onEvent(e));
    connection.on('ready', () => {
      for (const agent of this.watched.keys()) void this.refresh(agent).catch(() => undefined);
    });
    deps.agents.on('changed', (c) => {
      if (c.kind !== 'removed') return;
      this.watched.delete(c.name);
      this.versions.delete(c.name);
      this.pools.delete(c.name);
    });
  }

  private client(): IncusClient {
    return this.connection.requireClient();
  }

  async list(agent: string): Promise<Snapshot[]> {
    return this.watched.get(agent) ?? this.refresh(agent);
  }

  /**
   * Re-reads an agent's snapshots. One read runs at a time per agent; a change noticed while
   * it runs queues one more read after it (shared by every caller meanwhile), so the last list
   * pushed is never older than the last change.
   */
  private refresh(agent: string): Promise<Snapshot[]> {
    const inFlight = this.reads.get(agent);
    if (inFlight) {
      inFlight.again ??= inFlight.running.catch(() => undefined).then(() => this.refresh(agent));
      return inFlight.again;
    }
    const entry = { running: this.read(agent), again: null as Promise<Snapshot[]> | null };
    this.reads.set(agent, entry);
    entry.running
      .finally(() => {
        if (this.reads.get(agent) === entry) this.reads.delete(agent);
      })
      .catch(() => undefined);
    return entry.running;
  }

  private async read(agent: string): Promise<Snapshot[]> {
    for (;;) {
      const version = this.versions.get(agent) ?? 0;
      const client = this.client();
      const [snaps, comments] = await Promise.all([listSnapshots(client, agent), this.comments(client, agent)]);
      // Enclave changed them meanwhile: this read may predate that change.
      if ((this.versions.get(agent) ?? 0) !== version) continue;
      const list = sorted(snaps.map((s) => toSnapshot(agent, s, comments.get(s.name) ?? '')));
      this.watched.set(agent, list);
      this.emit('changed', { agent, snapshots: list });
      return list;
    }
  }

  /**
   * Applies a change Enclave just made to the list it keeps (no request): a list right after
   * a change shows it, and so does every renderer, before Incus's events bring the re-read.
   */
  private applied(agent: string, change: (list: Snapshot[]) => Snapshot[]): void {
    this.versions.set(agent, (this.versions.get(agent) ?? 0) + 1);
    const list = this.watched.get(agent);
    if (!list) return;
    const next = sorted(change([...list]));
    this.watched.set(agent, next);
    this.emit('changed', { agent, snapshots: next });
  }

  /** Snapshot name → comment; descriptions a snapshot inherited from another are dropped. */
  private async comments(client: IncusClient, agent: string): Promise<Map<string, string>> {
    const raw = await snapshotDescriptions(client, await this.pool(client, agent), agent);
    return new Map([...raw].map(([name, description]) => [name, decodeComment(name, description)]));
  }

  private async writeComment(client: IncusClient, agent: string, name: string, comment: string): Promise<void> {
    await setSnapshotDescription(client, await this.pool(client, agent), agent, name, encodeComment(name, comment));
  }

  /**
   * The pool of the agent's root disk, where the comments live. Asked once per agent (a GET
   * of the whole instance): it changes only if the instance is moved, which deletes it.
   */
  private async pool(client: IncusClient, agent: string): Promise<string> {
    const known = this.pools.get(agent);
    if (known) return known;
    const pool = await rootPool(client, agent);
    this.pools.set(agent, pool);
    return pool;
  }

  private onEvent(e: IncusEvent): void {
    if (e.type !== 'lifecycle') return;
    const meta = e.metadata;
    const action = meta.action;
    let name: string | undefined;
    if (action.startsWith('instance-snapshot-') || action === 'instance-restored') {
      name = instanceFromSource(meta.source)?.name;
    } else if (action.startsWith('storage-volume-snapshot-')) {
      // A comment (the volume snapshot's description) changed, by Enclave or anyone.
      const m = meta.source.match(/^\/1\.0\/storage-pools\/[^/]+\/volumes\/container\/([^/?]+)\//);
      name = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    }
    if (!name || !this.watched.has(name)) return;
    // Enclave's own snapshot, comment, restore…: its result is applied to the list already, and
    // re-reading at each of its events would only compete with it. Once, when it ends.
    if (this.changingNow.has(name)) this.eventsMeanwhile.add(name);
    else void this.refresh(name).catch(() => undefined);
  }

  /** Runs a change of the agent's snapshots under its lock; events meanwhile bring one re-read after. */
  private async changing<T>(agent: string, doing: string, work: () => Promise<T>): Promise<T> {
    return this.deps.locks.run(agent, doing, async () => {
      this.changingNow.add(agent);
      try {
        return await work();
      } finally {
        this.changingNow.delete(agent);
        // Events of this change may still be on their way: they refresh as usual when they come.
        if (this.eventsMeanwhile.delete(agent) && this.watched.has(agent)) void this.refresh(agent).catch(() => undefined);
      }
    });
  }

  /** One snapshot as Incus has it now; its comment is read unless the caller just wrote it. */
  private async one(client: IncusClient, agent: string, name: string, comment?: string): Promise<Snapshot> {
    if (comment !== undefined) return toSnapshot(agent, await getSnapshot(client, agent, name), comment);
    const [snap, comments] = await Promise.all([getSnapshot(client, agent, name), this.comments(client, agent)]);
    return toSnapshot(agent, snap, comments.get(name) ?? '');
  }

  private async take(client: IncusClient, agent: string, name: string, comment: string, expiresAt: string | null): Promise<Snapshot> {
    let opId: string | null = null;
    let snap: Snapshot;
    try {
      await createSnapshot(client, agent, { name, expiresAt }, (id) => {
        opId = id;
        this.ops.started(id, agent, 'snapshot', `Snapshotting ${agent}`);
      });
      // The comment is written while the snapshot is read back, so the result's comment is
      // the one written.
      const [created] = await Promise.all([
        getSnapshot(client, agent, name),
        this.writeComment(client, agent, name, comment),
      ]);
      snap = toSnapshot(agent, created, comment);
      this.ops.finished(opId);
    } catch (err) {
      this.ops.finished(opId, { error: err });
      throw err;
    }
    this.applied(agent, (list) => [...list.filter((s) => s.name !== name), snap]);
    return snap;
  }

  private async taken(agent: string): Promise<string[]> {
    return (await listSnapshots(this.client(), agent)).map((s) => s.name);
  }

  async create(args: { agent: string; name?: string | undefined; comment?: string | undefined }): Promise<Snapshot> {
    const client = this.client();
    return this.changing(args.agent, 'being snapshotted', async () => {
      const names = await this.taken(args.agent);
      if (args.name && names.includes(args.name)) {
        throw new EnclaveError('conflict', `${args.agent} already has a snapshot named "${args.name}".`);
      }
      const name = args.name ?? timestampName('snap-', new Date(), names);
      return this.deps.activity.track(
        args.agent,
        { kind: 'snapshot', done: `snapshot ${name} taken`, failed: `snapshot ${name} failed`, by: USER, expects: ['instance-snapshot-created'] },
        () => this.take(client, args.agent, name, args.comment ?? '', null),
      );
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
    return this.changing(args.agent, 'having a snapshot changed', async () => {
      let name = args.name;
      let comment = args.comment;
      if (args.newName && args.newName !== name) {
        if ((await this.taken(args.agent)).includes(args.newName)) {
          throw new EnclaveError('conflict', `${args.agent} already has a snapshot named "${args.newName}".`);
        }
        // A comment is stored under its snapshot's name (see encodeComment): carry it over.
        comment ??= (await this.comments(client, args.agent)).get(name) ?? '';
        await renameSnapshot(client, args.agent, name, args.newName);
        name = args.newName;
      }
      if (args.expiresAt !== undefined) await setSnapshotExpiry(client, args.agent, name, args.expiresAt);
      if (comment !== undefined) await this.writeComment(client, args.agent, name, comment);
      const snap = await this.one(client, args.agent, name, comment);
      this.applied(args.agent, (list) => [...list.filter((s) => s.name !== args.name && s.name !== name), snap]);
      return snap;
    });
  }

  async delete(args: { agent: string; name: string }): Promise<void> {
    const client = this.client();
    await this.changing(args.agent, 'deleting a snapshot', async () => {
      await this.deps.activity.track(
        args.agent,
        { kind: 'snapshot', done: `snapshot ${args.name} deleted`, failed: `deleting snapshot ${args.name} failed`, by: USER, expects: ['instance-snapshot-deleted'] },
        () => deleteSnapshot(client, args.agent, args.name),
      );
      this.applied(args.agent, (list) => list.filter((s) => s.name !== args.name));
    });
  }

  /**
   * Rollback that can itself be undone: a safety snapshot of the current state first (kept
   * for the configured time), then the restore. What the agent is after it (the confirmation
   * says so, see restoreNotice in the renderer): a running or frozen agent restarts and runs
   * (everything that ran in it ends; its persistent terminals reattach to a new tmux session);
   * a stopped one stays stopped. Incus 6.0 does exactly that; Enclave starts the agent itself
   * should a restore ever leave a running or frozen one otherwise.
   */
  async restore(args: { agent: string; name: string }): Promise<RestoreResult> {
    const client = this.client();
    // The previous restore's tmux start, if it still runs, ends before this restore stops the
    // agent under it (bounded by the tmux start's own timeout; no lock is held meanwhile).
    const starting = this.sessionStarts.get(args.agent);
    if (starting) await starting;
    const result = await this.changing(args.agent, 'being restored', async () => {
      const [names, settings] = await Promise.all([this.taken(args.agent), this.settings.get()]);
      if (!names.includes(args.name)) throw new EnclaveError('not-found', `${args.agent} has no snapshot named "${args.name}".`);
      const keep = settings.safetyExpiry;
      const expiresAt = keep ? new Date(Date.now() + expiryMs(keep)).toISOString() : null;
      const safetyName = timestampName(SAFETY_PREFIX, new Date(), names);
      const action = {
        kind: 'snapshot' as const,
        done: `restored to ${args.name} (state before kept in ${safetyName})`,
        failed: `restore to ${args.name} failed`,
        by: USER,
        // The key set and cleared (see RESTORING_TO_KEY), the restore and the restart it brings
        // (the safety snapshot's event is its own action's, below).
        expects: ['instance-updated', 'instance-updated', 'instance-restored', 'instance-stopped', 'instance-started', 'instance-restarted', 'instance-shutdown'],
      };
      // The user asked for the restore; the safety snapshot is Enclave's own, logged as such.
      const safetyAction = {
        kind: 'snapshot' as const,
        done: `safety snapshot ${safetyName} taken before restoring to ${args.name}`,
        failed: `safety snapshot ${safetyName} before restoring to ${args.name} failed`,
        by: automatic('safety-snapshot'),
        expects: ['instance-snapshot-created'],
      };
      return this.deps.activity.track(args.agent, action, async () => {
        const before = toAgent(await getInstance(client, args.agent)).status;
        // The safety snapshot keeps the config it is taken with: the restore's target goes in first.
        await patchConfig(client, args.agent, { [RESTORING_TO_KEY]: args.name });
        let safety: Snapshot;
        try {
          safety = await this.deps.activity.track(args.agent, safetyAction, () =>
            this.take(client, args.agent, safetyName, `Safety snapshot before restoring to ${args.name}`, expiresAt),
          );
          let opId: string | null = null;
          const unexpect = this.terminals?.expectRollback(args.agent, args.name);
          try {
            await restoreSnapshot(client, args.agent, args.name, (id) => {
              opId = id;
              this.ops.started(id, args.agent, 'restore', `Restoring ${args.agent} to ${args.name}`);
            });
            this.ops.finished(opId);
          } catch (err) {
            unexpect?.();
            this.ops.finished(opId, { error: err });
            throw err;
          }
        } catch (err) {
          // Not restored: the key would otherwise stay on the instance.
          await patchConfig(client, args.agent, { [RESTORING_TO_KEY]: '' }).catch(() => undefined);
          throw err;
        }
        let agent = await this.deps.agents.reload(args.agent);
        if (restartsOnRestore(before) && agent.status !== 'Running') {
          await changeState(client, args.agent, 'start');
          agent = await this.deps.agents.reload(args.agent);
        }
        // Restored to a safety snapshot (an undo): its config brought its own key back.
        if (agent.meta[RESTORING_TO_KEY.slice(META_PREFIX.length)] !== undefined) {
          await patchConfig(client, args.agent, { [RESTORING_TO_KEY]: '' });
          agent = await this.deps.agents.reload(args.agent);
        }
        return { agent, safety };
      });
    });
    // After the lock: the tmux start runs inside the agent, which must not hold its lock. The
    // reply does not wait for it: the agent runs restored already, a terminal attaching
    // meanwhile starts the same session (new-session -A), and a failure is reported as progress.
    if (result.agent.status === 'Running') {
      const start = this.deps.agents.startAgentSession(client, result.agent).finally(() => {
        if (this.sessionStarts.get(args.agent) === start) this.sessionStarts.delete(args.agent);
      });
      this.sessionStarts.set(args.agent, start);
    }
    return result;
  }

  async setSchedule(args: { agent: string } & SnapshotSchedule): Promise<Agent> {
    const client = this.client();
    return this.deps.locks.run(args.agent, 'having its schedule changed', async () => {
      await this.deps.activity.track(
        args.agent,
        { kind: 'snapshot', done: `snapshot schedule set to ${args.schedule || 'off'}`, failed: `setting the snapshot schedule to ${args.schedule || 'off'} failed`, by: USER, expects: ['instance-updated'] },
        () => patchConfig(client, args.agent, scheduleConfig(args)),
      );
      return this.deps.agents.reload(args.agent);
    });
  }

  /**
   * A new agent from a snapshot, or from the live agent: same image, limits and metadata
   * (Incus copies the config), marked with where it came from, started and ready.
   */
  async clone(args: { source: string; snapshot?: string | undefined; name: string }): Promise<Agent> {
    const client = this.client();
    if (await this.deps.agents.exists(args.name)) {
      throw new EnclaveError('conflict', `An agent named "${args.name}" already exists. Choose another name.`);
    }
    const from = cloneSourceText({ agent: args.source, snapshot: args.snapshot ?? null });
    const work = () =>
      this.deps.locks.run(args.name, 'being created', async () => {
        let opId: string | null = null;
        const action = { kind: 'lifecycle' as const, done: `cloned from ${from}`, failed: `clone from ${from} failed`, by: USER, expects: ['instance-created', 'instance-started'] };
        await this.deps.activity.track(args.name, action, async () => {
          try {
            // The copy would hold the source's NIC address: it gets its own.
            const devices = this.network ? await this.network.cloneDevices(from) : {};
            await createInstance(
              client,
              {
                name: args.name,
                source: { type: 'copy', source: from, instance_only: true },
                devices,
                // Started by the same operation: one round trip less than a separate start.
                start: true,
                config: {
                  [`${META_PREFIX}cloned-from`]: from,
                  [`${META_PREFIX}created-at`]: new Date().toISOString(),
                  [`${META_PREFIX}created-by`]: 'enclave',
                  // A safety snapshot's config holds its restore's target; the copy is no restore ('' drops the key).
                  [RESTORING_TO_KEY]: '',
                },
              },
              (id) => {
                opId = id;
                this.ops.started(id, args.name, 'clone', `Cloning ${from} into ${args.name}`);
              },
            );
            this.ops.finished(opId);
          } catch (err) {
            this.ops.finished(opId, { error: err });
            throw err;
          }
        });
        if (this.network) await this.network.syncRules(client);
        return this.deps.agents.reload(args.name);
      });
    // A live clone reads the source while it runs: hold the source still meanwhile.
    let agent = await (args.snapshot ? work() : this.deps.locks.run(args.source, 'being cloned', work));
    // After the locks (it runs inside the clone): its copy of the project goes on a branch of its own.
    if (await renameCloneBranch(client, agent)) agent = await this.deps.agents.reload(args.name);
    // After the locks: the tmux start runs inside the clone (a copy of an agent), which must not hold them.
    await this.deps.agents.startAgentSession(client, agent);
    return agent;
  }
}
