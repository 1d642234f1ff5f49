/**
 * Snapshot benchmark: snapshot, restore and clone of one agent (with some files in it),
 * through Enclave's backend and through the incus CLI, alternating, in one throwaway project.
 *
 *   npm run bench:snapshots -- [--reps N] [--image ALIAS] [--mb N] [--only OP] [--trace]
 *
 * --only create|restore|clone measures that one alone (its ratio line only), for profiling.
 *
 * What each side does, per rep (the same agent, Running, on the project's storage pool):
 *
 *   snapshot-create
 *     Enclave: `snapshots.create {agent, name}` dispatched to the backend's handlers: a list of
 *              the agent's snapshots (name conflict check), POST …/snapshots, wait for the
 *              operation, GET the new snapshot for the result.
 *     CLI:     `incus snapshot create AGENT NAME`.
 *   snapshot-restore (to the same base snapshot each time)
 *     Enclave: `snapshots.restore {agent, name}`: a list of the agent's snapshots, a *safety
 *              snapshot* of the current state (as snapshot-create, with a comment and an
 *              expiry), the restore (Incus stops, restores and starts the container), a
 *              re-read of the agent, and the agent's tmux session started again (an exec).
 *     CLI:     `incus snapshot restore AGENT SNAP` (no safety snapshot, nothing started in it).
 *   clone (from the base snapshot, into a new agent that is started)
 *     Enclave: `agents.clone {source, snapshot, name}`: a name check, POST /1.0/instances with a
 *              copy source, wait, start, re-read, and the clone's tmux session started (an exec).
 *     CLI:     `incus copy AGENT/SNAP NEW` then `incus start NEW`.
 *
 * The CLI runs with stdin on /dev/null. After every measurement, untimed, the clones, the
 * snapshots made and the safety snapshots are deleted and btrfs is let finish dropping them
 * (`btrfs subvolume sync`), so every measurement starts from the same state and none pays for
 * the one before; after an Enclave restore its tmux session is let start (the reply does not
 * wait for it). The order of
 * the two sides alternates from one rep to the next. The backend is connected and has listed
 * the agent's snapshots before the clock starts, as the app's timeline would have; it keeps
 * that list current from Incus's events during the CLI's runs as well.
 *
 * --trace prints, for one Enclave run of each, every request it sent (ms since the start).
 * The last lines are `bench snapshot-create: ratio …`, `bench snapshot-restore: ratio …` and
 * `bench clone: ratio …`: the median of the per-rep ratios Enclave / CLI (each rep runs both
 * sides back to back, so a shift in the machine's load cancels out); the lines before give
 * each side's median with its interquartile range, and the ratio of the medians.
 */
import { performance } from 'node:perf_hooks';
import type { ArgsOf, RequestName, ResultOf } from '../shared/api.js';
import { Backend } from '../electron/core/backend.js';
import { execCommand } from '../electron/incus/exec.js';
import { ensureAgentSession } from '../electron/core/agent-tmux.js';
import { deleteSnapshot, listSnapshots, rootPool } from '../electron/incus/snapshots.js';
import { dispatch } from '../electron/transport/dispatch.js';
import { incus, median, percentile, throwawayProject, benchOptions, settleBtrfs } from './support.js';
import { Tracer } from './tracer.js';

interface Options {
  reps: number;
  image: string;
  /** Megabytes of files written into the agent before the runs. */
  mb: number;
  trace: boolean;
  only: Op | null;
}

const OPS = ['create', 'restore', 'clone'] as const;
type Op = (typeof OPS)[number];

