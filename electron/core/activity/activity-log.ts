import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ActivityActor, ActivityEntry, ActivityKind, AutomaticCause } from '../../../shared/types.js';
import type { LifecycleMetadata } from '../../incus/events.js';
import { instanceFromSource } from '../agent-model.js';

/** Entries kept per agent; the oldest go first. */
export const ACTIVITY_CAPACITY = 500;
/** The user, through Enclave: a click, a form. */
export const USER: ActivityActor = Object.freeze({ kind: 'user' });

/** Enclave on its own, for `by`. */
export function automatic(by: AutomaticCause): ActivityActor {
  return { kind: 'automatic', by };
}

/** A requestor's name or address is Incus's (from a client's certificate or socket): bounded. */
const REQUESTOR_MAX = 64;

interface ActivityEvents {
  added: [ActivityEntry];
}

/** The lifecycle actions the log shows, with their wording and kind. */
const LIFECYCLE: Record<string, { kind: ActivityKind; text: (detail: string, ctx: Record<string, unknown>) => string }> = {
  'instance-created': { kind: 'lifecycle', text: () => 'created' },
  'instance-started': { kind: 'lifecycle', text: () => 'started' },
  'instance-stopped': { kind: 'lifecycle', text: () => 'stopped' },
  'instance-shutdown': { kind: 'lifecycle', text: () => 'shut down' },
  'instance-paused': { kind: 'lifecycle', text: () => 'frozen' },
  'instance-resumed': { kind: 'lifecycle', text: () => 'unfrozen' },
  'instance-restarted': { kind: 'lifecycle', text: () => 'restarted' },
  'instance-deleted': { kind: 'lifecycle', text: () => 'deleted' },
  'instance-renamed': { kind: 'lifecycle', text: (_d, c) => (typeof c.old_name === 'string' ? `renamed from ${c.old_name}` : 'renamed') },
  'instance-updated': { kind: 'lifecycle', text: () => 'configuration changed' },
  // Incus names the snapshot "agent/snapshot".
  'instance-restored': { kind: 'snapshot', text: (_d, c) => (typeof c.snapshot === 'string' ? `restored to ${c.snapshot.slice(c.snapshot.indexOf('/') + 1)}` : 'restored from a snapshot') },
  'instance-snapshot-created': { kind: 'snapshot', text: (d) => `snapshot ${d} taken` },
  'instance-snapshot-deleted': { kind: 'snapshot', text: (d) => `snapshot ${d} deleted` },
};

/**
 * Who asked for a lifecycle change, as far as Incus tells. With no requestor it was Incus
 * itself: a snapshot it takes on its own is a scheduled one, one it deletes on its own has expired.
 */
export function actorOf(meta: Pick<LifecycleMetadata, 'action' | 'requestor'>): ActivityActor {
  const r = meta.requestor;
  if (!r || (!r.username && !r.protocol)) {
    const cause = meta.action === 'instance-snapshot-created' ? 'schedule' : meta.action === 'instance-snapshot-deleted' ? 'expiry' : 'daemon';
    return { kind: 'incus', cause };
  }
  const bounded = (v: string | undefined) => (v ? v.slice(0, REQUESTOR_MAX) : null);
  // Other protocols (oidc, cluster, …) are other clients too; their name is not shown as a transport.
  const protocol = r.protocol === 'unix' || r.protocol === 'tls' ? r.protocol : null;
  return { kind: 'client', protocol, username: bounded(r.username), address: bounded(r.address) };
}

/** How long after an action ends the events it caused may still arrive (Incus sends them around its reply). */
export const GRACE_MS = 3_000;
/** Incus's reason for a failure is quoted up to this many characters. */
const REASON_MAX = 300;

/** What an action Enclave performs on an agent says in its log, and the lifecycle events it causes. */
export interface ActivityAction<T = unknown> {
  kind: ActivityKind;
  /** The entry once it is done ("stopped", "snapshot s1 taken"), or made from its result. */
  done: string | ((result: T) => string);
  /** What the entry says when it fails, before Incus's reason: "stop failed" → "stop failed: <reason>". */
  failed: string;
  /** Who asked: the user (a click) or Enclave on its own. */
  by: ActivityActor;
  /**
   * The Incus lifecycle actions it may cause ('instance-stopped', …): while it runs, and
   * GRACE_MS after, one event of each for this agent is its own, not another client's.
   */
  expects?: readonly string[];
}

/** The events an action in progress (or just ended) claims as its own. */
interface Claim {
  agent: string;
  by: ActivityActor;
  /** Lifecycle actions not seen yet; each claims one event. */
  expects: string[];
  /** Its events seen while it ran: logged (as its own) only if it fails, else its entry says it all. */
  held: Omit<ActivityEntry, 'id' | 'agent'>[];
  /** Infinity while it runs; then the end of its grace. */
  until: number;
  failed: boolean;
}

/** Incus's reason, on one bounded line. */
export function reasonOf(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim() || 'no reason given';
  return text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text;
}

