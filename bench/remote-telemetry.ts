/**
 * Remote telemetry's cost on the remote daemon (issue #13): 30 small agents on a spare incusd
 * of their own, then alternating windows of the same wall time:
 *   (a) Enclave's TelemetrySampler in remote mode sampling all 30, one of them focused
 *       (metrics once per cache period, state calls for the focused agent each second);
 *   (b) a naive poller: GET /1.0/instances/NAME/state for each agent every second.
 * Cost = CPU time of the daemon (incusd, its reaped children and its helper processes outside
 * the containers) over each window, from /proc. Prints `bench remote-telemetry: ratio X`
 * (Enclave / naive); goal ≤ 0.2. Needs root; destroys the daemon at the end, also on failure
 * or ctrl-c.
 *
 *   npm run bench:remote-telemetry [-- WINDOW_SECONDS REPS AGENTS]
 */
import { IncusClient } from '../electron/incus/client.js';
import { Connection } from '../electron/core/connection.js';
import { TelemetrySampler } from '../electron/core/telemetry/sampler.js';
import { ListedAgents, daemonCpuMs, incusdPid, launchSmallAgents } from '../electron/test-support/remote-agents.js';
import { remoteConnection } from '../electron/test-support/remote-server.js';
import { SpareIncusd, spareIncusdSkipReason } from '../electron/test-support/spare-incusd.js';

const WINDOW_S = Number(process.argv[2]) || 30;
const REPS = Number(process.argv[3]) || 2;
const AGENTS = Number(process.argv[4]) || 30;
const PROJECT = 'enclave-bench-rtel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Window {
  kind: 'enclave' | 'naive' | 'idle';
  cpuMs: number;
  requests: number;
  /** Requests its schedule called for (the naive poller skips a second while a round is still under way). */
  scheduled: number;
  samples: number;
}

async function enclaveWindow(connection: Connection, agents: ListedAgents, focused: string, pid: number): Promise<Window> {
  let samples = 0;
  const before = daemonCpuMs(pid);
  const sampler = new TelemetrySampler(connection, agents, PROJECT);
  if (sampler.mode !== 'remote') throw new Error('the sampler did not choose its remote path for an HTTPS server');
  sampler.on('batch', (b) => (samples += b.samples.length));
  sampler.focus(null, focused);
  await sleep(WINDOW_S * 1000);
  sampler.stop();
  // Let a request still under way finish inside the window it belongs to.
  await sleep(300);
  const c = sampler.remote.counts;
  return { kind: 'enclave', cpuMs: daemonCpuMs(pid) - before, requests: c.metrics + c.state, scheduled: c.metrics + c.state, samples };
}

async function naiveWindow(client: IncusClient, names: readonly string[], pid: number): Promise<Window> {
  let requests = 0;
  let scheduled = 0;
  let samples = 0;
  let busy = false;
  const before = daemonCpuMs(pid);
  const round = async () => {
    scheduled += names.length;
    if (busy) return; // a round still under way: skip this second rather than pile up
    busy = true;
    try {
      await Promise.all(
        names.map(async (name) => {
          requests++;
          await client.get(`/1.0/instances/${encodeURIComponent(name)}/state`, { timeoutMs: 5000 }).then(() => samples++, () => undefined);
        }),
      );
    } finally {
      busy = false;
    }
  };
  void round();
  const timer = setInterval(() => void round(), 1000);
  await sleep(WINDOW_S * 1000);
  clearInterval(timer);
  while (busy) await sleep(20);
  await sleep(300);
  return { kind: 'naive', cpuMs: daemonCpuMs(pid) - before, requests, scheduled, samples };
}

async function idleWindow(pid: number, seconds: number): Promise<Window> {
  const before = daemonCpuMs(pid);
  await sleep(seconds * 1000);
  return { kind: 'idle', cpuMs: daemonCpuMs(pid) - before, requests: 0, scheduled: 0, samples: 0 };
}

