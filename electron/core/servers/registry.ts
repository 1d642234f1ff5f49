import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../../shared/errors.js';
import { LOCAL_SERVER, parseAgentRef, type ClusterMember, type ServerInfo, type ServerSource } from '../../../shared/servers.js';
import type { ConnectionStatus } from '../../../shared/types.js';
import { Qualifier } from './qualify.js';
import type { ServerStack } from './server-stack.js';

/** How a server's entry was configured: shown with its state in servers.list. */
export interface ServerMeta {
  source: ServerSource;
  address: string;
  fingerprint: string | null;
  clientCertificate: 'enclave' | 'cli' | null;
}

/** A configured server: its stack, or the reason it has none (a broken CLI entry). */
export interface Registered {
  name: string;
  meta: ServerMeta;
  q: Qualifier;
  stack: ServerStack | null;
  /** Why there is no stack (the entry itself is broken). */
  broken: ConnectionStatus | null;
  cluster: ClusterMember[] | null;
}

interface RegistryEvents {
  changed: [ServerInfo[]];
  added: [Registered];
  removed: [Registered];
}

/**
 * Every server Enclave shows, by name. It owns their stacks' lifetimes: a stack is started
 * when it is added and stopped when it is removed, and nothing else keeps one.
 */
export class ServerRegistry extends EventEmitter<RegistryEvents> {
  private readonly servers = new Map<string, Registered>();
  private changeTimer: NodeJS.Timeout | null = null;

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  add(name: string, meta: ServerMeta, stack: ServerStack | null, broken: ConnectionStatus | null = null): Registered {
    if (this.servers.has(name)) throw new EnclaveError('conflict', `A server named "${name}" is already there.`);
    const entry: Registered = { name, meta, q: new Qualifier(name), stack, broken, cluster: null };
    this.servers.set(name, entry);
    stack?.connection.on('status', () => this.changed());
    stack?.cluster.on('changed', (members) => this.setCluster(name, members));
    this.emit('added', entry);
    this.changed();
    return entry;
  }

  async remove(name: string): Promise<void> {
    const entry = this.servers.get(name);
    if (!entry) return;
    this.servers.delete(name);
    this.emit('removed', entry);
    this.changed();
    await entry.stack?.stop();
  }

  has(name: string): boolean {
    return this.servers.has(name);
  }

  get(name: string): Registered {
    const entry = this.servers.get(name);
    if (!entry) {
      const names = [...this.servers.keys()].join(', ');
      throw new EnclaveError('not-found', `There is no server named "${name}" (servers: ${names}).`);
    }
    return entry;
  }

  /** The server's stack; a broken entry says why it has none. */
  stack(name: string): { entry: Registered; stack: ServerStack } {
    const entry = this.get(name);
    if (!entry.stack) {
      const why = entry.broken?.state === 'unavailable' ? entry.broken.message : 'its entry is broken';
      throw new EnclaveError('unavailable', `Server ${name} cannot be used: ${why}`);
    }
    return { entry, stack: entry.stack };
  }

  /** The stack an agent ref names and its bare name there. */
  resolve(ref: string): { entry: Registered; stack: ServerStack; name: string } {
    const { server, name } = parseAgentRef(ref);
    return { ...this.stack(server), name };
  }

  all(): Registered[] {
    return [...this.servers.values()];
  }

  stacks(): { entry: Registered; stack: ServerStack }[] {
    return this.all().flatMap((entry) => (entry.stack ? [{ entry, stack: entry.stack }] : []));
  }

  get local(): ServerStack {
    return this.stack(LOCAL_SERVER).stack;
  }

  setCluster(name: string, members: ClusterMember[] | null): void {
    const entry = this.servers.get(name);
    if (!entry || JSON.stringify(entry.cluster) === JSON.stringify(members)) return;
    entry.cluster = members;
    this.changed();
  }

  info(): ServerInfo[] {
    return this.all().map((e) => ({
      name: e.name,
      address: e.stack?.connection.status.socketPath || e.meta.address,
      source: e.meta.source,
      fingerprint: e.meta.fingerprint,
      clientCertificate: e.meta.clientCertificate,
      status: e.stack ? e.stack.connection.status : (e.broken as ConnectionStatus),
      cluster: e.cluster,
    }));
  }

  /** Many status changes in one tick (a start, a storm of retries) become one event. */
  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.emit('changed', this.info());
    }, 0);
    this.changeTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    await Promise.allSettled(this.all().map((e) => e.stack?.stop()));
  }
}
