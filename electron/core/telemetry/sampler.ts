import { EventEmitter } from 'node:events';
import { cpus, totalmem } from 'node:os';
import { sizeBytes } from '../../../shared/limits.js';
import type { Agent, TelemetryBatch, TelemetrySample } from '../../../shared/types.js';
import { getInstanceState } from '../../incus/instances.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { ClientLink } from '../client-link.js';
import type { Connection } from '../connection.js';
import { BtrfsQuotaSource, type QuotaUse } from './btrfs-quota.js';
import { CgroupSource, localCgroupsAvailable } from './cgroup-source.js';
import { InitPids } from './init-pids.js';
import { NetCounters } from './net-counters.js';
import { DISK_OTHERS_MS, WRITING_BYTES, diskInterval } from './disk-cadence.js';
import { METRICS_CACHE_MS, fetchMetricsReadings, type MetricsReading } from './metrics-source.js';
import { limitCores, toSample, type Reading } from './rates.js';
import { SampleRing } from './ring.js';


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
 * Samples every running agent every 2 s and the focused ones (any window's) every second,
 * keeps an hour of samples per agent, and emits each round as one batch. On a local daemon
 * it reads cgroup files (no daemon cost); otherwise the project's /1.0/metrics at its 8 s
 * cache cadence. Root disk use comes from the btrfs qgroup files when the daemon is local,
 * else from targeted state calls, rare unless the agent writes or nears its quota. Runs only
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
  private metricsAt = 0;
  private metricsInFlight = false;
  /** process.cpuUsage() microseconds spent in ticks, and their count, for measurement. */
  readonly cost = { cpuMicros: 0, ticks: 0, samples: 0 };

  constructor(
    private readonly connection: Connection,
    private readonly agents: Pick<AgentMirror, 'cached' | 'on'>,
    private readonly project: string,
    private readonly intervalMs = 1000,
  ) {
    super();
    connection.on('status', (s) => {
      if (s.state === 'connected') this.resume(s.socketPath);
      else this.pause();
    });
    agents.on('changed', (c) => {
      if (c.kind === 'removed') this.drop(c.name);
      if (c.kind === 'reset') for (const name of [...this.rings.keys()]) if (!c.agents.some((a) => a.name === name)) this.drop(name);
    });
  }

  private resume(socketPath: string): void {
    if (this.timer) return;
    this.local = localCgroupsAvailable(socketPath);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.previous.clear();
  }

  stop(): void {
    this.pause();
  }

  /** Whether samples come from local cgroup files (true) or the metrics endpoint. */
  get isLocal(): boolean {
    return this.local;
  }

  private drop(name: string): void {
    this.rings.delete(name);
    this.previous.delete(name);
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
    const due = full ? running : running.filter((a) => focused.has(a.name));
    const samples: TelemetrySample[] = [];
    if (this.local) {
      for (const agent of due) {
        const pid = this.pids.get(agent, now);
        const net = pid === null ? { rx: 0, tx: 0 } : this.nets.get(agent.name, pid, now);
        const reading = this.cgroups.read(this.project, agent.name, now, net);
        if (reading) samples.push(this.record(agent, reading, focused.has(agent.name), now));
        else this.previous.delete(agent.name);
      }
    } else if (full && !this.metricsInFlight && now - this.metricsAt >= METRICS_CACHE_MS) {
      this.metricsInFlight = true;
      this.metricsAt = now;
      void this.remoteRound(running, focused).finally(() => (this.metricsInFlight = false));
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

  private async remoteRound(running: Agent[], focused: Set<string>): Promise<void> {
    let readings: Map<string, MetricsReading>;
    try {
      readings = await fetchMetricsReadings(this.connection.requireClient());
    } catch {
      return; // The connection notices a lost daemon on its own.
    }
    const now = Date.now();
    const samples: TelemetrySample[] = [];
    for (const agent of running) {
      const r = readings.get(agent.name);
      if (!r) continue;
      const { diskBytes, ...reading } = r;
      reading.at = now;
      reading.memoryLimitBytes = memoryLimitOf(agent.limits.memory);
      reading.processesLimit = agent.limits.processes ? Number(agent.limits.processes) : null;
      if (diskBytes !== null) this.disks.set(agent.name, { bytes: diskBytes, totalBytes: null, at: now, pending: false, lastWriteAt: null });
      samples.push(this.record(agent, reading, focused.has(agent.name), now));
    }
    if (samples.length) this.emit('batch', { samples });
  }

  private record(agent: Agent, reading: Reading, isFocused: boolean, now: number): TelemetrySample {
    const configured = agent.limits.disk ? sizeBytes(agent.limits.disk) : NaN;
    const limitDisk = Number.isFinite(configured) ? configured : null;
    let diskBytes: number | null;
    let diskLimitBytes: number | null;
    const quota = this.localQuota(agent);
    if (quota === undefined) {
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