/**
 * Each agent's recent activity: lifecycle changes (with who asked for them), guard alerts
 * and limit changes. It lives in memory only — Incus keeps no such history — so it starts
 * empty each time the backend starts.
 *
 * Enclave's own changes come over the same local socket as the incus CLI's, so requestors
 * cannot tell them apart. So Enclave runs each of its actions through `track`: the lifecycle
 * events it expects are claimed for as long as it runs (a graceful stop takes up to 30 s) and
 * a short grace after, and one entry is written when it ends: what it did, or that it failed
 * and why (with the events it caused before failing). Any other lifecycle event is someone
 * else's. `record` is for facts that already happened (a guard alert, a blocked connection).
 */
export class ActivityLog extends EventEmitter<ActivityEvents> {
  private readonly logs = new Map<string, ActivityEntry[]>();
  private claims: Claim[] = [];

  constructor(
    private readonly capacity = ACTIVITY_CAPACITY,
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  /** Adds an entry for something that has happened. */
  record(agent: string, kind: ActivityKind, message: string, actor: ActivityActor, extra: Pick<ActivityEntry, 'broughtBack'> = {}): ActivityEntry {
    return this.add({ id: randomUUID(), agent, at: this.clock(), kind, message, actor, ...extra });
  }

  /**
   * Runs `work`, an action on `agent`, and logs it once it is done, or as failed with the
   * reason it threw. The lifecycle events it expects are its own meanwhile.
   */
  async track<T>(agent: string, action: ActivityAction<T>, work: () => Promise<T>): Promise<T> {
    this.prune();
    const by = action.by;
    const claim: Claim = { agent, by, expects: [...(action.expects ?? [])], held: [], until: Infinity, failed: false };
    this.claims.push(claim);
    let result: T;
    try {
      result = await work();
    } catch (err) {
      claim.failed = true;
      claim.until = this.clock() + GRACE_MS;
      // Under the agent's name now (it may have been renamed meanwhile).
      for (const entry of claim.held) this.add({ id: randomUUID(), agent: claim.agent, ...entry });
      claim.held = [];
      this.record(claim.agent, action.kind, `${action.failed}: ${reasonOf(err)}`, by);
      throw err;
    }
    claim.until = this.clock() + GRACE_MS;
    claim.held = [];
    this.record(claim.agent, action.kind, typeof action.done === 'function' ? action.done(result) : action.done, by);
    return result;
  }

  /** An Incus lifecycle event; returns the entry it added, or null (not shown, or Enclave's own). */
  onLifecycle(meta: LifecycleMetadata): ActivityEntry | null {
    const shown = LIFECYCLE[meta.action];
    const target = instanceFromSource(meta.source);
    if (!shown || !target) return null;
    const now = this.clock();
    this.prune(now);
    const oldName = meta.context.old_name;
    if (meta.action === 'instance-renamed' && typeof oldName === 'string') this.move(oldName, target.name);
    const detail = decodeURIComponent(target.rest.replace(/^\/snapshots\//, ''));
    const message = shown.text(detail, meta.context);
    const entry = { at: now, kind: shown.kind, message };
    // The oldest action on this agent still expecting such an event caused it.
    const claim = this.claims.find((c) => c.agent === target.name && c.expects.includes(meta.action));
    if (claim) {
      claim.expects.splice(claim.expects.indexOf(meta.action), 1);
      if (claim.until === Infinity) claim.held.push({ ...entry, actor: claim.by });
      else if (claim.failed) return this.add({ id: randomUUID(), agent: target.name, ...entry, actor: claim.by });
      return null;
    }
    return this.add({ id: randomUUID(), agent: target.name, ...entry, actor: actorOf(meta) });
  }

  /** Drops the claims of actions whose grace is over. */
  private prune(now = this.clock()): void {
    this.claims = this.claims.filter((c) => c.until >= now);
  }

  /** The agent's entries, newest last; at most the last `limit`. */
  list(agent: string, limit?: number): ActivityEntry[] {
    const log = this.logs.get(agent) ?? [];
    return limit === undefined ? [...log] : log.slice(-limit);
  }

  /** A renamed agent keeps its history: the entries move to the new name. */
  private move(from: string, to: string): void {
    if (from === to) return;
    for (const c of this.claims) if (c.agent === from) c.agent = to;
    const log = this.logs.get(from);
    if (!log) return;
    this.logs.delete(from);
    const merged = [...log.map((e) => ({ ...e, agent: to })), ...(this.logs.get(to) ?? [])].sort((a, b) => a.at - b.at);
    this.logs.set(to, merged.slice(-this.capacity));
  }

  private add(entry: ActivityEntry): ActivityEntry {
    let log = this.logs.get(entry.agent);
    if (!log) this.logs.set(entry.agent, (log = []));
    log.push(entry);
    if (log.length > this.capacity) log.splice(0, log.length - this.capacity);
    this.emit('added', entry);
    return entry;
  }
}
