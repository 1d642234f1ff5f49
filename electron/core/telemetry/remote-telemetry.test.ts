import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';
import { METRICS_CACHE_MS, type MetricsReading } from './metrics-source.js';
import { METRICS_REPEAT_RETRY_MS, RemoteSource, type RemoteCalls } from './remote-source.js';
import { readingFromState, type StateReading } from './state-source.js';
import { telemetryModeFor } from './telemetry-mode.js';

const metricsText = (cpuSeconds: number, names = ['a', 'b']) =>
  names
    .flatMap((n) => [
      `incus_cpu_seconds_total{cpu="0",mode="user",name="${n}",project="p",type="container"} ${cpuSeconds}`,
      `incus_memory_MemTotal_bytes{name="${n}",project="p",type="container"} 1000`,
      `incus_memory_MemAvailable_bytes{name="${n}",project="p",type="container"} 600`,
      `incus_memory_OOM_kills_total{name="${n}",project="p",type="container"} 0`,
      `incus_procs_total{name="${n}",project="p",type="container"} 4`,
    ])
    .join('\n');

const state = { status: 'Running', cpu: { usage: 5e8 }, processes: 6, memory: { usage: 9e8 }, network: { lo: { counters: { bytes_received: 50, bytes_sent: 50 } }, eth0: { counters: { bytes_received: 10, bytes_sent: 20 } } }, disk: { root: { usage: 4096 } } };

