import { EventEmitter } from 'node:events';
import { cpus, totalmem } from 'node:os';
import { sizeBytes } from '../../../shared/limits.js';
import type { Agent, TelemetryBatch, TelemetrySample } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { getInstanceState } from '../../incus/instances.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { ClientLink } from '../client-link.js';
import type { Connection } from '../connection.js';
import { BtrfsQuotaSource, type QuotaUse } from './btrfs-quota.js';
import { CgroupSource } from './cgroup-source.js';
import { InitPids } from './init-pids.js';
import { NetCounters } from './net-counters.js';
import { DISK_OTHERS_MS, WRITING_BYTES, diskInterval } from './disk-cadence.js';
import { fetchMetricsText, type MetricsReading } from './metrics-source.js';
import { limitCores, toSample, type Reading } from './rates.js';
import { RemoteSource, STATE_MAX_BYTES, STATE_TIMEOUT_MS, type RemoteCalls } from './remote-source.js';
import { SampleRing } from './ring.js';
import type { StateReading } from './state-source.js';
import { clientEndpoint, telemetryModeFor, type TelemetryMode } from './telemetry-mode.js';

export interface SamplerOptions {
  /** ms between ticks (focused agents get a sample each tick). */
  intervalMs?: number;
  /** Force a mode (tests, benchmarks); otherwise chosen from the connection's endpoint. */
  mode?: TelemetryMode;
}

/** Which source a kept reading came from: rates only between readings of the same one. */
type Source = 'cgroup' | 'metrics' | 'state';

/** What a metrics round said of a focused agent, for its next state sample (memory and OOMs). */
interface MetricsNote {
  memoryBytes: number | null;
  oomKills: number | null;
}

/** A focused agent without a state sample for this long gets its metrics samples again. */
const STATE_STALE_MS = 3000;


interface SamplerEvents {
  batch: [TelemetryBatch];
}

interface DiskUse {
  bytes: number | null;
  totalBytes: number | null;
  at: number;
  pending: boolean;
  /** When the agent's cgroup last showed it writing, or null. */
  lastWriteAt: number | null;
}

/** A memory limit as bytes: a size, or a share of the host's memory. */
function memoryLimitOf(limit: string): number | null {
  if (!limit) return null;
  if (limit.endsWith('%')) return Math.round((Number(limit.slice(0, -1)) / 100) * totalmem());
  const n = sizeBytes(limit);
  return Number.isFinite(n) ? n : null;
}

/**
 * Samples every running agent and keeps an hour of samples per agent, emitting each round as
 * one batch. Local mode (a unix socket on this machine, cgroups readable) reads cgroup files
 * (no daemon cost): everyone every 2 s, the focused agents (any window's) every second; root
 * disk use from the btrfs qgroup files, else rare targeted state calls. Remote mode asks the
 * daemon for the project's /1.0/metrics once per its 8 s cache period (everyone), and the
 * focused agents' state every second, at most one request of each kind under way. Runs only
 * while connected.
 */
export class TelemetrySampler extends EventEmitter<SamplerEvents> {
  private readonly rings = new Map<string, SampleRing>();
  private readonly previous = new Map<string, Reading>();
  private readonly disks = new Map<string, DiskUse>();
  /** Client id → the agent that window focuses. */
  private readonly focusBy = new Map<string, string>();
  private readonly watched = new Set<string>();
  private readonly cgroups = new CgroupSource();
  private readonly quotas = new BtrfsQuotaSource();
  /** Init pids from Incus (for the agents' /proc files), one state call per start. */
  private readonly pids = new InitPids(async (name) => (await getInstanceState(this.connection.requireClient(), name)).pid);
  private readonly nets = new NetCounters((name, pid) => this.pids.stale(name, pid));
  private readonly hostCores = cpus().length || 1;
  private timer: NodeJS.Timeout | null = null;
  private tickNo = 0;
  private local = false;
  private stopped = false;
  private readonly forced: TelemetryMode | undefined;
  private readonly intervalMs: number;
  private readonly sources = new Map<string, Source>();
  private readonly notes = new Map<string, MetricsNote>();
  private readonly stateAt = new Map<string, number>();
  /** Remote mode's requests; `remote.counts` says how many were made. */
  readonly remote: RemoteSource;
  /** process.cpuUsage() microseconds spent in ticks, and their count, for measurement. */
  readonly cost = { cpuMicros: 0, ticks: 0, samples: 0 };

