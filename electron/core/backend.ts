import { EventEmitter } from 'node:events';
import type { EventName, EventOf } from '../../shared/api.js';
import type { Handlers } from '../../shared/handlers.js';
import { AgentService } from './agents.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { AgentLocks } from './agent-locks.js';
import { ImageService } from './images/service.js';
import { buildRequest } from './images/build-request.js';
import { LimitsService } from './limits.js';
import { NetworkService, type NetworkServiceOptions } from './network/service.js';
import { QuotaHealth } from './quota-health.js';
import { SetupRunner, type SetupRunnerOptions } from './setup-runner.js';
import { OperationTracker } from './operations.js';
import { SettingsStore } from './settings.js';
import { SnapshotService } from './snapshots.js';
import { TelemetrySampler } from './telemetry/sampler.js';
import { TerminalService } from './terminals/service.js';
import { ActivityLog, USER } from './activity/activity-log.js';
import { GuardService } from './guard/service.js';
import { IsolationService } from './isolation/service.js';
import { EnclaveError } from '../../shared/errors.js';
import type { Requests } from '../../shared/api.js';
import type { AgentRunStatus } from '../../shared/agent-status.js';
import type { AgentTemplate } from '../../shared/templates.js';
import type { Agent } from '../../shared/types.js';
import type { z } from 'zod';
import { dirname, join } from 'node:path';
import { AgentStatusService } from './agent-status/service.js';
import { plainCipher, type SecretCipher } from './secrets/cipher.js';
import { SecretRefused, SecretStore } from './secrets/store.js';
import { TemplateService } from './templates/service.js';
import { TemplateStore } from './templates/store.js';
import { restartPane } from './agent-tmux.js';
import { sessionUser } from './session-user.js';
import { setNotify } from './agent-status/notify-setting.js';
import { WorkspaceService } from './workspace/service.js';
import { workspaceMeta } from './workspace/meta.js';

export const DEFAULT_PROJECT = 'enclave';

/** A method of the contract whose service is still being written (#13). */
const notYet = async (): Promise<never> => {
  throw new EnclaveError('unavailable', 'Not built yet.');
};

type Pushed = { [E in EventName]: [EventOf<E>] };

/**
 * The backend as both transports see it: the contract's handlers, and one emitter of the
 * contract's events. Plain Node: runs under Electron's main process and under `npm run serve`.
 */
export class Backend {
  readonly connection: Connection;
  readonly agents: AgentService;
  readonly terminals: TerminalService;
  readonly settings: SettingsStore;
  readonly operations: OperationTracker;
  readonly snapshots: SnapshotService;
  readonly limits: LimitsService;
  readonly network: NetworkService;
  readonly telemetry: TelemetrySampler;
  readonly activity: ActivityLog;
  readonly guard: GuardService;
  readonly quotaHealth: QuotaHealth;
  readonly isolation: IsolationService;
  readonly setup: SetupRunner;
  readonly images: ImageService;
  readonly events = new EventEmitter<Pushed>();
  readonly handlers: Handlers;
  readonly secrets: SecretStore;
  readonly templates: TemplateService;
  readonly runStatus: AgentStatusService;
  readonly workspace: WorkspaceService;