/** A promise and its resolve, to hold a fake reply until the test lets it go. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('telemetry mode', () => {
  const here = (p: string) => p === '/run/incus.socket' || p === '/sys/fs/cgroup';
  it('is local only for a unix socket on this machine with cgroups mounted', () => {
    expect(telemetryModeFor({ kind: 'unix', socketPath: '/run/incus.socket' }, { exists: here })).toBe('local');
    expect(telemetryModeFor({ kind: 'unix', socketPath: '/elsewhere.socket' }, { exists: here })).toBe('remote');
    expect(telemetryModeFor({ kind: 'unix', socketPath: '/run/incus.socket' }, { exists: here, cgroupRoot: '/nope' })).toBe('remote');
    expect(telemetryModeFor({ kind: 'https' }, { exists: () => true })).toBe('remote');
  });
  it('can be forced either way', () => {
    expect(telemetryModeFor({ kind: 'unix', socketPath: '/run/incus.socket' }, { exists: here, force: 'remote' })).toBe('remote');
    expect(telemetryModeFor({ kind: 'https' }, { force: 'local' })).toBe('local');
  });
});

describe('state replies', () => {
  it('gives CPU, processes, network without lo, root disk; memory and OOMs unknown', () => {
    expect(readingFromState(state, 7)).toEqual({
      at: 7, cpuNs: 5e8, memoryBytes: null, memoryLimitBytes: null, processes: 6, processesLimit: null,
      netRxBytes: 10, netTxBytes: 20, oomKills: null, diskBytes: 4096,
    });
  });
  it('says unknown rather than zero for what is missing or not counted', () => {
    expect(readingFromState({ cpu: { usage: 1 }, processes: -1 }, 0)).toMatchObject({ processes: null, diskBytes: null, netRxBytes: 0 });
  });
  it('rejects a reply that is not a running instance state', () => {
    expect(readingFromState(null, 0)).toBeNull();
    expect(readingFromState({ cpu: { usage: 'lots' } }, 0)).toBeNull();
    expect(readingFromState({ cpu: { usage: -5 } }, 0)).toBeNull();
    expect(readingFromState({ status: 'Stopped', cpu: {} }, 0)).toBeNull();
  });
});

describe('in-flight guard', () => {
  it('runs one at a time and frees itself after a failure', async () => {
    const f = new InFlight();
    const d = deferred<void>();
    expect(f.start(() => d.promise)).toBe(true);
    expect(f.start(() => Promise.resolve())).toBe(false);
    expect(f.busy).toBe(true);
    d.reject(new Error('server gone'));
    await flush();
    expect(f.busy).toBe(false);
    expect(f.start(() => Promise.resolve())).toBe(true);
  });
});

describe('remote source', () => {
  function setup() {
    const metricsReplies: ReturnType<typeof deferred<string>>[] = [];
    const stateReplies: { name: string; d: ReturnType<typeof deferred<unknown>> }[] = [];
    const calls: RemoteCalls = {
      metrics: () => {
        const d = deferred<string>();
        metricsReplies.push(d);
        return d.promise;
      },
      state: (name) => {
        const d = deferred<unknown>();
        stateReplies.push({ name, d });
        return d.promise;
      },
    };
    const got = { metrics: [] as Map<string, MetricsReading>[], state: [] as [string, StateReading][] };
    const source = new RemoteSource(calls, { metrics: (r) => got.metrics.push(r), state: (n, r) => got.state.push([n, r]) }, 'p', () => 1);
    return { source, metricsReplies, stateReplies, got };
  }

  it('asks for metrics once per cache period, for everyone, and never twice at once', async () => {
    const { source, metricsReplies, got } = setup();
    source.tick(0, true, []);
    source.tick(1000, true, []);
    expect(metricsReplies).toHaveLength(1);
    metricsReplies[0]!.resolve(metricsText(1));
    await flush();
    expect([...got.metrics[0]!.keys()]).toEqual(['a', 'b']);
    expect(got.metrics[0]!.get('a')).toMatchObject({ cpuNs: 1e9, memoryBytes: 400, processes: 4, oomKills: 0 });
    for (let t = 2000; t < METRICS_CACHE_MS; t += 1000) source.tick(t, true, []);
    expect(metricsReplies).toHaveLength(1);
    // A hung reply: the next period's tick does not pile a second request on it.
    source.tick(METRICS_CACHE_MS, true, []);
    expect(metricsReplies).toHaveLength(2);
    source.tick(2 * METRICS_CACHE_MS, true, []);
    source.tick(3 * METRICS_CACHE_MS, true, []);
    expect(metricsReplies).toHaveLength(2);
    expect(source.counts.metricsBusy).toBe(2);
  });

  it('asks nothing while no agent runs', () => {
    const { source, metricsReplies, stateReplies } = setup();
    for (let t = 0; t < 3 * METRICS_CACHE_MS; t += 1000) source.tick(t, false, []);
    expect(metricsReplies.length + stateReplies.length).toBe(0);
  });

  it('takes an unchanged reply for the daemon cache: no readings, asked again soon', async () => {
    const { source, metricsReplies, got } = setup();
    source.tick(0, true, []);
    metricsReplies[0]!.resolve(metricsText(1));
    await flush();
    source.tick(METRICS_CACHE_MS, true, []);
    metricsReplies[1]!.resolve(metricsText(1));
    await flush();
    expect(got.metrics).toHaveLength(1);
    expect(source.counts.repeats).toBe(1);
    source.tick(METRICS_CACHE_MS + METRICS_REPEAT_RETRY_MS - 1, true, []);
    expect(metricsReplies).toHaveLength(2);
    source.tick(METRICS_CACHE_MS + METRICS_REPEAT_RETRY_MS, true, []);
    expect(metricsReplies).toHaveLength(3);
  });

  it('a failed metrics call is retried next period, not at once', async () => {
    const { source, metricsReplies } = setup();
    source.tick(0, true, []);
    metricsReplies[0]!.reject(new Error('ECONNREFUSED'));
    await flush();
    source.tick(1000, true, []);
    expect(metricsReplies).toHaveLength(1);
    source.tick(METRICS_CACHE_MS, true, []);
    expect(metricsReplies).toHaveLength(2);
  });

  it('asks state of the focused agents only, each tick, one round at a time', async () => {
    const { source, stateReplies, got } = setup();
    source.tick(0, true, ['a']);
    expect(stateReplies.map((s) => s.name)).toEqual(['a']);
    source.tick(1000, true, ['a']); // the first is still under way
    expect(stateReplies).toHaveLength(1);
    expect(source.counts.stateBusy).toBe(1);
    stateReplies[0]!.d.resolve(state);
    await flush();
    expect(got.state).toHaveLength(1);
    expect(got.state[0]![0]).toBe('a');
    source.tick(2000, true, ['a']);
    stateReplies[1]!.d.reject(new Error('gone'));
    await flush();
    source.tick(3000, true, ['a']);
    expect(stateReplies).toHaveLength(3);
    expect(got.state).toHaveLength(1);
  });
});