  constructor(
    private readonly connection: Connection,
    private readonly agents: Pick<AgentMirror, 'cached' | 'on'>,
    private readonly project: string,
    opts: SamplerOptions | number = {},
  ) {
    super();
    const o = typeof opts === 'number' ? { intervalMs: opts } : opts;
    this.intervalMs = o.intervalMs ?? 1000;
    this.forced = o.mode;
    this.remote = new RemoteSource(remoteCalls(() => this.connection.requireClient()), {
      metrics: (readings) => this.onMetrics(readings),
      state: (name, reading) => this.onState(name, reading),
    }, project);
    connection.on('status', (s) => {
      if (s.state === 'connected') this.resume();
      else this.pause();
    });
    // Made on a connection that is already up (a server added later): no status event comes.
    if (connection.status.state === 'connected') this.resume();
    agents.on('changed', (c) => {
      if (c.kind === 'removed') this.drop(c.name);
      if (c.kind === 'reset') for (const name of [...this.rings.keys()]) if (!c.agents.some((a) => a.name === name)) this.drop(name);
    });
  }

  private resume(): void {
    if (this.timer || this.stopped) return;
    let mode: TelemetryMode = 'remote';
    try {
      mode = telemetryModeFor(clientEndpoint(this.connection.requireClient()), { force: this.forced });
    } catch {
      // No client after all: remote costs nothing until one answers.
    }
    this.local = mode === 'local';
    this.remote.reset();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.previous.clear();
    this.notes.clear();
  }

  /** For good: a reconnect does not start it again. */
  stop(): void {
    this.stopped = true;
    this.pause();
  }

  /** Whether samples come from local cgroup files (true) or the metrics endpoint. */
  get isLocal(): boolean {
    return this.local;
  }

  get mode(): TelemetryMode {
    return this.local ? 'local' : 'remote';
  }

  private drop(name: string): void {
    this.rings.delete(name);
    this.previous.delete(name);
    this.sources.delete(name);
    this.notes.delete(name);
    this.stateAt.delete(name);
    this.disks.delete(name);
    this.pids.forget(name);
    this.nets.forget(name);
  }

  /** Sets what one window focuses (null: nothing); forgotten when that window goes away. */
  focus(client: ClientLink | null, agent: string | null): void {
    const id = client?.id ?? 'internal';
    if (agent === null) this.focusBy.delete(id);
    else this.focusBy.set(id, agent);
    if (client && !this.watched.has(id)) {
      // Kept for the window's whole life: one per window, removed when it goes.
      this.watched.add(id);
      client.onClose(() => {
        this.focusBy.delete(id);
        this.watched.delete(id);
      });
    }
  }

  focused(): Set<string> {
    return new Set(this.focusBy.values());
  }

  /** The kept samples of an agent over the last `seconds`, oldest first. */
  history(agent: string, seconds: number): TelemetrySample[] {
    return this.rings.get(agent)?.since(Date.now() - seconds * 1000) ?? [];
  }