async function main(): Promise<void> {
  const skip = spareIncusdSkipReason();
  if (skip) throw new Error(`bench:remote-telemetry cannot run: ${skip}`);
  const transport = 'HTTPS on 127.0.0.1 (client certificate trusted, server certificate pinned); the sampler picks its remote path from that';
  console.log(`bench remote-telemetry: ${AGENTS} agents, windows of ${WINDOW_S} s × ${REPS} reps each, over ${transport}`);
  let daemon: SpareIncusd | null = null;
  let connection: Connection | null = null;
  let client: IncusClient | null = null;
  let setup: IncusClient | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await connection?.stop().catch(() => undefined);
      await client?.close().catch(() => undefined);
      await setup?.close().catch(() => undefined);
      await daemon?.destroy().catch((err: unknown) => console.error('cleanup:', err));
    })());
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));
  try {
    const t0 = Date.now();
    daemon = await SpareIncusd.create({ poolSize: '4GiB' });
    // Setting up goes over the socket; everything measured goes over HTTPS.
    setup = new IncusClient({ socketPath: daemon.socketPath, project: PROJECT, timeoutMs: 30_000 });
    const names = Array.from({ length: AGENTS }, (_, i) => `rtel-${String(i).padStart(2, '0')}`);
    await launchSmallAgents(daemon, setup, PROJECT, names, 3);
    console.log(`  ${AGENTS} agents running after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const [, remote] = await remoteConnection(daemon);
    if (!remote.endpoint) throw new Error('no HTTPS endpoint for the spare daemon');
    client = new IncusClient({ endpoint: remote.endpoint, project: PROJECT, timeoutMs: 30_000 });
    connection = new Connection({ ...remote, project: PROJECT, retryMs: 500 });
    connection.start();
    const deadline = Date.now() + 30_000;
    while (connection.status.state !== 'connected') {
      if (Date.now() > deadline) throw new Error(`no connection to the spare daemon: ${JSON.stringify(connection.status)}`);
      await sleep(50);
    }
    const agents = new ListedAgents(client);
    const running = (await agents.refresh()).filter((a) => a.status === 'Running').length;
    if (running !== AGENTS) throw new Error(`${running} of ${AGENTS} agents running`);
    const pid = incusdPid(daemon.dir);
    // Boot churn settles before the first window.
    await sleep(10_000);
    const idle = await idleWindow(pid, 10);
    console.log(`  idle    daemon CPU ${idle.cpuMs.toFixed(0).padStart(6)} ms in 10 s (nobody asking: the daemon's own background work)`);
    const windows: Window[] = [];
    for (let rep = 1; rep <= REPS; rep++) {
      for (const kind of ['enclave', 'naive'] as const) {
        const w = kind === 'enclave' ? await enclaveWindow(connection, agents, names[0]!, pid) : await naiveWindow(client, names, pid);
        windows.push(w);
        const skipped = w.scheduled > w.requests ? ` (of ${w.scheduled} scheduled: the daemon could not keep up)` : '';
        console.log(`  rep ${rep} ${kind.padEnd(7)} daemon CPU ${w.cpuMs.toFixed(0).padStart(6)} ms in ${WINDOW_S} s (${((w.cpuMs / (WINDOW_S * 1000)) * 100).toFixed(1)}% of a core), ${w.requests} requests${skipped}, ${w.samples} samples`);
      }
    }
    const sum = (k: Window['kind'], f: (w: Window) => number = (w) => w.cpuMs) => windows.filter((w) => w.kind === k).reduce((n, w) => n + f(w), 0);
    const enclave = sum('enclave');
    const naive = sum('naive');
    console.log(`  total: Enclave ${enclave.toFixed(0)} ms, naive ${naive.toFixed(0)} ms of daemon CPU`);
    // The naive poller's schedule at the cost per request it was measured at: what polling
    // every agent every second costs where the daemon has the cores to keep up.
    const naiveDone = sum('naive', (w) => w.requests);
    const naiveScheduled = sum('naive', (w) => w.scheduled);
    if (naiveScheduled > naiveDone && naiveDone > 0) {
      const full = (naive / naiveDone) * naiveScheduled;
      console.log(`  naive at its full schedule (${(naive / naiveDone).toFixed(1)} ms a state call × ${naiveScheduled}): ${full.toFixed(0)} ms → ratio ${(enclave / full).toFixed(3)}`);
    }
    console.log(`bench remote-telemetry: ratio ${(naive > 0 ? enclave / naive : NaN).toFixed(3)} (measured; goal ≤ 0.2)`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
