import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../../shared/errors.js';
import type { Agent, GuardAlert, GuardRule, GuardSettings, TelemetryBatch } from '../../../shared/types.js';
import { patchConfig } from '../../incus/instances.js';
import { META_PREFIX } from '../agent-model.js';
import type { AgentActions, AgentMirror } from '../agent-mirror.js';
import type { Connection } from '../connection.js';
import type { SettingsStore } from '../settings.js';
import type { TelemetrySampler } from '../telemetry/sampler.js';
import { USER, automatic, type ActivityLog } from '../activity/activity-log.js';
import { evaluate, windowSeconds } from './rules.js';

/** Alerts kept for `guard.alerts`, active ones included; the oldest inactive go first. */
export const ALERTS_KEPT = 200;

/** GuardSettings field → the agent's config key (under user.enclave.). */
export const GUARD_KEYS: Record<keyof GuardSettings, string> = {
  enabled: 'guard.enabled',
  cpuPinnedSeconds: 'guard.cpu-pinned-seconds',
  memoryPercent: 'guard.memory-percent',
  processesPercent: 'guard.processes-percent',
  diskPercent: 'guard.disk-percent',
  forkRatePerSecond: 'guard.fork-rate-per-second',
  autoFreeze: 'guard.auto-freeze',
};

const RANGES: Record<Exclude<keyof GuardSettings, 'enabled' | 'autoFreeze'>, [number, number]> = {
  cpuPinnedSeconds: [5, 3600],
  memoryPercent: [10, 100],
  processesPercent: [10, 100],
  diskPercent: [10, 100],
  forkRatePerSecond: [5, 100000],
};

/** The agent's own guard keys (Agent.meta, without the prefix) laid onto the defaults; bad values fall back. */
export function guardSettingsOf(meta: Record<string, string>, defaults: GuardSettings): GuardSettings {
  const out = { ...defaults };
  for (const field of ['enabled', 'autoFreeze'] as const) {
    const v = meta[GUARD_KEYS[field]];
    if (v === 'true' || v === 'false') out[field] = v === 'true';
  }
  for (const [field, [min, max]] of Object.entries(RANGES) as [keyof typeof RANGES, [number, number]][]) {
    const raw = meta[GUARD_KEYS[field]];
    const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) out[field] = n;
  }
  return out;
}

/** Config keys for a PATCH of some guard settings. */
export function guardPatch(change: Partial<GuardSettings>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [field, value] of Object.entries(change) as [keyof GuardSettings, unknown][]) {
    if (value !== undefined) config[META_PREFIX + GUARD_KEYS[field]] = String(value);
  }
  return config;
}

interface GuardEvents {
  alert: [GuardAlert];
}

/**
 * Watches every sampled agent against its guard rules: raises an alert when a rule starts
 * firing (freezing the agent when it asks for that), and clears it once the condition has.
 */