  /** One round; public so tests and benchmarks can drive it. */
  tick(now = Date.now()): TelemetryBatch {
    const started = process.cpuUsage();
    const full = this.tickNo++ % 2 === 0;
    const focused = this.focused();
    const running = this.agents.cached().filter((a) => a.status === 'Running');
    const samples: TelemetrySample[] = [];
    if (this.local) {
      const due = full ? running : running.filter((a) => focused.has(a.name));
      for (const agent of due) {
        const pid = this.pids.get(agent, now);
        const net = pid === null ? { rx: 0, tx: 0 } : this.nets.get(agent.name, pid, now);
        const reading = this.cgroups.read(this.project, agent.name, now, net);
        if (reading) samples.push(this.record(agent, reading, 'cgroup', focused.has(agent.name), now));
        else this.previous.delete(agent.name);
      }
    } else {
      // Remote samples arrive later, each emitted as its own batch when its reply is in.
      this.remote.tick(now, running.length > 0, running.filter((a) => focused.has(a.name)).map((a) => a.name));
    }
    for (const a of this.agents.cached()) if (a.status !== 'Running') this.previous.delete(a.name);
    const used = process.cpuUsage(started);
    this.cost.cpuMicros += used.user + used.system;
    this.cost.ticks++;
    this.cost.samples += samples.length;
    const batch = { samples };
    if (samples.length) this.emit('batch', batch);
    return batch;
  }

  /** A metrics round: a sample for every running agent but the focused ones, which take its memory and OOMs into their next state sample. */
  private onMetrics(readings: Map<string, MetricsReading>): void {
    if (this.stopped) return;
    const now = Date.now();
    const focused = this.focused();
    const samples: TelemetrySample[] = [];
    for (const agent of this.agents.cached()) {
      const r = agent.status === 'Running' ? readings.get(agent.name) : undefined;
      if (!r) continue;
      if (focused.has(agent.name) && now - (this.stateAt.get(agent.name) ?? -Infinity) < STATE_STALE_MS) {
        this.notes.set(agent.name, { memoryBytes: r.memoryBytes, oomKills: r.oomKills });
        continue;
      }
      const sample = this.remoteSample(agent, r, 'metrics', now);
      if (sample) samples.push(sample);
    }
    if (samples.length) this.emit('batch', { samples });
  }

  /** A focused agent's state reply: its live sample, with the memory and OOMs of a metrics round since the last one. */
  private onState(name: string, reading: StateReading): void {
    if (this.stopped) return;
    const agent = this.agents.cached().find((a) => a.name === name && a.status === 'Running');
    if (!agent) return;
    const now = Date.now();
    this.stateAt.set(name, now);
    const note = this.notes.get(name);
    if (note) {
      // Said once, by the sample right after the metrics reply: never repeated as if new.
      reading.memoryBytes = note.memoryBytes;
      reading.oomKills = note.oomKills;
      this.notes.delete(name);
    }
    const sample = this.remoteSample(agent, reading, 'state', now);
    if (sample) this.emit('batch', { samples: [sample] });
  }

  private remoteSample(agent: Agent, r: MetricsReading | StateReading, source: Source, now: number): TelemetrySample | null {
    const { diskBytes, ...reading } = r;
    reading.memoryLimitBytes = memoryLimitOf(agent.limits.memory);
    reading.processesLimit = agent.limits.processes ? Number(agent.limits.processes) : null;
    if (this.sources.get(agent.name) !== source && this.previous.has(agent.name)) {
      // Switched between metrics and state (focus moved): their counters are read at different
      // moments, so no rate spans the two. This reading starts the new run; no sample yet.
      this.previous.set(agent.name, reading);
      this.sources.set(agent.name, source);
      return null;
    }
    return this.record(agent, reading, source, false, now, diskBytes);
  }

