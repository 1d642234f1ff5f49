import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import type { EventName, EventOf } from '../../shared/api.js';
import type { Handlers } from '../../shared/handlers.js';
import { EnclaveError } from '../../shared/errors.js';
import type { AgentTemplate } from '../../shared/templates.js';
import { LOCAL_SERVER, parseAgentRef, type ServerInfo } from '../../shared/servers.js';
import type { Agent } from '../../shared/types.js';
import { ServerCatalog } from './servers/catalog.js';
import { RemoteSync } from './servers/remote-sync.js';
import { CrossServer } from './servers/cross-server.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { REMOTE_HOST, type NetworkServiceOptions } from './network/service.js';
import { SetupRunner, type SetupRunnerOptions } from './setup-runner.js';
import { SettingsStore } from './settings.js';
import { plainCipher, type SecretCipher } from './secrets/cipher.js';
import { SecretRefused, SecretStore } from './secrets/store.js';
import { TemplateService } from './templates/service.js';
import { TemplateStore } from './templates/store.js';
import { ServerRegistry, type Registered, type ServerMeta } from './servers/registry.js';
import { ServerStack, type StackShared } from './servers/server-stack.js';
import { ID_EVENTS, Router, idsIn } from './servers/router.js';
import { qualifyEvent } from './servers/qualify.js';
import { EVENT_NAMES } from './servers/event-names.js';

export const DEFAULT_PROJECT = 'enclave';


type Pushed = { [E in EventName]: [EventOf<E>] };

/**
 * The backend as both transports see it: the contract's handlers, and one emitter of the
 * contract's events. Plain Node: runs under Electron's main process and under `npm run serve`.
 * It holds the app's own stores (settings, secrets, templates) and every server's stack; calls
 * reach a stack through the router, which names agents by ref across servers.
 */
export class Backend {
  readonly settings: SettingsStore;
  readonly setup: SetupRunner;
  readonly secrets: SecretStore;
  readonly templates: TemplateService;
  readonly registry = new ServerRegistry();
  readonly router: Router;
  readonly events = new EventEmitter<Pushed>();
  readonly handlers: Handlers;
  private readonly shared: StackShared;
  readonly project: string;
  readonly catalog: ServerCatalog;
  private readonly cross: CrossServer;
  private readonly remotes: RemoteSync;
  private started = false;