function parseArgs(argv: string[]): Options {
  const opts = benchOptions<Omit<Options, 'only'> & { only: string | null }>(
    argv,
    { reps: 7, image: 'enclave-agent', mb: 64, trace: false, only: null },
    { mb: 0 },
  );
  if (opts.only !== null && !(OPS as readonly string[]).includes(opts.only)) throw new Error(`--only takes one of ${OPS.join(', ')}`);
  return { ...opts, only: opts.only as Op | null };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const bench = await throwawayProject('snapshots', 'Enclave snapshot benchmark (throwaway)');
  const { name: project, socketPath, admin, destroy } = bench;
  const tracer = new Tracer();
  if (opts.trace) tracer.install();

  try {
    const backend = new Backend({ project, socketPath });
    bench.defer(() => backend.stop());
    backend.start();
    await backend.ready();
    const call = async <K extends RequestName>(method: K, args: ArgsOf<K>): Promise<ResultOf<K>> => {
      const reply = await dispatch(backend.handlers, method, args);
      if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code}: ${reply.error.message}`);
      return reply.result as ResultOf<K>;
    };

    // The agent, with some files in it, and the snapshot that restores and clones start from.
    const agent = 'bench-agent';
    const created = await call('agents.create', { name: agent, image: opts.image });
    const files = await execCommand(admin, agent, [
      'sh',
      '-c',
      `mkdir -p /root/work && cd /root/work && for i in $(seq 1 ${Math.max(1, opts.mb / 4)}); do head -c ${opts.mb ? 4 << 20 : 0} /dev/urandom > f$i.bin; done && ` +
        'for i in $(seq 1 200); do echo "line $i" > note$i.txt; done && sync',
    ], { timeoutMs: 300_000 });
    if (files.exitCode !== 0) throw new Error(`writing files failed: ${files.stderr.toString()}`);
    const base = 'base';
    await call('snapshots.create', { agent, name: base, comment: 'benchmark base' });
    await call('snapshots.list', { agent });
    console.log(`bench snapshots: image ${opts.image}, ${opts.mb} MB of files, project ${project}, ${opts.reps} reps, alternating Enclave/CLI`);

    let seq = 0;
    const clones: string[] = [];
    const pool = await rootPool(admin, agent);
    /**
     * Deletes clones and every snapshot but the base, then waits for btrfs to finish dropping
     * them (untimed): btrfs deletes a subvolume in the background, with its quota accounting,
     * which would otherwise land on the next measurement and grow with every rep.
     */
    const tidy = async () => {
      for (const c of clones.splice(0)) await destroy(c).catch(() => undefined);
      for (const s of await listSnapshots(admin, agent)) if (s.name !== base) await deleteSnapshot(admin, agent, s.name);
      await settleBtrfs(pool);
    };

    const timed = async (what: string, work: () => Promise<unknown>): Promise<number> => {
      if (opts.trace) tracer.begin();
      const t0 = performance.now();
      await work();
      const ms = performance.now() - t0;
      if (opts.trace) {
        const lines = tracer.end();
        console.log(`${what} (${fmt(ms)}):\n${lines.join('\n')}`);
      }
      return ms;
    };
    const p = ['--project', project];
    const sides = {
      create: {
        enclave: () => timed('enclave snapshot-create', () => call('snapshots.create', { agent, name: `e-${++seq}` })),
        cli: () => timed('cli', () => incus(['snapshot', 'create', agent, `c-${++seq}`, ...p])),
      },
      restore: {
        enclave: async () => {
          const ms = await timed('enclave snapshot-restore', () => call('snapshots.restore', { agent, name: base }));
          // The reply does not wait for the agent's tmux session: let it start (untimed), so it
          // does not run into the next measurement.
          await ensureAgentSession(admin, agent);
          return ms;
        },
        cli: () => timed('cli', () => incus(['snapshot', 'restore', agent, base, ...p])),
      },
      clone: {
        enclave: () => {
          const name = `clone-e-${++seq}`;
          clones.push(name);
          return timed('enclave clone', () => call('agents.clone', { source: agent, snapshot: base, name }));
        },
        cli: async () => {
          const name = `clone-c-${++seq}`;
          clones.push(name);
          // A copy keeps the source's fixed address, which Incus refuses to start twice: a free
          // one is chosen first (untimed), as Enclave's clone does.
          const nic = (await backend.local.network.spec(backend.local.connection.requireClient(), created.network.policy)).devices['eth0'];
          const address = nic?.['ipv4.address'];
          const device = address ? ['--device', `eth0,ipv4.address=${address}`] : [];
          return timed('cli', async () => {
            await incus(['copy', `${agent}/${base}`, name, ...device, ...p]);
            await incus(['start', name, ...p]);
          });
        },
      },
    };
    const ops: Op[] = opts.only ? [opts.only] : [...OPS];
    const results = Object.fromEntries(ops.map((op) => [op, { enclave: [] as number[], cli: [] as number[] }])) as Record<
      Op,
      { enclave: number[]; cli: number[] }
    >;

    /** One rep of everything; `enclaveFirst` alternates the order. */
    const rep = async (enclaveFirst: boolean, record: boolean) => {
      const line: string[] = [];
      for (const op of ops) {
        const side = sides[op];
        const first = enclaveFirst ? side.enclave : side.cli;
        const second = enclaveFirst ? side.cli : side.enclave;
        const a = await first();
        await tidy();
        const b = await second();
        await tidy();
        const [e, c] = enclaveFirst ? [a, b] : [b, a];
        if (record) {
          results[op].enclave.push(e);
          results[op].cli.push(c);
        }
        line.push(`${op} ${fmt(e)} / ${fmt(c)}`);
      }
      return line.join(', ');
    };

    const trace = opts.trace;
    opts.trace = false;
    console.log(`warm-up (not counted; enclave / cli): ${await rep(true, false)}`);
    opts.trace = trace;
    for (let i = 1; i <= opts.reps && !bench.interrupted; i++) {
      console.log(`run ${i} (enclave / cli): ${await rep(i % 2 === 1, true)}`);
      opts.trace = false;
    }
    if (bench.interrupted) return;

    const ratio = new Map<Op, string>();
    const spread = (xs: number[], f: (x: number) => string) => `${f(percentile(xs, 25))}–${f(percentile(xs, 75))}`;
    for (const op of ops) {
      const { enclave, cli } = results[op];
      const me = median(enclave);
      const mc = median(cli);
      // Load from other work on the machine shifts both sides of a rep alike: the per-rep
      // ratio cancels such a shift, where the ratio of the medians would carry it.
      const perRep = enclave.map((e, i) => e / (cli[i] as number));
      ratio.set(op, median(perRep).toFixed(2));
      console.log(
        `median ${op}: enclave ${fmt(me)} (IQR ${spread(enclave, fmt)}), cli ${fmt(mc)} (IQR ${spread(cli, fmt)}); ` +
          `per-rep ratio median ${median(perRep).toFixed(2)} (IQR ${spread(perRep, (x) => x.toFixed(2))}), ratio of medians ${(me / mc).toFixed(2)}`,
      );
    }
    const label: Record<Op, string> = { create: 'snapshot-create', restore: 'snapshot-restore', clone: 'clone' };
    for (const op of ops) console.log(`bench ${label[op]}: ratio ${ratio.get(op)}`);
  } finally {
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench snapshots failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
