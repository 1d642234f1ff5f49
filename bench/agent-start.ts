/**
 * Agent-start benchmark: from the create call (a template whose image is here) to the
 * template command's first output in the agent's terminal. Enclave: agents.create with the
 * template (which starts the command in tmux with its secret), then a terminal opened on the
 * agent's session until the output shows. The incus CLI: `incus launch`, `incus exec … tmux
 * new -d CMD`, then `tmux capture-pane` polled until the same output shows. Alternating, in
 * one throwaway project.
 *
 *   npm run bench:agent-start -- [--reps N] [--image ALIAS]
 *
 * The last line is `bench agent-start: ratio <enclave/cli>`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AgentTemplate } from '../shared/templates.js';
import type { TerminalInfo } from '../shared/types.js';
import { Backend } from '../electron/core/backend.js';
import { dispatch } from '../electron/transport/dispatch.js';
import { TestLink, ok } from '../electron/test-support/terminal-link.js';
import { alternateRuns, benchOptions, incus, throwawayProject } from './support.js';

const MARK = 'agent-start-bench: ready';
// What a CLI does first: print its banner. The marker is built at run time so the command line
// itself (echoed by tmux or a shell) never matches it.
const COMMAND = `printf '%s: %s\\n' agent-start-bench ready; exec sleep 3600`;

async function main(): Promise<void> {
  const opts = benchOptions(process.argv.slice(2), { reps: 7, image: 'enclave-agent' });
  const bench = await throwawayProject('agent-start', 'Enclave agent-start benchmark (throwaway)');
  const { name: project, socketPath, destroy } = bench;
  const configDir = await mkdtemp(join(tmpdir(), 'enclave-bench-agent-start-'));
  const template: AgentTemplate = {
    id: 'bench-agent',
    name: 'Bench agent',
    description: '',
    image: opts.image,
    installs: [],
    command: COMMAND,
    env: { BENCH_PLAIN: '1' },
    secrets: [{ anyOf: ['BENCH_TOKEN'], optional: false, help: '' }],
    namePrefix: 'bench',
    limits: { cpu: '', memory: '', processes: '', disk: '' },
    network: { mode: 'restricted', allow: [], ingress: '', egress: '' },
    status: 'tmux',
  };
  let seq = 0;
  const nextName = (kind: string) => `bench-${kind}-${++seq}`;

  const backend = new Backend({ project, socketPath, settingsPath: join(configDir, 'settings.json') });
  backend.start();
  await backend.ready();
  await backend.local.network.ensure(backend.local.connection.requireClient());
  ok(await dispatch(backend.handlers, 'templates.save', { template }));
  ok(await dispatch(backend.handlers, 'secrets.set', { name: 'BENCH_TOKEN', value: 'bench-secret-value' }));

  const enclaveRun = async (): Promise<number> => {
    const name = nextName('e');
    const link = new TestLink(backend.handlers);
    try {
      const t0 = performance.now();
      ok(await link.call('agents.create', { name, template: template.id }));
      const info = ok<TerminalInfo>(await link.call('terminals.open', { agent: name, kind: 'agent', cols: 120, rows: 40 }));
      await link.waitFor(info.id, MARK, 60_000);
      const ms = performance.now() - t0;
      await link.call('terminals.close', { id: info.id });
      return ms;
    } finally {
      link.close();
      await destroy(name).catch(() => undefined);
    }
  };

  const cliRun = async (): Promise<number> => {
    const name = nextName('c');
    try {
      const t0 = performance.now();
      await incus(['launch', opts.image, name, '--project', project, '--profile', 'enclave', '-n', 'enclave-restr']);
      await incus(['exec', name, '--project', project, '--', 'tmux', 'new', '-d', '-s', 'agent', COMMAND]);
      for (;;) {
        const pane = await incus(['exec', name, '--project', project, '--', 'tmux', 'capture-pane', '-p', '-t', 'agent']);
        if (pane.includes(MARK)) break;
      }
      return performance.now() - t0;
    } finally {
      await destroy(name).catch(() => undefined);
    }
  };

  try {
    console.log(`bench agent-start: image ${opts.image}, project ${project}, ${opts.reps} reps, alternating Enclave/CLI`);
    await alternateRuns('agent-start', bench, opts.reps, enclaveRun, cliRun);
  } finally {
    await backend.stop();
    await rm(configDir, { recursive: true, force: true });
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench agent-start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
