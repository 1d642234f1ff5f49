import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { EventName, EventOf, Requests } from '../../../shared/api.js';
import type { Handlers } from '../../../shared/handlers.js';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import type { Agent } from '../../../shared/types.js';
import type { WorkspaceRequest } from '../../../shared/workspace.js';
import { LOCAL_SERVER } from '../../../shared/servers.js';
import { EnclaveError } from '../../../shared/errors.js';
import { AgentService } from '../agents.js';
import { AgentLocks } from '../agent-locks.js';
import type { Connection } from '../connection.js';
import { ImageService } from '../images/service.js';
import { buildRequest } from '../images/build-request.js';
import { LimitsService } from '../limits.js';
import { NetworkService, type NetworkServiceOptions } from '../network/service.js';
import { QuotaHealth } from '../quota-health.js';
import { OperationTracker } from '../operations.js';
import type { SettingsStore } from '../settings.js';
import { SnapshotService } from '../snapshots.js';
import { TelemetrySampler } from '../telemetry/sampler.js';
import { TerminalService } from '../terminals/service.js';
import { ActivityLog, USER } from '../activity/activity-log.js';
import { GuardService } from '../guard/service.js';
import { IsolationService } from '../isolation/service.js';
import { AgentStatusService } from '../agent-status/service.js';
import type { TemplateService } from '../templates/service.js';
import { restartPane } from '../agent-tmux.js';
import { sessionUser } from '../session-user.js';
import { setNotify } from '../agent-status/notify-setting.js';
import { WorkspaceService } from '../workspace/service.js';
import { moveAgent } from './move-agent.js';
import { removeUnfinishedCopies } from './copy-agent.js';
import { ClusterWatch } from './cluster-watch.js';
import { workspaceMeta } from '../workspace/meta.js';

/** The contract's methods that belong to the app, not to one server (settings, templates, servers…). */
export type AppMethod =
  | 'system.status'
  | 'system.setupIncus'
  | 'templates.list'
  | 'templates.save'
  | 'templates.delete'
  | 'secrets.list'
  | 'secrets.set'
  | 'secrets.delete'
  | 'settings.get'
  | 'settings.update'
  | 'servers.list'
  | 'servers.probe'
  | 'servers.add'
  | 'servers.remove'
  | 'servers.retry'
  | 'servers.clientCertificate'
  | 'agents.copyTo'
  | 'images.copy'
  | 'workspace.inspect';

/** What one server's services answer, with that server's bare agent names. */
export type StackHandlers = Omit<Handlers, AppMethod>;

type Pushed = { [E in EventName]: [EventOf<E>] };

/** What every server's services share: the app's stores. */
export interface StackShared {
  settings: SettingsStore;
  templates: TemplateService;
}

export interface StackOptions {
  /** The server's name (LOCAL_SERVER for the socket). */
  server: string;
  project: string;
  network?: NetworkServiceOptions;
}

/**
 * Every service of one Incus server, over its own Connection: agents' mirror and locks,
 * terminals, snapshots, limits, network policy, telemetry, guard, images, workspaces. Nothing
 * here knows other servers exist: names are this server's bare names, and the router
 * (router.ts) qualifies what crosses the contract. One server's trouble stays in its stack.
 */
export class ServerStack {
  readonly agents: AgentService;
  readonly terminals: TerminalService;
  readonly operations: OperationTracker;
  readonly snapshots: SnapshotService;
  readonly limits: LimitsService;
  readonly network: NetworkService;
  readonly telemetry: TelemetrySampler;
  readonly activity: ActivityLog;
  readonly guard: GuardService;
  readonly quotaHealth: QuotaHealth;
  readonly isolation: IsolationService;
  readonly images: ImageService;
  readonly runStatus: AgentStatusService;
  readonly workspace: WorkspaceService;
  readonly locks = new AgentLocks();
  /** The server's cluster members, when it is one. */
  readonly cluster: ClusterWatch;
  /** The contract's events of this server, bare names. */
  readonly events = new EventEmitter<Pushed>();
  readonly handlers: StackHandlers;

