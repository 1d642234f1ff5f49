import { LOCAL_SERVER } from '../../../shared/servers.js';
import type { ConnectionStatus } from '../../../shared/types.js';
import { hintFor } from '../../incus/socket.js';
import type { ServerEntry } from './catalog.js';
import type { ServerMeta, ServerRegistry } from './registry.js';

/** What the registry is told to do so it holds exactly the catalog's servers. */
export interface RemoteSyncTarget {
  registry: ServerRegistry;
  /** Adds a server with a stack on its endpoint. */
  addStack(entry: ServerEntry & { endpoint: NonNullable<ServerEntry['endpoint']> }, meta: ServerMeta): void;
}

/** The status of an entry whose configuration is broken: it has no stack and never retries by itself. */
export function brokenStatus(entry: ServerEntry): ConnectionStatus {
  return {
    state: 'unavailable',
    socketPath: entry.address,
    tried: [entry.address],
    problem: 'config',
    message: entry.problem?.message ?? `The entry of ${entry.name} is broken.`,
    hint: hintFor('config', 'remote'),
    nextRetryAt: new Date(8.64e15).toISOString(),
    setup: { available: false, reason: null },
  };
}

function metaOf(entry: ServerEntry): ServerMeta {
  return { source: entry.source, address: entry.address, fingerprint: entry.fingerprint, clientCertificate: entry.clientCertificate };
}

/** One key for what a stack is built from: a change of any of it means a new stack. */
function shapeOf(entry: ServerEntry): string {
  return JSON.stringify([entry.address, entry.fingerprint, entry.clientCertificate, entry.problem?.message ?? null, entry.endpoint?.client.certPem ?? null]);
}

/**
 * Keeps the registry's remote servers equal to the catalog's entries: new ones added (a
 * stack, or a broken entry), gone ones removed (their stacks stopped), changed ones rebuilt.
 * Calls are serialised, so two quick adds never race each other into the registry.
 */
export class RemoteSync {
  private readonly shapes = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly target: RemoteSyncTarget) {}

  apply(entries: ServerEntry[]): Promise<void> {
    const next = this.chain.then(() => this.applyNow(entries));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async applyNow(entries: ServerEntry[]): Promise<void> {
    const { registry } = this.target;
    const wanted = new Map(entries.filter((e) => e.name !== LOCAL_SERVER).map((e) => [e.name, e]));
    for (const name of [...this.shapes.keys()]) {
      const entry = wanted.get(name);
      if (entry && shapeOf(entry) === this.shapes.get(name)) continue;
      this.shapes.delete(name);
      await registry.remove(name);
    }
    for (const [name, entry] of wanted) {
      if (this.shapes.has(name) || registry.has(name)) continue;
      this.shapes.set(name, shapeOf(entry));
      if (entry.endpoint && !entry.problem) this.target.addStack({ ...entry, endpoint: entry.endpoint }, metaOf(entry));
      else registry.add(name, metaOf(entry), null, brokenStatus(entry));
    }
  }
}