  constructor({
    settingsPath,
    network,
    setup,
    secretCipher,
    ...opts
  }: Partial<ConnectionOptions> & {
    settingsPath?: string;
    network?: NetworkServiceOptions;
    setup?: SetupRunnerOptions;
    /** How secrets are sealed: safeStorage in Electron; the plain cipher (file mode 0600) in browser mode. */
    secretCipher?: SecretCipher;
  } = {}) {
    const project = opts.project ?? process.env.ENCLAVE_PROJECT ?? DEFAULT_PROJECT;
    this.setup = new SetupRunner(setup ?? { script: null });
    this.connection = new Connection({ project, setupOffer: (problem, path) => this.setup.offer(problem, path), ...opts });
    // Once the setup ends, look for the daemon at once rather than at the next retry.
    this.setup.on('log', (log) => {
      this.events.emit('system.setupLog', log);
      if ('done' in log) void this.connection.retryNow();
    });
    this.settings = new SettingsStore(settingsPath);
    const configDir = dirname(this.settings.path);
    this.secrets = new SecretStore(join(configDir, 'secrets.json'), secretCipher ?? plainCipher);
    this.templates = new TemplateService(new TemplateStore(join(configDir, 'templates')), this.secrets);
    this.activity = new ActivityLog();
    // Lifecycle events before the agents' mirror sees them: none is missed or reordered.
    this.connection.on('event', (e) => {
      if (e.type === 'lifecycle') this.activity.onLifecycle(e.metadata);
    });
    const locks = new AgentLocks();
    this.agents = new AgentService(this.connection, locks, this.settings, this.activity);
    // What the services use of the agents: the mirror, their locks and the activity log, each given apart.
    const agentDeps = { agents: this.agents, locks, activity: this.activity };
    this.network = new NetworkService(this.connection, agentDeps, network);
    this.agents.network = this.network;
    this.agents.launcher = (client, agent) => this.templates.launch(client, agent);
    this.runStatus = new AgentStatusService(this.connection, this.agents, { readMode: (agent) => this.templates.readMode(agent) });
    this.runStatus.on('changed', (s) => this.events.emit('agents.runStatus', s));
    // Enclave's profile and the project's restrictions, ensured on every connect before agents are read.
    this.isolation = new IsolationService(this.connection, agentDeps, project, {
      reapplyNetwork: async (name) => this.network.set({ agent: name, policy: (await this.agents.get(name)).network.policy }),
    });
    this.operations = new OperationTracker(this.connection);
    this.snapshots = new SnapshotService(this.connection, agentDeps, this.operations, this.settings, this.network);
    this.terminals = new TerminalService(this.connection, this.agents);
    this.snapshots.terminals = this.terminals;
    this.quotaHealth = new QuotaHealth(this.connection);
    this.telemetry = new TelemetrySampler(this.connection, this.agents, project);
    this.limits = new LimitsService(this.connection, agentDeps, this.quotaHealth, (agent) => this.telemetry.history(agent, 60).at(-1)?.diskBytes ?? null);
    this.telemetry.on('batch', (b) => this.events.emit('telemetry.samples', b));
    this.guard = new GuardService(this.connection, this.agents, this.settings, this.telemetry, this.activity);
    this.guard.on('alert', (a) => this.events.emit('guard.alert', a));
    this.activity.on('added', (e) => this.events.emit('activity.added', e));
    this.events.setMaxListeners(0);
    this.connection.on('status', (s) => this.events.emit('system.status', s));
    this.agents.on('changed', (c) => this.events.emit('agents.changed', c));
    this.agents.on('progress', (p) => this.events.emit('agents.progress', p));
    this.terminals.on('changed', (c) => this.events.emit('terminals.changed', c));
    this.snapshots.on('changed', (c) => this.events.emit('snapshots.changed', c));
    this.operations.on('progress', (p) => this.events.emit('operations.progress', p));
    this.images = new ImageService(this.connection, project, this.network);
    this.images.templates = async () => (await this.templates.list()).templates;
    this.images.on('changed', (l) => this.events.emit('images.changed', l));
    this.images.on('build', (b) => this.events.emit('images.build', { ...b, log: '' }));
    this.images.on('buildLog', (l) => this.events.emit('images.buildLog', l));
    this.images.on('importProgress', (p) => this.events.emit('images.importProgress', p));

    this.workspace = new WorkspaceService(this.connection, agentDeps);

    this.handlers = {
      'system.status': async () => {
        if (this.connection.status.state !== 'connected') await this.connection.retryNow();
        return this.connection.status;
      },
      'system.setupIncus': async () => {
        const s = this.connection.status;
        if (s.state !== 'unavailable' && !this.setup.running) throw new EnclaveError('conflict', 'Incus answers: there is nothing to set up.');
        return this.setup.start(s.state === 'unavailable' ? this.setup.offer(s.problem, s.socketPath) : { available: false, reason: null });
      },
      'agents.list': () => this.agents.list(),
      'agents.create': (args) => this.createAgent(args),
      'workspace.inspect': (args) => this.workspace.inspect(args),
      'workspace.attach': (args) => this.workspace.attach(args),
      'workspace.changes': (args) => this.workspace.changes(args.agent),
      'workspace.fileDiff': (args) => this.workspace.fileDiff(args),
      'workspace.compare': (args) => this.workspace.compare(args),
      'workspace.fetch': (args) => this.workspace.fetch(args),
      'templates.list': () => this.templates.list(),
      'templates.save': (args) => this.templates.save(args.template as AgentTemplate),
      'templates.delete': async (args) => (await this.templates.delete(args.id), {}),
      'secrets.list': () => this.secrets.info(),
      'secrets.set': async (args) => (await this.secretCall(() => this.secrets.set(args.name, args.value)), this.secrets.info()),
      'secrets.delete': async (args) => (await this.secretCall(() => this.secrets.delete(args.name)), this.secrets.info()),
      'agents.runStatus': async () => this.runStatus.list(),
      'agents.restartCommand': (args) => this.restartCommand(args.agent),
      'agents.setNotify': (args) => setNotify({ connection: this.connection, agents: this.agents, activity: this.activity }, args),
      'agents.action': (args) => this.agents.action(args, USER),
      'agents.delete': (args) => this.agents.delete(args),
      'agents.setLimits': (args) => this.limits.set(args),
      'agents.setNetwork': (args) => this.network.set(args),
      'agents.fixIsolation': (args) => this.isolation.fix(args),
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
      'settings.get': () => this.settings.get(),
      'settings.update': (args) => this.settings.update(args),
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
      'agents.copyTo': notYet,
      'agents.move': notYet,
      'images.copy': notYet,
      'servers.list': notYet,
      'servers.probe': notYet,
      'servers.add': notYet,
      'servers.remove': notYet,
      'servers.retry': notYet,
      'servers.clientCertificate': notYet,
    };
  }