  constructor({
    settingsPath,
    network,
    setup,
    secretCipher,
    cliConfigDir,
    remoteNetwork,
    ...opts
  }: Partial<ConnectionOptions> & {
    settingsPath?: string;
    network?: NetworkServiceOptions;
    setup?: SetupRunnerOptions;
    /** How secrets are sealed: safeStorage in Electron; the plain cipher (file mode 0600) in browser mode. */
    secretCipher?: SecretCipher;
    /** The incus CLI's config folder whose remotes appear as servers (the app passes the CLI's own); null or absent: none. */
    cliConfigDir?: string | null;
    /** Network options of every remote server's stack (tests: a spare daemon on this host makes no bridges). */
    remoteNetwork?: NetworkServiceOptions;
  } = {}) {
    const project = opts.project ?? process.env.ENCLAVE_PROJECT ?? DEFAULT_PROJECT;
    this.project = project;
    this.events.setMaxListeners(0);
    this.setup = new SetupRunner(setup ?? { script: null });
    this.settings = new SettingsStore(settingsPath);
    const configDir = dirname(this.settings.path);
    this.secrets = new SecretStore(join(configDir, 'secrets.json'), secretCipher ?? plainCipher);
    this.templates = new TemplateService(new TemplateStore(join(configDir, 'templates')), this.secrets);
    this.shared = { settings: this.settings, templates: this.templates };
    this.catalog = new ServerCatalog(configDir, secretCipher ?? plainCipher, cliConfigDir ?? null);
    this.remotes = new RemoteSync({
      registry: this.registry,
      addStack: (entry, meta) =>
        this.addServer(entry.name, meta, { endpoint: entry.endpoint }, { network: { host: REMOTE_HOST, blockedLog: false, ...remoteNetwork } }),
    });
    this.catalog.onChange((entries) => void this.remotes.apply(entries));
    this.router = new Router(this.registry);
    this.cross = new CrossServer(this.registry);
    this.registry.on('added', (entry) => this.forward(entry));
    this.registry.on('changed', (list) => this.events.emit('servers.changed', list));
    // A removed server's agents and terminals leave the window with it. Said here, before its
    // stack stops: forward() drops what a stack that is no longer registered emits.
    this.registry.on('removed', (entry) => {
      for (const t of entry.stack?.terminals.list() ?? []) this.events.emit('terminals.changed', qualifyEvent(entry.q, 'terminals.changed', { kind: 'removed', id: t.id }));
      for (const a of entry.stack?.agents.cached() ?? []) this.events.emit('agents.changed', { kind: 'removed', name: entry.q.ref(a.name) });
    });

    const connection = new Connection({ project, setupOffer: (problem, path) => this.setup.offer(problem, path), ...opts });
    // Once the setup ends, look for the daemon at once rather than at the next retry.
    this.setup.on('log', (log) => {
      this.events.emit('system.setupLog', log);
      if ('done' in log) void connection.retryNow();
    });
    connection.on('status', (s) => this.events.emit('system.status', s));
    const local = new ServerStack(connection, this.shared, { server: LOCAL_SERVER, project, network });
    this.registry.add(LOCAL_SERVER, { source: 'local', address: connection.status.socketPath, fingerprint: null, clientCertificate: null }, local);

    this.handlers = this.router.handlers({
      'system.status': async () => {
        if (connection.status.state !== 'connected') await connection.retryNow();
        return connection.status;
      },
      'system.setupIncus': async () => {
        const s = connection.status;
        if (s.state !== 'unavailable' && !this.setup.running) throw new EnclaveError('conflict', 'Incus answers: there is nothing to set up.');
        return this.setup.start(s.state === 'unavailable' ? this.setup.offer(s.problem, s.socketPath) : { available: false, reason: null });
      },
      'workspace.inspect': (args) => this.local.workspace.inspect(args),
      'templates.list': () => this.templates.list(),
      'templates.save': (args) => this.templates.save(args.template as AgentTemplate),
      'templates.delete': async (args) => (await this.templates.delete(args.id), {}),
      'secrets.list': () => this.secrets.info(),
      'secrets.set': async (args) => (await this.secretCall(() => this.secrets.set(args.name, args.value)), this.secrets.info()),
      'secrets.delete': async (args) => (await this.secretCall(() => this.secrets.delete(args.name)), this.secrets.info()),
      'settings.get': () => this.settings.get(),
      'settings.update': (args) => this.settings.update(args),
      'servers.list': async () => this.registry.info(),
      'servers.retry': async (args) => {
        const { stack } = this.registry.stack(args.name);
        await stack.connection.retryNow();
        return this.serverInfo(args.name);
      },
      'servers.probe': (args) => this.catalog.probe(args.address),
      'servers.add': async (args) => {
        const entry = await this.catalog.add(args);
        await this.syncServers();
        return this.serverInfo(entry.name);
      },
      'servers.remove': async (args) => {
        if (args.name === LOCAL_SERVER) throw new EnclaveError('invalid-arguments', 'The local server is this computer\'s own Incus: it cannot be removed.');
        await this.catalog.remove(args.name);
        await this.syncServers();
        return {};
      },
      'servers.clientCertificate': () => this.catalog.clientCertificate(),
      'agents.copyTo': (args) => this.cross.copyAgent(args),
      'images.copy': (args) => this.cross.copyImage(args),
    });
  }

  private serverInfo(name: string): ServerInfo {
    const info = this.registry.info().find((s) => s.name === name);
    if (!info) throw new EnclaveError('not-found', `Server ${name} was removed meanwhile.`);
    return info;
  }

  /** The registry's remote servers made equal to the catalog's (the CLI's remotes, those added here). */
  async syncServers(): Promise<void> {
    await this.remotes.apply(await this.catalog.entries());
  }

