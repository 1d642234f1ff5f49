/**
 * Remote telemetry against a real second daemon reached over HTTPS: the sampler picks its
 * remote path from the endpoint's kind, gets every agent's samples from /1.0/metrics and the
 * focused agent's every tick from state calls, and rides out the daemon being killed and
 * started again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { IncusClient } from '../../incus/client.js';
import { until } from '../../test-support/project.js';
import { ListedAgents, launchSmallAgents } from '../../test-support/remote-agents.js';
import { remoteConnection } from '../../test-support/remote-server.js';
import { SpareIncusd, spareIncusdSkipReason } from '../../test-support/spare-incusd.js';
import { Connection } from '../connection.js';
import { TelemetrySampler } from './sampler.js';

const skip = spareIncusdSkipReason();
const PROJECT = 'enclave-remote-tel';
const FOCUSED = 'rt-focused';
const OTHER = 'rt-other';

describe.skipIf(skip !== null)('remote telemetry on a second daemon', () => {
  let daemon: SpareIncusd | undefined;
  let client: IncusClient;
  let connection: Connection;
  let sampler: TelemetrySampler | undefined;
  const samples: TelemetrySample[] = [];
  const of = (name: string, since = 0) => samples.filter((s) => s.agent === name && s.at >= since);

  beforeAll(async () => {
    daemon = await SpareIncusd.create({ poolSize: '2GiB' });
    client = new IncusClient({ socketPath: daemon.socketPath, project: PROJECT, timeoutMs: 10_000 });
    await launchSmallAgents(daemon, client, PROJECT, [FOCUSED, OTHER], 2);
    const [, remote] = await remoteConnection(daemon);
    connection = new Connection({ ...remote, project: PROJECT, retryMs: 200, heartbeatMs: 500, requestTimeoutMs: 5000 });
    connection.start();
    await until('the connection', () => connection.status.state === 'connected', 30_000);
    const agents = new ListedAgents(client);
    expect((await agents.refresh()).filter((a) => a.status === 'Running').map((a) => a.name).sort()).toEqual([FOCUSED, OTHER]);
    // No mode forced: HTTPS means remote (the daemon's cgroups happen to be on this machine too).
    sampler = new TelemetrySampler(connection, agents, PROJECT);
    sampler.on('batch', (b) => samples.push(...b.samples));
    sampler.focus(null, FOCUSED);
  }, 240_000);

  afterAll(async () => {
    sampler?.stop();
    await connection?.stop().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await daemon?.destroy();
  }, 180_000);

  it('samples everyone from the metrics and the focused agent from state calls', async () => {
    expect(sampler!.mode).toBe('remote');
    // Two metrics rounds that gave new numbers: the other agent has two samples, so rates.
    await until('two metrics samples of the other agent', () => of(OTHER).length >= 2, 40_000);
    const other = of(OTHER);
    const focused = of(FOCUSED);
    expect(other.every((s) => s.memoryBytes !== null && s.memoryBytes > 0 && s.processes !== null && s.processes > 0 && s.oomKills === 0)).toBe(true);
    expect(other.at(-1)!.memoryLimitBytes).toBe(96 * 2 ** 20);
    // The focused agent: a sample per state call, many per metrics round.
    const counts = sampler!.remote.counts;
    expect(counts.state).toBeGreaterThan(2 * counts.metrics);
    expect(focused.length).toBeGreaterThan(2 * other.length);
    expect(focused.every((s) => s.processes !== null && s.processes > 0)).toBe(true);
    // Memory and OOM counts only on the samples right after a metrics reply, never made up.
    const withMemory = focused.filter((s) => s.memoryBytes !== null);
    expect(withMemory.length).toBeGreaterThan(0);
    expect(withMemory.length).toBeLessThan(focused.length);
    expect(focused.filter((s) => s.oomKills !== null).length).toBe(withMemory.length);
    // Samples of one agent are in time order, each newer than the one before.
    for (const list of [focused, other]) for (let i = 1; i < list.length; i++) expect(list[i]!.at).toBeGreaterThan(list[i - 1]!.at);
  });

  it('keeps ticking for nothing while the daemon is down, and resumes when it is back', async () => {
    await daemon!.kill();
    await until('the connection to notice', () => connection.status.state !== 'connected', 30_000);
    const downAt = Date.now();
    // Driven by hand meanwhile: each tick returns at once, with nothing, and throws nothing.
    for (let i = 0; i < 5; i++) {
      expect(sampler!.tick().samples).toEqual([]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(samples.filter((s) => s.at > downAt)).toEqual([]);
    await daemon!.start();
    await until('the connection back', () => connection.status.state === 'connected', 60_000);
    const backAt = Date.now();
    await until('samples of both agents again', () => of(FOCUSED, backAt).length >= 3 && of(OTHER, backAt).length >= 1, 40_000);
  });
});