  start(): void {
    this.connection.start();
    this.runStatus.start();
  }

  /** An agent from a template (its image, network, limits and command) or from a bare image. */
  private async createAgent(args: z.output<Requests['agents.create']['args']>): Promise<Agent> {
    const { template, workspace, ...rest } = args;
    const plan = template ? await this.templates.plan({ template, network: rest.network, limits: rest.limits }) : null;
    const limits = plan ? plan.limits : rest.limits;
    const disk = limits?.disk ?? (await this.settings.get()).defaultLimits.disk;
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

  private async secretCall(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof SecretRefused) throw new EnclaveError(/no secret/.test(err.message) ? 'not-found' : 'invalid-arguments', err.message);
      throw err;
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

  /** Waits until connected, or rejects with the reason after `timeoutMs`. */
  ready(timeoutMs = 15_000): Promise<void> {
    if (this.connection.status.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connection.off('status', onStatus);
        const s = this.connection.status;
        reject(new Error(s.state === 'unavailable' ? `${s.message} ${s.hint}` : 'Incus did not answer in time.'));
      }, timeoutMs);
      const onStatus = (s: { state: string }) => {
        if (s.state !== 'connected') return;
        clearTimeout(timer);
        this.connection.off('status', onStatus);
        resolve();
      };
      this.connection.on('status', onStatus);
    });
  }

  async stop(): Promise<void> {
    this.setup.stop();
    await this.images.stop();
    this.terminals.closeAll();
    this.telemetry.stop();
    this.runStatus.stop();
    this.quotaHealth.stop();
    await this.network.stop();
    await this.connection.stop();
  }
}
