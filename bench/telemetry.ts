/**
 * Telemetry benchmark: what live graphs for N running agents cost, with Enclave's sampler and
 * with a naive one polling `GET /1.0/instances/NAME/state` for every agent every second.
 *
 *   npm run bench:telemetry -- [--max N] [--seconds S] [--image ALIAS] [--render]
 *
 * Launches up to N agents (10, 50 and 100, capped by --max; default 100) in one throwaway
 * project, in parallel batches. For each count it measures over S seconds (default 15):
 *  (a) a Backend run in this process: this process's CPU time (the backend is all it runs)
 *      and incusd's (from /proc/<pid>/stat), from the moment the backend is connected (so the
 *      window includes the first round of root-disk state calls, which repeats every 60 s),
 *      then a second, steady window;
 *  (b) the naive sampler, through IncusClient, measured the same way.
 * Per count the last line is `bench telemetry-<N>: ratio <enclave/naive incusd cpu>`.
 * --render then runs bench/render-scale.ts's measurement against the same agents.
 * Agents and project are deleted at the end, also on failure and Ctrl-C.
 */
import { performance } from 'node:perf_hooks';
import { Backend } from '../electron/core/backend.js';
import { IncusClient } from '../electron/incus/client.js';
import { getInstanceState } from '../electron/incus/instances.js';
import { deleteAgents, incusdPid, launchAgents, ownCpuSeconds, pctOfCore, processCpuSeconds, sleep } from './fleet.js';
import { throwawayProject, benchOptions } from './support.js';

interface Options {
  max: number;
  seconds: number;
  image: string;
  render: boolean;
}

function parseArgs(argv: string[]): Options {
  return benchOptions(argv, { max: 100, seconds: 15, image: 'enclave-agent', render: false });
}

interface Cost {
  wallMs: number;
  ownPct: number;
  incusdPct: number;
}

/** Measures this process's and incusd's CPU over `ms` of wall time. */
async function measure(incusd: number, ms: number, stop: () => boolean): Promise<Cost> {
  const own0 = ownCpuSeconds();
  const d0 = processCpuSeconds(incusd);
  const t0 = performance.now();
  const until = t0 + ms;
  while (performance.now() < until && !stop()) await sleep(Math.min(250, until - performance.now()));
  const wallMs = performance.now() - t0;
  return {
    wallMs,
    ownPct: pctOfCore(ownCpuSeconds() - own0, wallMs),
    incusdPct: pctOfCore(processCpuSeconds(incusd) - d0, wallMs),
  };
}