export class GuardService extends EventEmitter<GuardEvents> {
  /** Agent → its active alerts by rule. */
  private readonly active = new Map<string, Map<GuardRule, GuardAlert>>();
  /** Every kept alert, oldest first. */
  private alerts: GuardAlert[] = [];
  private readonly hidden = new Set<string>();
  private readonly freezing = new Set<string>();
  private defaults: GuardSettings | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    /** The mirror, and the freeze an alert may ask for. */
    private readonly agents: Pick<AgentMirror, 'get' | 'reload' | 'cached' | 'on'> & AgentActions,
    private readonly settings: SettingsStore,
    private readonly sampler: TelemetrySampler,
    private readonly activity: ActivityLog,
  ) {
    super();
    sampler.on('batch', (batch) => {
      // One batch after another; a failure in one must not stop the next.
      this.chain = this.chain.then(() => this.onBatch(batch)).catch(() => undefined);
    });
    agents.on('changed', (c) => {
      if (c.kind === 'removed') this.clearAgent(c.name);
      else if (c.kind === 'upsert' && c.agent.status === 'Stopped') this.clearAgent(c.agent.name);
      else if (c.kind === 'reset') for (const name of this.active.keys()) if (!c.agents.some((a) => a.name === name && a.status !== 'Stopped')) this.clearAgent(name);
    });
  }

  private async guardDefaults(): Promise<GuardSettings> {
    // The store caches the file; re-read each time so a settings change applies at once.
    this.defaults = (await this.settings.get()).guardDefaults;
    return this.defaults;
  }

  async get(agent: string): Promise<GuardSettings> {
    return guardSettingsOf((await this.agents.get(agent)).meta, await this.guardDefaults());
  }

  /** Stores the change on the agent in Incus (user.enclave.guard.*) and returns the merged settings. */
  async set(args: { agent: string; settings: Partial<GuardSettings> }): Promise<GuardSettings> {
    const client = this.connection.requireClient();
    const config = guardPatch(args.settings);
    if (Object.keys(config).length) {
      const text = `guard settings changed: ${describeChange(args.settings)}`;
      try {
        await this.activity.track(args.agent, { kind: 'guard', done: text, failed: 'guard settings change failed', by: USER, expects: ['instance-updated'] }, () => patchConfig(client, args.agent, config));
      } catch (err) {
        this.connection.noteFailure(err);
        throw err;
      }
    }
    const agent: Agent = await this.agents.reload(args.agent);
    return guardSettingsOf(agent.meta, await this.guardDefaults());
  }

  /** Active and recent alerts (newest last), of one agent or all; dismissed ones left out. */
  list(agent?: string): GuardAlert[] {
    return this.alerts.filter((a) => (!agent || a.agent === agent) && !this.hidden.has(a.id)).map((a) => ({ ...a }));
  }

  /** Removes an inactive alert; hides an active one until a rule fires anew (a new alert). */
  dismiss(id: string): void {
    const alert = this.alerts.find((a) => a.id === id);
    if (!alert) throw new EnclaveError('not-found', 'There is no such alert (it may have been dismissed already).');
    if (alert.active) this.hidden.add(id);
    else this.alerts = this.alerts.filter((a) => a.id !== id);
  }

  private async onBatch(batch: TelemetryBatch): Promise<void> {
    const defaults = this.defaults ?? (await this.guardDefaults());
    // Refresh in the background for the next batch: the file is cached, this is cheap.
    void this.guardDefaults().catch(() => undefined);
    const now = Date.now();
    for (const sample of batch.samples) {
      const agent = this.agents.cached().find((a) => a.name === sample.agent);
      if (!agent) continue;
      const settings = guardSettingsOf(agent.meta, defaults);
      const samples = this.sampler.history(agent.name, windowSeconds(settings));
      if (!samples.length || samples.at(-1) !== sample) samples.push(sample);
      this.apply(agent, settings, evaluate(agent.name, samples, settings, now, { cpuLimit: agent.limits.cpu, firing: new Set(this.active.get(agent.name)?.keys()) }), now);
    }
  }

  private apply(agent: Agent, settings: GuardSettings, firing: ReturnType<typeof evaluate>, now: number): void {
    let mine = this.active.get(agent.name);
    if (!mine) this.active.set(agent.name, (mine = new Map()));
    const still = new Set(firing.map((f) => f.rule));
    for (const [rule, alert] of mine) {
      if (still.has(rule)) continue;
      mine.delete(rule);
      this.deactivate(alert);
    }
    const raised: GuardAlert[] = [];
    for (const f of firing) {
      const known = mine.get(f.rule);
      if (known) {
        // Still firing: the latest numbers, pushed as an update (no new notification) when the
        // words change, so the card and the list do not show the first reading for ever.
        known.value = f.value;
        if (known.message !== f.message) {
          known.message = f.message;
          this.emit('alert', { ...known });
        }
        continue;
      }
      const alert: GuardAlert = { id: randomUUID(), agent: agent.name, rule: f.rule, message: f.message, at: now, value: f.value, threshold: f.threshold, active: true, action: null };
      mine.set(f.rule, alert);
      this.keep(alert);
      this.emit('alert', { ...alert });
      this.activity.record(agent.name, 'guard', f.message, automatic('guard-alert'));
      raised.push(alert);
    }
    if (!mine.size) this.active.delete(agent.name);
    if (raised.length && settings.autoFreeze && agent.status === 'Running') void this.freeze(agent.name, raised);
  }

  private async freeze(name: string, alerts: GuardAlert[]): Promise<void> {
    if (this.freezing.has(name)) return;
    this.freezing.add(name);
    let action: string;
    try {
      await this.agents.action({ name, action: 'freeze' }, automatic('guard-freeze'));
      action = 'frozen automatically';
    } catch (err) {
      action = `could not freeze it: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.freezing.delete(name);
    }
    for (const alert of alerts) {
      alert.action = action;
      this.emit('alert', { ...alert });
    }
  }

  private deactivate(alert: GuardAlert): void {
    alert.active = false;
    this.hidden.delete(alert.id);
    this.emit('alert', { ...alert });
  }

  /** The agent stopped or went away: nothing of its alerts is firing any more. */
  private clearAgent(name: string): void {
    const mine = this.active.get(name);
    if (!mine) return;
    this.active.delete(name);
    for (const alert of mine.values()) this.deactivate(alert);
  }

  private keep(alert: GuardAlert): void {
    this.alerts.push(alert);
    while (this.alerts.length > ALERTS_KEPT) {
      const i = this.alerts.findIndex((a) => !a.active);
      const [gone] = this.alerts.splice(i >= 0 ? i : 0, 1);
      if (gone) this.hidden.delete(gone.id);
    }
  }
}

function describeChange(change: Partial<GuardSettings>): string {
  return Object.entries(change)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
