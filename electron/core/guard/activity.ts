import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ActivityEntry, ActivityKind } from '../../../shared/types.js';
import type { LifecycleMetadata } from '../../incus/events.js';
import { instanceFromSource } from '../agent-model.js';

/** Entries kept per agent; the oldest go first. */
export const ACTIVITY_CAPACITY = 500;
/** A lifecycle event this soon after Enclave recorded the same action is Enclave's own. */
export const DEDUPE_MS = 5_000;
export const ENCLAVE = 'Enclave';

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
  'instance-restored': { kind: 'snapshot', text: (_d, c) => (typeof c.snapshot === 'string' ? `restored to ${c.snapshot}` : 'restored from a snapshot') },
  'instance-snapshot-created': { kind: 'snapshot', text: (d) => `snapshot ${d} taken` },
  'instance-snapshot-deleted': { kind: 'snapshot', text: (d) => `snapshot ${d} deleted` },
};

/** Who asked for a lifecycle change, as far as Incus tells. */
export function actorOf(meta: Pick<LifecycleMetadata, 'action' | 'requestor'>): string {
  const r = meta.requestor;
  if (!r || (!r.username && !r.protocol)) return meta.action === 'instance-snapshot-created' ? 'Incus (schedule)' : 'Incus';
  // The local unix socket: the incus CLI, or any other client running as a local user.
  if (r.protocol === 'unix') return r.username ? `incus CLI / another client (${r.username})` : 'incus CLI / another client';
  const who = r.username ? `${r.username}` : 'a remote client';
  return r.address ? `${who} (${r.address})` : who;
}

interface Expected {
  agent: string;
  action: string;
  until: number;
}

/**
 * Each agent's recent activity: lifecycle changes (with who asked for them), guard alerts
 * and limit changes. It lives in memory only — Incus keeps no such history — so it starts
 * empty each time the backend starts.
 *
 * Enclave's own changes come over the same local socket as the incus CLI's, so requestors
 * cannot tell them apart: Enclave records its actions itself (`record(…, expects)`) just
 * before calling Incus, and the matching lifecycle event that follows is dropped as a
 * duplicate; any other lifecycle event is someone else's.
 */
export class ActivityLog extends EventEmitter<ActivityEvents> {
  private readonly logs = new Map<string, ActivityEntry[]>();
  private expected: Expected[] = [];

  constructor(private readonly capacity = ACTIVITY_CAPACITY) {
    super();
  }

  /**
   * Adds an entry. `expects` lists the Incus lifecycle actions the change will cause (e.g.
   * 'instance-stopped'): those events, arriving within DEDUPE_MS, are not logged again.
   */
  record(agent: string, kind: ActivityKind, message: string, actor: string = ENCLAVE, expects: string[] = [], now = Date.now()): ActivityEntry {
    for (const action of expects) this.expected.push({ agent, action, until: now + DEDUPE_MS });
    return this.add({ id: randomUUID(), agent, at: now, kind, message, actor });
  }

  /** An Incus lifecycle event; returns the entry it added, or null (not shown, or Enclave's own). */
  onLifecycle(meta: LifecycleMetadata, now = Date.now()): ActivityEntry | null {
    const shown = LIFECYCLE[meta.action];
    const target = instanceFromSource(meta.source ?? '');
    if (!shown || !target) return null;
    this.expected = this.expected.filter((e) => e.until >= now);
    const i = this.expected.findIndex((e) => e.agent === target.name && e.action === meta.action);
    if (i >= 0) {
      this.expected.splice(i, 1);
      return null;
    }
    const oldName = meta.context?.old_name;
    if (meta.action === 'instance-renamed' && typeof oldName === 'string') this.move(oldName, target.name);
    const detail = decodeURIComponent(target.rest.replace(/^\/snapshots\//, ''));
    const message = shown.text(detail, meta.context ?? {});
    return this.add({ id: randomUUID(), agent: target.name, at: now, kind: shown.kind, message, actor: actorOf(meta) });
  }

  /** The agent's entries, newest last; at most the last `limit`. */
  list(agent: string, limit?: number): ActivityEntry[] {
    const log = this.logs.get(agent) ?? [];
    return limit === undefined ? [...log] : log.slice(-limit);
  }

  /** A renamed agent keeps its history: the entries move to the new name. */
  private move(from: string, to: string): void {
    const log = this.logs.get(from);
    if (!log || from === to) return;
    this.logs.delete(from);
    const merged = [...log.map((e) => ({ ...e, agent: to })), ...(this.logs.get(to) ?? [])].sort((a, b) => a.at - b.at);
    this.logs.set(to, merged.slice(-this.capacity));
    for (const e of this.expected) if (e.agent === from) e.agent = to;
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
