import { InFlight } from './in-flight.js';
import { METRICS_CACHE_MS, readingsFromMetrics, type MetricsReading } from './metrics-source.js';
import { readingFromState, type StateReading } from './state-source.js';

/** Longest state reply read (a few KB normally; the agent's interfaces make it grow). */
export const STATE_MAX_BYTES = 1 * 2 ** 20;
/** ms the daemon has to answer a state call. */
export const STATE_TIMEOUT_MS = 3000;
/** After a metrics reply identical to the last one (the daemon's cache), ask again this soon. */
export const METRICS_REPEAT_RETRY_MS = 1000;

/** The two requests remote sampling makes (bounded and timed out by whoever implements them). */
export interface RemoteCalls {
  /** GET /1.0/metrics of the project: text. */
  metrics(): Promise<string>;
  /** GET /1.0/instances/NAME/state: the untrusted reply's metadata. */
  state(name: string): Promise<unknown>;
}

/** Where readings go as they arrive. */
export interface RemoteSink {
  metrics(readings: Map<string, MetricsReading>): void;
  state(name: string, reading: StateReading): void;
}

/**
 * Remote sampling at a cost the daemon barely notices: one metrics call per daemon cache
 * period for every agent of the project, and state calls only for the agents a window is
 * looking at, every tick. Each kind has at most one request under way; tick() never waits.
 */
export class RemoteSource {
  private readonly metricsCall = new InFlight();
  private readonly stateCall = new InFlight();
  private metricsAt = -Infinity;
  private lastText: string | null = null;
  /** Requests made, and ticks where a kind was still under way (for tests and the benchmark). */
  readonly counts = { metrics: 0, state: 0, metricsBusy: 0, stateBusy: 0, repeats: 0 };

  constructor(
    private readonly calls: RemoteCalls,
    private readonly sink: RemoteSink,
    private readonly project?: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Forget what was seen (after a reconnect the daemon's cache is new). */
  reset(): void {
    this.metricsAt = -Infinity;
    this.lastText = null;
  }

  /** Starts what is due: metrics when `anyRunning` and a cache period passed, state for `focused`. */
  tick(now: number, anyRunning: boolean, focused: readonly string[]): void {
    if (anyRunning && now - this.metricsAt >= METRICS_CACHE_MS) {
      if (this.metricsCall.start(() => this.metricsRound(now))) this.metricsAt = now;
      else this.counts.metricsBusy++;
    }
    if (focused.length) {
      const names = [...focused];
      if (!this.stateCall.start(() => this.stateRound(names))) this.counts.stateBusy++;
    }
  }

  private async metricsRound(startedAt: number): Promise<void> {
    this.counts.metrics++;
    const text = await this.calls.metrics();
    if (text === this.lastText) {
      // The daemon's cached copy: the same numbers again are no new sample. Ask again shortly.
      this.counts.repeats++;
      this.metricsAt = startedAt - METRICS_CACHE_MS + METRICS_REPEAT_RETRY_MS;
      return;
    }
    this.lastText = text;
    this.sink.metrics(readingsFromMetrics(text, this.clock(), this.project));
  }

  private async stateRound(names: readonly string[]): Promise<void> {
    for (const name of names) {
      this.counts.state++;
      try {
        const reading = readingFromState(await this.calls.state(name), this.clock());
        if (reading) this.sink.state(name, reading);
      } catch {
        // Gone, stopped or unreachable: no sample this round.
      }
    }
  }
}