  constructor(
    readonly connection: Connection,
    private readonly shared: StackShared,
    readonly opts: StackOptions,
  ) {
    const { settings, templates } = shared;
    const project = opts.project;
    this.events.setMaxListeners(0);
    this.activity = new ActivityLog();
    // Lifecycle events before the agents' mirror sees them: none is missed or reordered.
    connection.on('event', (e) => {
      if (e.type === 'lifecycle') this.activity.onLifecycle(e.metadata);
    });
    const locks = this.locks;
    this.agents = new AgentService(connection, locks, settings, this.activity);
    // What the services use of the agents: the mirror, their locks and the activity log, each given apart.
    const agentDeps = { agents: this.agents, locks, activity: this.activity };
    this.network = new NetworkService(connection, agentDeps, opts.network);
    this.agents.network = this.network;
    this.agents.launcher = (client, agent) => templates.launch(client, agent);
    this.runStatus = new AgentStatusService(connection, this.agents, { readMode: (agent) => templates.readMode(agent) });
    this.runStatus.on('changed', (s) => this.events.emit('agents.runStatus', s));
    // Enclave's profile and the project's restrictions, ensured on every connect before agents are read.
    this.isolation = new IsolationService(connection, agentDeps, project, {
      reapplyNetwork: async (name) => this.network.set({ agent: name, policy: (await this.agents.get(name)).network.policy }),
    });
    this.operations = new OperationTracker(connection);
    this.snapshots = new SnapshotService(connection, agentDeps, this.operations, settings, this.network);
    this.terminals = new TerminalService(connection, this.agents);
    this.snapshots.terminals = this.terminals;
    this.quotaHealth = new QuotaHealth(connection);
    this.telemetry = new TelemetrySampler(connection, this.agents, project);
    this.limits = new LimitsService(connection, agentDeps, this.quotaHealth, (agent) => this.telemetry.history(agent, 60).at(-1)?.diskBytes ?? null);
    this.telemetry.on('batch', (b) => this.events.emit('telemetry.samples', b));
    this.guard = new GuardService(connection, this.agents, settings, this.telemetry, this.activity);
    this.guard.on('alert', (a) => this.events.emit('guard.alert', a));
    this.activity.on('added', (e) => this.events.emit('activity.added', e));
    this.agents.on('changed', (c) => this.events.emit('agents.changed', c));
    this.agents.on('progress', (p) => this.events.emit('agents.progress', p));
    this.terminals.on('changed', (c) => this.events.emit('terminals.changed', c));
    this.snapshots.on('changed', (c) => this.events.emit('snapshots.changed', c));
    this.operations.on('progress', (p) => this.events.emit('operations.progress', p));
    this.images = new ImageService(connection, project, this.network);
    this.images.templates = async () => (await templates.list()).templates;
    this.images.on('changed', (l) => this.events.emit('images.changed', l));
    this.images.on('build', (b) => this.events.emit('images.build', { ...b, log: '' }));
    this.images.on('buildLog', (l) => this.events.emit('images.buildLog', l));
    this.images.on('importProgress', (p) => this.events.emit('images.importProgress', p));
    this.workspace = new WorkspaceService(connection, agentDeps);
    this.cluster = new ClusterWatch(connection, this.agents);
    // A copy this server was receiving when it (or Enclave) went away is half made: removed.
    connection.on('ready', (client) => void removeUnfinishedCopies(client).catch(() => undefined));

    this.handlers = {
      'agents.list': () => this.agents.list(),
      'agents.create': (args) => this.createAgent(args),
      'workspace.attach': (args) => (this.refuseRemoteMount(args.workspace), this.workspace.attach(args)),
      'workspace.changes': (args) => this.workspace.changes(args.agent),
      'workspace.fileDiff': (args) => this.workspace.fileDiff(args),
      'workspace.compare': (args) => this.workspace.compare(args),
      'workspace.fetch': (args) => this.workspace.fetch(args),
      'agents.runStatus': async () => this.runStatus.list(),
      'agents.restartCommand': (args) => this.restartCommand(args.agent),
      'agents.setNotify': (args) => setNotify({ connection, agents: this.agents, activity: this.activity }, args),
      'agents.action': (args) => this.agents.action(args, USER),
      'agents.delete': (args) => this.agents.delete(args),
      'agents.setLimits': (args) => this.limits.set(args),
      'agents.setNetwork': (args) => this.network.set(args),
      'agents.fixIsolation': (args) => this.isolation.fix(args),
      'agents.move': (args) =>
        locks.run(args.agent, 'being moved', async () => {
          await moveAgent(connection.requireClient(), args.agent, args.member);
          return this.agents.reload(args.agent);
        }),
      'telemetry.history': async (args) => this.telemetry.history(args.agent, args.seconds),
      'telemetry.focus': async (args, ctx) => (this.telemetry.focus(ctx.client, args.agent), {}),
      'images.list': () => this.images.list(),
      'images.delete': async (args) => (await this.images.delete(args.fingerprint), {}),
      'images.missing': () => this.images.missing(),
      'images.build': (args) => this.images.build(buildRequest(args, new Date())),
      'images.builds': async () => this.images.builder.list(),
      'images.cancelBuild': async (args) => this.images.builder.cancel(args.id),
      'images.dismissBuild': async (args) => (await this.images.builder.dismiss(args.id), {}),
      'images.uploadBegin': async (args, ctx) => {
        const started = await this.images.uploads.begin(args.name, args.size, ctx.client?.id ?? null);
        ctx.client?.onClose(() => void this.images.uploads.drop(started.id));
        return started;
      },
      'images.uploadChunk': (args) => this.images.uploads.chunk(args.id, args.offset, args.data),
      'images.uploadCancel': async (args) => (await this.images.uploads.drop(args.id), {}),
      'images.import': (args) => this.images.import(args),
      'agents.clone': (args) => this.snapshots.clone(args),
      'snapshots.list': (args) => this.snapshots.list(args.agent),
      'snapshots.create': (args) => this.snapshots.create(args),
      'snapshots.update': (args) => this.snapshots.update(args),
      'snapshots.delete': async (args) => (await this.snapshots.delete(args), {}),
      'snapshots.restore': (args) => this.snapshots.restore(args),
      'snapshots.schedule': (args) => this.snapshots.setSchedule(args),
      'operations.cancel': async (args) => (await this.operations.cancel(args.id), {}),
      'guard.get': (args) => this.guard.get(args.agent),
      'guard.set': (args) => this.guard.set(args),
      'guard.alerts': async (args) => this.guard.list(args.agent),
      'guard.dismiss': async (args) => (this.guard.dismiss(args.id), {}),
      'activity.list': async (args) => this.activity.list(args.agent, args.limit),
      'terminals.list': async () => this.terminals.list(),
      'terminals.open': (args, ctx) => this.terminals.open(args, ctx),
      'terminals.attach': async (args, ctx) => this.terminals.attach(args, ctx),
      'terminals.detach': async (args, ctx) => (this.terminals.detach(args, ctx), {}),
      'terminals.input': async (args) => (this.terminals.input(args), {}),
      'terminals.resize': async (args) => (this.terminals.resize(args), {}),
      'terminals.ack': async (args, ctx) => (this.terminals.ack(args, ctx), {}),
      'terminals.close': async (args) => (this.terminals.close(args), {}),
    };
  }

