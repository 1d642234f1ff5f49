/**
 * The contract's handlers over many servers: each call goes to the stack its agent ref, id or
 * `server` names, with bare names in and refs out (qualify.ts); lists come from every server,
 * and a server that is down or slow answers from its mirror (or not at all) within a bound,
 * so it never holds up the others.
 */
import type { RequestName, ResultOf } from '../../../shared/api.js';
import type { CallContext, ContractLink, Handlers } from '../../../shared/handlers.js';
import { EnclaveError } from '../../../shared/errors.js';
import { LOCAL_SERVER, parseAgentRef } from '../../../shared/servers.js';
import type { ClientLink } from '../client-link.js';
import { qualifyEvent, qualifyResult, type Qualifier } from './qualify.js';
import type { Registered, ServerRegistry } from './registry.js';
import type { AppMethod, ServerStack } from './server-stack.js';

type StackMethod = Exclude<RequestName, AppMethod>;

/**
 * ref: argument fields holding agent refs (the first names the server, the others must be on it);
 * fanout: every server's list, merged; id: the server that gave out `args.id`; server: `args.server`
 * (default local); focus: the server of the agent, the others told none.
 */
type Route = { ref: readonly string[] } | 'fanout' | 'id' | 'server' | 'focus' | 'ref-or-fanout';

const ROUTES: { [K in StackMethod]: Route } = {
  'agents.list': 'fanout',
  'agents.create': { ref: ['name'] },
  'workspace.attach': { ref: ['agent'] },
  'workspace.changes': { ref: ['agent'] },
  'workspace.fileDiff': { ref: ['agent', 'against'] },
  'workspace.compare': { ref: ['a', 'b'] },
  'workspace.fetch': { ref: ['agent'] },
  'agents.runStatus': 'fanout',
  'agents.restartCommand': { ref: ['agent'] },
  'agents.setNotify': { ref: ['agent'] },
  'agents.setNetwork': { ref: ['agent'] },
  'agents.fixIsolation': { ref: ['agent'] },
  'agents.action': { ref: ['name'] },
  'agents.delete': { ref: ['name'] },
  'agents.move': { ref: ['agent'] },
  'agents.setLimits': { ref: ['agent'] },
  'agents.clone': { ref: ['source', 'name'] },
  'telemetry.history': { ref: ['agent'] },
  'telemetry.focus': 'focus',
  'images.list': 'server',
  'images.delete': 'server',
  'images.missing': 'server',
  'images.build': 'server',
  'images.builds': 'server',
  'images.cancelBuild': 'id',
  'images.dismissBuild': 'id',
  'images.uploadBegin': 'server',
  'images.uploadChunk': 'id',
  'images.uploadCancel': 'id',
  'images.import': 'server',
  'snapshots.list': { ref: ['agent'] },
  'snapshots.create': { ref: ['agent'] },
  'snapshots.update': { ref: ['agent'] },
  'snapshots.delete': { ref: ['agent'] },
  'snapshots.restore': { ref: ['agent'] },
  'snapshots.schedule': { ref: ['agent'] },
  'operations.cancel': 'id',
  'guard.get': { ref: ['agent'] },
  'guard.set': { ref: ['agent'] },
  'guard.alerts': 'ref-or-fanout',
  'guard.dismiss': 'id',
  'activity.list': { ref: ['agent'] },
  'terminals.list': 'fanout',
  'terminals.open': { ref: ['agent'] },
  'terminals.attach': 'id',
  'terminals.detach': 'id',
  'terminals.input': 'id',
  'terminals.resize': 'id',
  'terminals.ack': 'id',
  'terminals.close': 'id',
};

/** How long one server may take to add its part to a list before it is left out (or answered from its mirror). */
export const FANOUT_TIMEOUT_MS = 5_000;

/** Ids a server gave out (terminals, operations, alerts, builds, uploads), so calls by id find it again. */
export class IdBook {
  private readonly owners = new Map<string, string>();
  constructor(private readonly capacity = 20_000) {}

  note(id: string, server: string): void {
    this.owners.delete(id);
    this.owners.set(id, server);
    if (this.owners.size > this.capacity) this.owners.delete(this.owners.keys().next().value as string);
  }

  owner(id: string): string {
    return this.owners.get(id) ?? LOCAL_SERVER;
  }
}

/** The ids in what a stack answered or pushed, by the shape they come in. */
export function idsIn(payload: unknown): string[] {
  const one = (x: unknown): string[] =>
    typeof x === 'object' && x !== null && 'id' in x && typeof (x as { id: unknown }).id === 'string' ? [(x as { id: string }).id] : [];
  if (Array.isArray(payload)) return payload.flatMap(one);
  if (typeof payload === 'object' && payload !== null && 'terminal' in payload) return one((payload as { terminal: unknown }).terminal);
  return one(payload);
}

