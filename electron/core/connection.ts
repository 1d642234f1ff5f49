import { EventEmitter } from 'node:events';
import type { ConnectionProblem, ConnectionStatus, SetupOffer } from '../../shared/types.js';
import { IncusClient } from '../incus/client.js';
import { endpointAddress, type Endpoint } from '../incus/endpoint.js';
import { IncusUnreachableError, classifyConnectError } from '../incus/errors.js';
import { EventStream, type IncusEvent } from '../incus/events.js';
import { ensureProject, listStoragePools, serverInfo, type ServerInfo } from '../incus/projects.js';
import { chooseSocket, hintFor, socketCandidates } from '../incus/socket.js';

export type RemoteEndpoint = Extract<Endpoint, { kind: 'https' }>;

export interface ConnectionOptions {
  project: string;
  /** Explicit socket; otherwise discovered like the incus CLI does. */
  socketPath?: string;
  /**
   * A remote server over HTTPS, its certificate pinned: no socket discovery, no setup offer,
   * and the statuses' `socketPath` is its https://host:port address.
   */
  endpoint?: RemoteEndpoint;
  retryMs?: number;
  /** Whether setting up a local Incus would help with this problem (see SetupRunner). */
  setupOffer?: (problem: ConnectionProblem, socketPath: string) => SetupOffer;
  /** ms a request to Incus may wait for its reply (default 30 s on the socket, REMOTE_TIMEOUT_MS to a remote). */
  requestTimeoutMs?: number;
  /**
   * ms between checks that the daemon still answers while connected (default 10 s). A hung
   * daemon keeps its sockets open and the events stream just goes quiet: without asking, the
   * status would say connected for ever.
   */
  heartbeatMs?: number;
}

interface ConnectionEvents {
  status: [ConnectionStatus];
  /** The events stream is (re)open: state may have changed while it was not, resync now. */
  ready: [IncusClient];
  event: [IncusEvent];
}

const SLOW_DRIVERS = new Set(['dir']);
/** A remote's default request timeout: a slow server must not hold its callers for the local 30 s. */
export const REMOTE_TIMEOUT_MS = 10_000;

/** Work that must succeed before the connection counts as up; what it resolves to is shown as a warning. */
export type ConnectStep = (client: IncusClient) => Promise<string | null>;