  get name(): string {
    return this.opts.server;
  }

  start(): void {
    this.connection.start();
    this.runStatus.start();
  }

  /** An agent from a template (its image, network, limits and command) or from a bare image. */
  private async createAgent(args: z.output<Requests['agents.create']['args']>): Promise<Agent> {
    const { template, workspace, ...rest } = args;
    if (workspace) this.refuseRemoteMount(workspace);
    const plan = template ? await this.shared.templates.plan({ template, network: rest.network, limits: rest.limits }) : null;
    const limits = plan ? plan.limits : rest.limits;
    const disk = limits?.disk ?? (await this.shared.settings.get()).defaultLimits.disk;
    const project = workspace ? await this.workspace.plan(rest.name, workspace, disk) : null;
    return this.agents.create({
      ...rest,
      image: rest.image ?? plan?.image ?? '',
      network: plan ? plan.network : rest.network,
      limits,
      meta: { ...plan?.meta, ...(project ? workspaceMeta(project.workspace) : {}) },
      devices: project?.devices,
      populate: project ? (client, progress) => this.workspace.populate(client, rest.name, project, progress) : undefined,
    });
  }

  /** A folder of this computer can be mounted only into agents of the server on this computer. */
  private refuseRemoteMount(workspace: WorkspaceRequest): void {
    if (workspace.mode === 'mount' && this.opts.server !== LOCAL_SERVER) {
      throw new EnclaveError(
        'invalid-arguments',
        `A folder of this computer cannot be mounted into an agent on ${this.opts.server}: that server would look for ${workspace.path} on its own disks. Copy it in instead.`,
      );
    }
  }

  /** Respawns the session's pane: the template's command again, with the session's environment. */
  private async restartCommand(name: string): Promise<AgentRunStatus> {
    const agent = await this.agents.get(name);
    if (agent.status !== 'Running') throw new EnclaveError('conflict', `${name} is ${agent.status.toLowerCase()}; start it to run its command.`);
    const client = this.connection.requireClient();
    if (!(await restartPane(client, name, sessionUser(agent)))) await this.agents.startAgentSession(client, agent);
    const status = await this.runStatus.refresh(agent);
    if (!status) throw new EnclaveError('internal', `Could not read ${name}'s status after the restart.`);
    return status;
  }

  async stop(): Promise<void> {
    this.cluster.stop();
    await this.images.stop();
    this.terminals.closeAll();
    this.telemetry.stop();
    this.runStatus.stop();
    this.quotaHealth.stop();
    await this.network.stop();
    await this.connection.stop();
  }
}