  /** An agent by ref as its server's mirror holds it now (no request); undefined when unknown. */
  cachedAgent(ref: string): Agent | undefined {
    const { server, name } = parseAgentRef(ref);
    if (!this.registry.has(server)) return undefined;
    const entry = this.registry.get(server);
    const found = entry.stack?.agents.cached().find((a) => a.name === name);
    return found && entry.q.agent(found);
  }

  /** Every agent Enclave holds now, on every server, by ref (no request is made). */
  cachedAgents(): Agent[] {
    return this.registry.stacks().flatMap(({ entry, stack }) => stack.agents.cached().map((a) => entry.q.agent(a)));
  }

  /** The local server's stack (the unix socket). */
  get local(): ServerStack {
    return this.registry.local;
  }

  /** A stack's events onto the contract's emitter, with its names as refs and its ids noted. */
  private forward(entry: Registered): void {
    const stack = entry.stack;
    if (!stack) return;
    for (const name of EVENT_NAMES) {
      // The images view lists the local server's images; another server's come by images.list {server}.
      if (name === 'images.changed' && entry.name !== LOCAL_SERVER) continue;
      stack.events.on(name, (payload: EventOf<typeof name>) => {
        if (this.registry.all().every((e) => e !== entry)) return;
        if (name === 'agents.changed') return this.emitChange(entry, payload as EventOf<'agents.changed'>);
        const qualified: unknown = qualifyEvent<EventName>(entry.q, name, payload);
        if (ID_EVENTS.has(name)) for (const id of idsIn(qualified)) this.router.ids.note(id, entry.name);
        (this.events.emit as (e: EventName, p: unknown) => boolean)(name, qualified);
      });
    }
  }

  /**
   * One server's resync replaces only its own agents: the renderer's reset is of the whole
   * grid, so it is sent with every other server's agents as their mirrors hold them.
   */
  private emitChange(from: Registered, change: EventOf<'agents.changed'>): void {
    if (change.kind !== 'reset') {
      this.events.emit('agents.changed', qualifyEvent(from.q, 'agents.changed', change));
      return;
    }
    const agents = this.registry.stacks().flatMap(({ entry, stack }) => (entry === from ? change.agents : stack.agents.cached()).map((a) => entry.q.agent(a)));
    this.events.emit('agents.changed', { kind: 'reset', agents });
  }

  start(): void {
    this.started = true;
    for (const { stack } of this.registry.stacks()) stack.start();
    // Remote servers join as their entries are read; a broken file shows on its entry, never stops the start.
    void this.syncServers().catch((err: unknown) => console.error(`Enclave: could not read the servers: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * Adds a server with a stack of its own on `connection` options (an HTTPS endpoint, or a
   * socket), started at once when the backend runs. Its trouble stays its own: nothing of the
   * other servers waits for it.
   */
  addServer(name: string, meta: ServerMeta, connection: Partial<ConnectionOptions>, opts: { network?: NetworkServiceOptions } = {}): Registered {
    const { project: _ignored, ...rest } = connection;
    const stack = new ServerStack(new Connection({ project: this.project, ...rest }), this.shared, { server: name, project: this.project, ...opts });
    const entry = this.registry.add(name, meta, stack);
    if (this.started) stack.start();
    return entry;
  }

  private async secretCall(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof SecretRefused) throw new EnclaveError(/no secret/.test(err.message) ? 'not-found' : 'invalid-arguments', err.message);
      throw err;
    }
  }

  /** Waits until the local server is connected, or rejects with the reason after `timeoutMs`. */
  ready(timeoutMs = 15_000): Promise<void> {
    const connection = this.local.connection;
    if (connection.status.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('status', onStatus);
        const s = connection.status;
        reject(new Error(s.state === 'unavailable' ? `${s.message} ${s.hint}` : 'Incus did not answer in time.'));
      }, timeoutMs);
      const onStatus = (s: { state: string }) => {
        if (s.state !== 'connected') return;
        clearTimeout(timer);
        connection.off('status', onStatus);
        resolve();
      };
      connection.on('status', onStatus);
    });
  }

  async stop(): Promise<void> {
    this.setup.stop();
    await this.registry.stop();
  }
}