/**
 * Owns the link to the daemon: finds the socket, checks the daemon answers, makes sure the
 * project exists, keeps the events stream open, and retries by itself when any of it fails.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  private client: IncusClient | null = null;
  private events: EventStream | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private connectedAt = 0;
  private attempting = false;
  private stopped = false;
  private poolWarning: string | null = null;
  private quotaWarning: string | null = null;
  private readonly steps: ConnectStep[] = [];
  private stepWarning: string | null = null;
  private current: ConnectionStatus;
  /** When the current outage began (ISO); null while connected and before the first try. */
  private outageSince: string | null = null;
  private readonly retryMs: number;

  constructor(private readonly opts: ConnectionOptions) {
    super();
    this.retryMs = opts.retryMs ?? 2_000;
    const tried = this.candidates();
    this.current = { state: 'connecting', socketPath: tried[0] ?? '', tried };
  }

  /** The remote endpoint this connection owns; undefined for the local socket. */
  get endpoint(): RemoteEndpoint | undefined {
    return this.opts.endpoint;
  }

  /** The addresses this connection may use: the remote's, the explicit socket, or the CLI's candidates. */
  private candidates(): string[] {
    if (this.opts.endpoint) return [endpointAddress(this.opts.endpoint)];
    return this.opts.socketPath ? [this.opts.socketPath] : socketCandidates();
  }

  /** Where to connect now: the remote, or the first socket candidate that exists. */
  private async chooseEndpoint(tried: string[]): Promise<Endpoint> {
    if (this.opts.endpoint) return this.opts.endpoint;
    const path = this.opts.socketPath ?? (await chooseSocket(tried)).path;
    return { kind: 'unix', socketPath: path };
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** The client, when connected; throws the reason otherwise. */
  requireClient(): IncusClient {
    if (this.current.state === 'connected' && this.client) return this.client;
    if (this.current.state === 'unavailable')
      throw new IncusUnreachableError(this.current.problem, this.current.socketPath, this.current.message);
    throw new IncusUnreachableError('not-responding', this.current.socketPath, 'Still connecting to Incus.');
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  /** Try now rather than at the next scheduled retry. */
  retryNow(): Promise<void> {
    return this.attempt();
  }

  /** A request failed as if the daemon were gone: find out now rather than at the next event. */
  noteFailure(err: unknown): void {
    if (err instanceof IncusUnreachableError && this.current.state === 'connected') this.lost(err);
  }

  /** The start of the outage this status belongs to, the first one of it starting it. */
  private since(): string {
    this.outageSince ??= new Date().toISOString();
    return this.outageSince;
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status;
    if (status.state === 'connected') this.outageSince = null;
    if (status.state === 'connected') this.beat();
    else if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.emit('status', status);
  }

  /** Asks the daemon for its info every heartbeatMs while connected; no answer in time is a loss. */
  private beat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    const client = this.client;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      if (!client || client !== this.client || this.current.state !== 'connected') return;
      serverInfo(client).then(
        () => {
          if (client === this.client && this.current.state === 'connected' && !this.heartbeatTimer) this.beat();
        },
        (err: unknown) => {
          if (client !== this.client) return;
          this.noteFailure(classifyConnectError(err, client.address) ?? err);
          if (this.current.state === 'connected' && !this.heartbeatTimer) this.beat();
        },
      );
    }, this.opts.heartbeatMs ?? 10_000);
    this.heartbeatTimer.unref();
  }

  /** A problem of the host's storage that only shows later (see QuotaHealth), joined to the pool warning. */
  setQuotaWarning(warning: string | null): void {
    if (warning === this.quotaWarning) return;
    this.quotaWarning = warning;
    if (this.current.state === 'connected') this.setStatus({ ...this.current, warning: this.warningText() });
  }

  /** Runs `step` on every connect, after the project exists; its failure is the connection's. */
  addConnectStep(step: ConnectStep): void {
    this.steps.push(step);
  }

  /** A connect step's warning changed while connected (e.g. the project could be restricted at last). */
  setStepWarning(warning: string | null): void {
    if (warning === this.stepWarning) return;
    this.stepWarning = warning;
    if (this.current.state === 'connected') this.setStatus({ ...this.current, warning: this.warningText() });
  }

  private warningText(): string | null {
    return [this.poolWarning, this.quotaWarning, this.stepWarning].filter(Boolean).join(' ') || null;
  }

  private async attempt(): Promise<void> {
    if (this.attempting || this.stopped || this.current.state === 'connected') return;
    this.attempting = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const tried = this.candidates();
    let socketPath = tried[0] ?? '';
    try {
      const endpoint = await this.chooseEndpoint(tried);
      socketPath = endpointAddress(endpoint);
      if (!this.client || this.client.address !== socketPath) {
        void this.client?.close().catch(() => undefined);
        const timeoutMs = this.opts.requestTimeoutMs ?? (endpoint.kind === 'https' ? REMOTE_TIMEOUT_MS : undefined);
        this.client = new IncusClient({ endpoint, project: this.opts.project, ...(timeoutMs ? { timeoutMs } : {}) });
      }
      const client = this.client;
      const info = checkServerInfo(await serverInfo(client), socketPath, endpoint.kind === 'https');
      await ensureProject(client, this.opts.project);
      const pools = await listStoragePools(client);
      const drivers = [...new Set(pools.map((p) => p.driver))];
      const slow = pools.filter((p) => SLOW_DRIVERS.has(p.driver)).map((p) => p.name);
      this.poolWarning = slow.length
        ? `Storage pool ${slow.join(', ')} uses the dir driver, which copies whole filesystems: creating, snapshotting and cloning agents will be slow. Use btrfs or ZFS.`
        : null;
      const stepWarnings: string[] = [];
      for (const step of this.steps) {
        const warning = await step(client);
        if (warning) stepWarnings.push(warning);
      }
      this.stepWarning = stepWarnings.join(' ') || null;
      await this.openEvents(client);
      this.connectedAt = Date.now();
      this.setStatus({
        state: 'connected',
        socketPath,
        serverVersion: info.environment.server_version,
        project: this.opts.project,
        storageDrivers: drivers,
        warning: this.warningText(),
      });
      this.emit('ready', client);
    } catch (err) {
      this.fail(err, socketPath, tried);
    } finally {
      this.attempting = false;
    }
  }

  private openEvents(client: IncusClient): Promise<void> {
    this.events?.stop();
    const events = new EventStream(client);
    this.events = events;
    return new Promise((resolve, reject) => {
      let settled = false;
      events.on('event', (e) => this.emit('event', e));
      events.once('connected', () => {
        settled = true;
        resolve();
      });
      events.on('disconnected', (err) => {
        if (!settled) {
          settled = true;
          events.stop();
          reject(err ?? new Error('events stream closed'));
          return;
        }
        this.lost(err);
      });
      events.start();
    });
  }

  private lost(err: unknown): void {
    if (this.stopped) return;
    this.events?.stop();
    this.events = null;
    const socketPath = this.client?.address ?? this.current.socketPath;
    const tried = this.candidates();
    if (err instanceof IncusUnreachableError) {
      this.fail(err, socketPath, tried);
      return;
    }
    // A dropped events stream does not say why (it used to show as an empty 'error' until the
    // next retry): reconnect at once, which finds out (missing, not responding…) or finds the
    // daemon back. A link that drops right after connecting waits out retryMs, so never spins.
    this.setStatus({ state: 'connecting', socketPath, tried, since: this.since() });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const wait = Math.max(0, this.connectedAt + this.retryMs - Date.now());
    this.retryTimer = setTimeout(() => void this.attempt(), wait);
  }

  private fail(err: unknown, socketPath: string, tried: string[]): void {
    const unreachable = err instanceof IncusUnreachableError ? err : classifyConnectError(err, socketPath);
    const problem = unreachable?.problem ?? 'error';
    const message =
      unreachable?.message ?? ((err instanceof Error ? err.message : String(err)) || `Lost the connection to Incus on ${socketPath}.`);
    this.setStatus({
      state: 'unavailable',
      socketPath,
      tried,
      problem,
      message,
      hint: hintFor(problem, this.opts.endpoint ? 'remote' : 'local'),
      nextRetryAt: new Date(Date.now() + this.retryMs).toISOString(),
      since: this.since(),
      setup: (!this.opts.endpoint && this.opts.setupOffer?.(problem, socketPath)) || { available: false, reason: null },
    });
    if (!this.stopped) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.attempt(), this.retryMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.events?.stop();
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}