  /** Keeps a reading and its sample. `remoteDisk`: the root disk use the remote reply gave (remote mode). */
  private record(agent: Agent, reading: Reading, source: Source, isFocused: boolean, now: number, remoteDisk?: number | null): TelemetrySample {
    const configured = agent.limits.disk ? sizeBytes(agent.limits.disk) : NaN;
    const limitDisk = Number.isFinite(configured) ? configured : null;
    let diskBytes: number | null;
    let diskLimitBytes: number | null;
    const quota = this.localQuota(agent);
    if (remoteDisk !== undefined) {
      // Only what this reply said: a figure from an earlier one is not repeated as new.
      diskBytes = remoteDisk;
      diskLimitBytes = limitDisk;
    } else if (quota === undefined) {
      // Being resolved (the first rounds after a start): no disk figure rather than a state call.
      diskBytes = null;
      diskLimitBytes = limitDisk;
    } else if (quota) {
      diskBytes = quota.bytes;
      diskLimitBytes = quota.limitBytes ?? limitDisk;
    } else {
      const writing = (reading.writingBytes ?? 0) >= WRITING_BYTES;
      const disk = this.diskUse(agent.name, isFocused, writing, limitDisk, now);
      diskBytes = disk?.bytes ?? null;
      diskLimitBytes = limitDisk ?? disk?.totalBytes ?? null;
    }
    const sample = toSample(agent.name, this.previous.get(agent.name) ?? null, reading, {
      hostCores: this.hostCores,
      limitCores: limitCores(agent.limits.cpu, this.hostCores),
      diskBytes,
      diskLimitBytes,
    });
    this.previous.set(agent.name, reading);
    this.sources.set(agent.name, source);
    let ring = this.rings.get(agent.name);
    if (!ring) this.rings.set(agent.name, (ring = new SampleRing()));
    ring.push(sample);
    return sample;
  }

  /**
   * Root disk use straight from the kernel's btrfs qgroup files, when the daemon is local and
   * the pool btrfs; undefined while the agent's pid or qgroup is being looked up.
   */
  private localQuota(agent: Agent): QuotaUse | null | undefined {
    if (!this.local) return null;
    const pid = this.pids.get(agent);
    return pid === null ? (this.pids.pending(agent.name) ? undefined : null) : this.quotas.read(pid);
  }

  /** The last known root disk use; starts a state call when it is due (never two at once). */
  private diskUse(name: string, isFocused: boolean, writing: boolean, limitBytes: number | null, now: number): DiskUse | undefined {
    const known = this.disks.get(name);
    if (known && writing) known.lastWriteAt = now;
    if (!known && !isFocused && !writing) {
      // Spread the agents' first reads (and so every later one) over the interval: read all at
      // once, 100 agents cost the daemon a burst of 100 state calls every minute.
      this.disks.set(name, { bytes: null, totalBytes: null, at: now - Math.random() * DISK_OTHERS_MS, pending: false, lastWriteAt: null });
      return undefined;
    }
    const every = diskInterval({
      focused: isFocused,
      lastWriteAt: writing ? now : (known?.lastWriteAt ?? null),
      bytes: known?.bytes ?? null,
      limitBytes: limitBytes ?? known?.totalBytes ?? null,
      now,
    });
    if (!this.local || known?.pending || (known && now - known.at < every)) return known;
    const entry: DiskUse = {
      bytes: known?.bytes ?? null,
      totalBytes: known?.totalBytes ?? null,
      at: now,
      pending: true,
      lastWriteAt: writing ? now : (known?.lastWriteAt ?? null),
    };
    this.disks.set(name, entry);
    void (async () => {
      try {
        const root = (await getInstanceState(this.connection.requireClient(), name)).disk?.root;
        entry.bytes = root?.usage ?? null;
        entry.totalBytes = root?.total || null;
      } catch {
        // Gone or unreachable: keep the last value; retried when next due.
      } finally {
        entry.pending = false;
      }
    })();
    return known;
  }
}

/** The remote requests over the connection's client, each bounded and timed out. */
function remoteCalls(client: () => IncusClient): RemoteCalls {
  return {
    metrics: () => fetchMetricsText(client()),
    state: (name) => client().get<unknown>(`/1.0/instances/${encodeURIComponent(name)}/state`, { timeoutMs: STATE_TIMEOUT_MS, maxBytes: STATE_MAX_BYTES }),
  };
}