const ID_METHODS: ReadonlySet<string> = new Set([
  'terminals.open',
  'terminals.attach',
  'terminals.list',
  'images.build',
  'images.builds',
  'images.uploadBegin',
  'guard.alerts',
]);
export const ID_EVENTS: ReadonlySet<string> = new Set(['terminals.changed', 'operations.progress', 'guard.alert', 'images.build']);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new EnclaveError('unavailable', `${what} did not answer within ${ms / 1000} s.`)), ms);
    timer.unref();
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** One wrapped link per (server, renderer link): services compare links, so the same one must come back. */
class LinkBook {
  private readonly links = new WeakMap<ContractLink, Map<string, ClientLink>>();

  wrap(link: ContractLink | null, q: Qualifier): ClientLink | null {
    if (!link) return null;
    let per = this.links.get(link);
    if (!per) this.links.set(link, (per = new Map()));
    let wrapped = per.get(q.server);
    if (!wrapped) {
      const inner = link as ClientLink;
      wrapped = {
        id: inner.id,
        push: (event, payload) => inner.push(event, qualifyEvent(q, event, payload)),
        onClose: (listener) => inner.onClose(listener),
      };
      per.set(q.server, wrapped);
    }
    return wrapped;
  }
}

type AnyArgs = Record<string, unknown>;
type AnyHandler = (args: AnyArgs, ctx: CallContext) => Promise<unknown>;

export class Router {
  readonly ids = new IdBook();
  private readonly links = new LinkBook();

  constructor(private readonly registry: ServerRegistry) {}

  /** The stack handlers for every stack method, routed; the app's own methods come from `app`. */
  handlers(app: Pick<Handlers, AppMethod>): Handlers {
    const routed = {} as Record<string, AnyHandler>;
    for (const method of Object.keys(ROUTES) as StackMethod[]) routed[method] = (args, ctx) => this.call(method, args, ctx);
    return { ...(routed as unknown as Omit<Handlers, AppMethod>), ...app };
  }

  private async call(method: StackMethod, args: AnyArgs, ctx: CallContext): Promise<unknown> {
    const route = ROUTES[method];
    if (route === 'fanout' || (route === 'ref-or-fanout' && args.agent === undefined)) return this.fanout(method, args, ctx);
    if (route === 'focus') return this.focus(args, ctx);
    if (route === 'id') return this.on(this.registry.stack(this.ids.owner(String(args.id))), method, args, ctx);
    if (route === 'server') {
      const server = typeof args.server === 'string' ? args.server : LOCAL_SERVER;
      const { server: _drop, ...rest } = args;
      return this.on(this.registry.stack(server), method, rest, ctx);
    }
    const fields = route === 'ref-or-fanout' ? ['agent'] : route.ref;
    const first = String(args[fields[0] as string]);
    const { server } = parseAgentRef(first);
    const bare: AnyArgs = { ...args };
    for (const field of fields) {
      const value = args[field];
      if (typeof value !== 'string') continue;
      const ref = parseAgentRef(value);
      if (ref.server !== server) throw crossServer(method, first, value);
      bare[field] = ref.name;
    }
    return this.on(this.registry.stack(server), method, bare, ctx);
  }

  private async on(target: { entry: Registered; stack: ServerStack }, method: StackMethod, args: AnyArgs, ctx: CallContext): Promise<unknown> {
    const { entry, stack } = target;
    const handler = stack.handlers[method] as unknown as AnyHandler;
    const result = await handler(args, { client: this.links.wrap(ctx.client, entry.q) });
    const qualified = qualifyResult(entry.q, method, result as ResultOf<typeof method>);
    if (ID_METHODS.has(method)) for (const id of idsIn(qualified)) this.ids.note(id, entry.name);
    return qualified;
  }

  private async fanout(method: StackMethod, args: AnyArgs, ctx: CallContext): Promise<unknown[]> {
    const parts = await Promise.all(
      this.registry.stacks().map(async (target) => {
        try {
          return (await withTimeout(this.on(target, method, args, ctx), FANOUT_TIMEOUT_MS, `Server ${target.entry.name}`)) as unknown[];
        } catch {
          // Terminals, run states and alerts are the stack's own (asked even while its server is
          // away); a server that cannot answer the agents' list shows what its mirror last held.
          return method === 'agents.list' ? target.stack.agents.cached().map((a) => target.entry.q.agent(a)) : [];
        }
      }),
    );
    return parts.flat();
  }

  private async focus(args: AnyArgs, ctx: CallContext): Promise<Record<string, never>> {
    const ref = typeof args.agent === 'string' ? parseAgentRef(args.agent) : null;
    for (const { entry, stack } of this.registry.stacks()) {
      stack.telemetry.focus(this.links.wrap(ctx.client, entry.q), ref && ref.server === entry.name ? ref.name : null);
    }
    return {};
  }
}

function crossServer(method: string, a: string, b: string): EnclaveError {
  if (method === 'agents.clone')
    return new EnclaveError('invalid-arguments', `A clone is made on its source's server (${a}); to put ${b} on another server, copy the agent there (Copy to server).`);
  return new EnclaveError('invalid-arguments', `${a} and ${b} are on different servers; ${method} works within one server.`);
}
