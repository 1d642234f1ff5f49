/**
 * Spawn benchmark: create and start an agent from the test image and run `true` in it,
 * through Enclave's backend and through the incus CLI, alternating, in one throwaway project.
 *
 *   npm run bench:spawn -- [--reps N] [--image ALIAS] [--trace]
 *
 * --trace prints, for each Enclave run, every request Enclave sent with its start and end
 * (ms since the run began), to show where the time goes.
 * The last line is `bench spawn: ratio <enclave/cli>`.
 */
import { performance } from 'node:perf_hooks';
import { Backend } from '../electron/core/backend.js';
import { execCommand } from '../electron/incus/exec.js';
import { dispatch } from '../electron/transport/dispatch.js';
import { alternateRuns, benchOptions, incus, throwawayProject } from './support.js';
import { Tracer } from './tracer.js';

interface Options {
  reps: number;
  image: string;
  trace: boolean;
}

function parseArgs(argv: string[]): Options {
  return benchOptions(argv, { reps: 7, image: 'enclave-agent', trace: false });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const bench = await throwawayProject('spawn', 'Enclave spawn benchmark (throwaway)');
  const { name: project, socketPath, destroy } = bench;
  const tracer = new Tracer();
  if (opts.trace) tracer.install();

  let seq = 0;
  const nextName = (kind: string) => `bench-${kind}-${++seq}`;

  /** Enclave: a connected backend, then agents.create and `true` run through Enclave's exec. */
  const enclaveRun = async (): Promise<number> => {
    const name = nextName('e');
    // A backend is connected and synced before the clock starts, as the app would be; it is
    // stopped after the run so it does not react to the CLI's instances.
    const backend = new Backend({ project, socketPath });
    backend.start();
    try {
      await backend.ready();
      const listed = await dispatch(backend.handlers, 'agents.list', {});
      if (!listed.ok) throw new Error(`agents.list failed: ${listed.error.message}`);
      // As in the app at rest: its bridges were ensured when it connected, long before a click.
      await backend.local.network.ensure(backend.local.connection.requireClient());

      if (opts.trace) tracer.begin();
      const t0 = performance.now();
      const created = await dispatch(backend.handlers, 'agents.create', { name, image: opts.image });
      if (!created.ok) throw new Error(`agents.create failed: ${created.error.message}`);
      const res = await execCommand(backend.local.connection.requireClient(), name, ['true']);
      const ms = performance.now() - t0;
      if (opts.trace) console.log(tracer.end().join('\n'));
      if (res.exitCode !== 0) throw new Error(`true exited with ${res.exitCode} in ${name}: ${res.stderr.toString()}`);
      return ms;
    } finally {
      tracer.active = false;
      await destroy(name).catch(() => undefined);
      await backend.stop();
    }
  };

  /**
   * The incus CLI: `incus launch` of the same container (Enclave's profile, a NIC on the bridge
   * of Enclave's default network mode), then `incus exec -- true`.
   */
  const cliRun = async (): Promise<number> => {
    const name = nextName('c');
    try {
      const t0 = performance.now();
      await incus(['launch', opts.image, name, '--project', project, '--profile', 'enclave', '-n', 'enclave-restr']);
      await incus(['exec', name, '--project', project, '--', 'true']);
      return performance.now() - t0;
    } finally {
      await destroy(name).catch(() => undefined);
    }
  };

  try {
    console.log(`bench spawn: image ${opts.image}, project ${project}, ${opts.reps} reps, alternating Enclave/CLI`);

    await alternateRuns('spawn', bench, opts.reps, enclaveRun, cliRun);
  } finally {
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench spawn failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