/**
 * What GET /1.0 answered, checked: an Incus API (its environment, or at least its extension
 * list) that trusts us. A remote that does not is 'untrusted'; a reply without either field is
 * some other server ('not-incus').
 */
export function checkServerInfo(raw: unknown, address: string, remote: boolean): ServerInfo {
  const info = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof ServerInfo | 'api_extensions', unknown>>;
  const environment = info.environment as Partial<ServerInfo['environment']> | undefined;
  const hasEnvironment = typeof environment === 'object' && environment !== null;
  if (!hasEnvironment && !Array.isArray(info.api_extensions))
    throw new IncusUnreachableError('not-incus', address, `The server at ${address} answered /1.0, but not as Incus does (no environment or API extensions).`);
  if (info.auth !== 'trusted') {
    const auth = typeof info.auth === 'string' ? info.auth.slice(0, 40) : 'none';
    if (remote) throw new IncusUnreachableError('untrusted', address, `The Incus server at ${address} does not trust Enclave's client certificate (auth: ${auth}).`);
    throw new Error(`Incus does not trust this client on ${address} (auth: ${auth}).`);
  }
  if (!hasEnvironment || typeof environment.server_version !== 'string')
    throw new IncusUnreachableError('not-incus', address, `The server at ${address} trusts us but tells no server version: not an Incus server Enclave can use.`);
  return raw as ServerInfo;
}