const pct = (x: number) => `${x.toFixed(2)}%`;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const counts = [10, 50, 100].filter((n) => n <= opts.max);
  if (!counts.length || counts[counts.length - 1] !== opts.max) counts.push(opts.max);
  const bench = await throwawayProject('telemetry', 'Enclave telemetry benchmark (throwaway)');
  const { name: project, socketPath } = bench;
  const names: string[] = [];
  bench.defer(() => deleteAgents(project, names));
  const incusd = incusdPid();
  const ms = opts.seconds * 1000;

  try {
    console.log(
      `bench telemetry: image ${opts.image}, project ${project}, counts ${counts.join('/')}, ${opts.seconds} s per phase, incusd pid ${incusd}`,
    );
    const idle = await measure(incusd, 5000, () => bench.interrupted);
    console.log(`idle (no agents, 5 s): incusd ${pct(idle.incusdPct)} of one core, this process ${pct(idle.ownPct)}`);

    for (const n of counts) {
      if (bench.interrupted) return;
      const wanted = Array.from({ length: n - names.length }, (_, i) => `t${String(names.length + i + 1).padStart(3, '0')}`);
      const t0 = performance.now();
      names.push(...wanted);
      await launchAgents(project, opts.image, wanted, 8, () => bench.interrupted);
      if (bench.interrupted) return;
      console.log(`\n${n} agents running (launched ${wanted.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      await sleep(3000); // let the launches' after-effects settle
      const baseline = await measure(incusd, 5000, () => bench.interrupted);
      console.log(`  nothing sampling (5 s):   incusd ${pct(baseline.incusdPct)}`);

      // (a) Enclave's backend.
      const backend = new Backend({ project, socketPath });
      let samples = 0;
      backend.events.on('telemetry.samples', (b) => (samples += b.samples.length));
      let first: Cost;
      let steady: Cost;
      let local: boolean;
      try {
        backend.start();
        await backend.ready();
        await backend.local.agents.list();
        local = backend.local.telemetry.isLocal;
        first = await measure(incusd, ms, () => bench.interrupted);
        const firstSamples = samples;
        const cost0 = { ...backend.local.telemetry.cost };
        steady = await measure(incusd, ms, () => bench.interrupted);
        const c = backend.local.telemetry.cost;
        const ticks = c.ticks - cost0.ticks;
        console.log(
          `  enclave (${local ? 'cgroup fast path' : 'metrics endpoint'}), first ${opts.seconds} s after connect: backend ${pct(first.ownPct)}, incusd ${pct(first.incusdPct)}, ${firstSamples} samples`,
        );
        console.log(
          `  enclave, next ${opts.seconds} s (steady):        backend ${pct(steady.ownPct)}, incusd ${pct(steady.incusdPct)}, ${samples - firstSamples} samples`,
        );
        console.log(
          `    sampler's own accounting: ${ticks} ticks, ${(c.samples - cost0.samples)} samples, ${((c.cpuMicros - cost0.cpuMicros) / Math.max(1, ticks) / 1000).toFixed(2)} ms CPU per tick`,
        );
      } finally {
        await backend.stop();
      }
      if (bench.interrupted) return;
      await sleep(2000);

      // (b) The naive sampler: every agent's full state every second, through IncusClient.
      const client = new IncusClient({ socketPath, project });
      let running = true;
      let calls = 0;
      let skipped = 0;
      let failures = 0;
      let inFlight = false;
      const round = async () => {
        if (inFlight) {
          skipped++;
          return;
        }
        inFlight = true;
        try {
          await Promise.all(
            names.slice(0, n).map((name) =>
              getInstanceState(client, name).then(
                () => void calls++,
                () => void failures++,
              ),
            ),
          );
        } finally {
          inFlight = false;
        }
      };
      void round();
      const timer = setInterval(() => running && void round(), 1000);
      let naive: Cost;
      try {
        naive = await measure(incusd, ms, () => bench.interrupted);
      } finally {
        running = false;
        clearInterval(timer);
        while (inFlight) await sleep(50);
        await client.close();
      }
      console.log(
        `  naive (state per agent per second):    backend ${pct(naive.ownPct)}, incusd ${pct(naive.incusdPct)}, ${(calls / (naive.wallMs / 1000)).toFixed(1)} state calls/s (wanted ${n}/s; ${skipped} rounds skipped while the previous one ran, ${failures} failed)`,
      );
      const ratio = first.incusdPct / naive.incusdPct;
      const steadyRatio = steady.incusdPct / naive.incusdPct;
      console.log(`  incusd enclave/naive: first window ${ratio.toFixed(2)}, steady window ${steadyRatio.toFixed(2)}`);
      console.log(`bench telemetry-${n}: ratio ${ratio.toFixed(2)}`);
      if (n === 100 || n === counts[counts.length - 1]) {
        const worstBackend = Math.max(first.ownPct, steady.ownPct);
        console.log(
          `  goals at ${n} agents: backend ${pct(worstBackend)} (goal < 5%) ${worstBackend < 5 ? 'met' : 'MISSED'}; incusd ${pct(first.incusdPct)} (goal < 10%) ${first.incusdPct < 10 ? 'met' : 'MISSED'}`,
        );
      }
    }

    if (opts.render && !bench.interrupted) {
      const { measureRender } = await import('./render-scale.js');
      await measureRender(project, names.length, bench);
    }
  } finally {
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench telemetry failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
