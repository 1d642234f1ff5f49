/**
 * What crosses the contract from one server's stack, with its bare agent names turned into
 * refs (`server:name`; bare on the local server) and `server` set on every agent. One function
 * per type that holds agent names, and tables over every event and request so that a new
 * event or method cannot be added without saying how its names travel.
 */
import type { EventName, EventOf, RequestName, ResultOf } from '../../../shared/api.js';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import { agentRef } from '../../../shared/servers.js';
import type { Agent, AgentsChange, ImageInfo, TelemetrySample, TerminalInfo, TerminalsChange } from '../../../shared/types.js';

export class Qualifier {
  constructor(readonly server: string) {}

  ref(name: string): string {
    return agentRef(this.server, name);
  }

  agent(a: Agent): Agent {
    return {
      ...a,
      name: this.ref(a.name),
      server: this.server,
      clonedFrom: a.clonedFrom ? { ...a.clonedFrom, agent: this.ref(a.clonedFrom.agent) } : null,
    };
  }

  /** Any object whose `agent` field is a bare name. */
  named<T extends { agent: string }>(x: T): T {
    return { ...x, agent: this.ref(x.agent) };
  }

  /** Any object whose `agent` field is an Agent. */
  holding<T extends { agent: Agent }>(x: T): T {
    return { ...x, agent: this.agent(x.agent) };
  }

  terminal(t: TerminalInfo): TerminalInfo {
    return this.named(t);
  }

  terminalsChange(c: TerminalsChange): TerminalsChange {
    return c.kind === 'upsert' ? { ...c, terminal: this.terminal(c.terminal) } : c;
  }

  agentsChange(c: AgentsChange): AgentsChange {
    switch (c.kind) {
      case 'reset':
        return { kind: 'reset', agents: c.agents.map((a) => this.agent(a)) };
      case 'upsert':
        return { kind: 'upsert', agent: this.agent(c.agent) };
      case 'removed':
        return { kind: 'removed', name: this.ref(c.name) };
    }
  }

  samples(list: TelemetrySample[]): TelemetrySample[] {
    return list.map((s) => this.named(s));
  }

  runStatus(s: AgentRunStatus): AgentRunStatus {
    return this.named(s);
  }

  image(i: ImageInfo): ImageInfo {
    return { ...i, usedBy: i.usedBy.map((n) => this.ref(n)) };
  }
}

type EventQualifiers = { [E in EventName]: (q: Qualifier, p: EventOf<E>) => EventOf<E> };

const same = <T>(_q: Qualifier, p: T): T => p;

export const eventQualifiers: EventQualifiers = {
  'system.status': same,
  'system.setupLog': same,
  'servers.changed': same,
  'agents.changed': (q, c) => q.agentsChange(c),
  'agents.progress': (q, p) => ({ ...p, name: q.ref(p.name) }),
  'snapshots.changed': (q, c) => ({ agent: q.ref(c.agent), snapshots: c.snapshots.map((s) => q.named(s)) }),
  'operations.progress': (q, p) => q.named(p),
  'telemetry.samples': (q, b) => ({ ...b, samples: q.samples(b.samples) }),
  'guard.alert': (q, a) => q.named(a),
  'activity.added': (q, e) => q.named(e),
  'agents.runStatus': (q, s) => q.runStatus(s),
  'ui.openAgent': (q, p) => ({ agent: q.ref(p.agent) }),
  'ui.command': same,
  'terminals.changed': (q, c) => q.terminalsChange(c),
  'images.changed': (q, l) => l.map((i) => q.image(i)),
  'images.build': same,
  'images.buildLog': same,
  'images.importProgress': same,
  'terminals.data': same,
};

export function qualifyEvent<E extends EventName>(q: Qualifier, event: E, payload: EventOf<E>): EventOf<E> {
  return (eventQualifiers[event] as (q: Qualifier, p: EventOf<E>) => EventOf<E>)(q, payload);
}

type ResultQualifiers = { [K in RequestName]: (q: Qualifier, r: ResultOf<K>) => ResultOf<K> };

export const resultQualifiers: ResultQualifiers = {
  'system.status': same,
  'system.setupIncus': same,
  'agents.list': (q, l) => l.map((a) => q.agent(a)),
  'agents.create': (q, a) => q.agent(a),
  'agents.copyTo': same,
  'agents.move': (q, a) => q.agent(a),
  'workspace.inspect': same,
  'workspace.attach': (q, r) => q.holding(r),
  'workspace.changes': (q, r) => q.named(r),
  'workspace.fileDiff': same,
  'workspace.compare': (q, r) => ({ ...r, a: q.ref(r.a), b: q.ref(r.b) }),
  'workspace.fetch': (q, r) => q.named(r),
  'templates.list': same,
  'templates.save': same,
  'templates.delete': same,
  'secrets.list': same,
  'secrets.set': same,
  'secrets.delete': same,
  'agents.runStatus': (q, l) => l.map((s) => q.runStatus(s)),
  'agents.restartCommand': (q, s) => q.runStatus(s),
  'agents.setNotify': (q, a) => q.agent(a),
  'agents.setNetwork': (q, r) => q.holding(r),
  'agents.fixIsolation': (q, r) => q.holding(r),
  'agents.action': (q, a) => q.agent(a),
  'agents.delete': (q, r) => ({ name: q.ref(r.name) }),
  'images.list': (q, l) => l.map((i) => q.image(i)),
  'images.delete': same,
  'images.copy': same,
  'images.missing': same,
  'images.build': same,
  'images.builds': same,
  'images.cancelBuild': same,
  'images.dismissBuild': same,
  'images.uploadBegin': same,
  'images.uploadChunk': same,
  'images.uploadCancel': same,
  'images.import': (q, i) => q.image(i),
  'agents.clone': (q, a) => q.agent(a),
  'servers.list': same,
  'servers.probe': same,
  'servers.add': same,
  'servers.remove': same,
  'servers.retry': same,
  'servers.clientCertificate': same,
  'snapshots.list': (q, l) => l.map((s) => q.named(s)),
  'snapshots.create': (q, s) => q.named(s),
  'snapshots.update': (q, s) => q.named(s),
  'snapshots.delete': same,
  'snapshots.restore': (q, r) => ({ agent: q.agent(r.agent), safety: q.named(r.safety) }),
  'snapshots.schedule': (q, a) => q.agent(a),
  'settings.get': same,
  'settings.update': same,
  'agents.setLimits': (q, r) => q.holding(r),
  'telemetry.history': (q, l) => q.samples(l),
  'guard.get': same,
  'guard.set': same,
  'guard.alerts': (q, l) => l.map((a) => q.named(a)),
  'guard.dismiss': same,
  'activity.list': (q, l) => l.map((e) => q.named(e)),
  'telemetry.focus': same,
  'operations.cancel': same,
  'terminals.list': (q, l) => l.map((t) => q.terminal(t)),
  'terminals.open': (q, t) => q.terminal(t),
  'terminals.attach': (q, t) => q.terminal(t),
  'terminals.detach': same,
  'terminals.input': same,
  'terminals.resize': same,
  'terminals.ack': same,
  'terminals.close': same,
};

export function qualifyResult<K extends RequestName>(q: Qualifier, method: K, result: ResultOf<K>): ResultOf<K> {
  return (resultQualifiers[method] as (q: Qualifier, r: ResultOf<K>) => ResultOf<K>)(q, result);
}
