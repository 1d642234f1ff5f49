/**
 * Workspace benchmarks, in one throwaway project on one generated repository (20,000 files,
 * about 300 MB: text and incompressible binary, committed and packed):
 * - workspace-in: Enclave's copy into a fresh agent against `git clone --no-hardlinks`.
 * - workspace-out: a 1,000-file change brought back with the review gate against `git fetch`
 *   from a local clone (bench/workspace-out.ts, in a project of its own).
 *
 *   npm run bench:workspace -- [--reps N] [--image ALIAS] [--files N] [--megabytes N] [--only in]
 *
 * Prints `bench workspace-in: ratio <enclave/git>` and `bench workspace-out: ratio <enclave/git>`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../electron/core/backend.js';
import { benchOptions, throwawayProject } from './support.js';
import { benchWorkspaceIn } from './workspace-in.js';
import { makeBenchRepo } from './workspace-repo.js';
import { run as benchWorkspaceOut } from './workspace-out.js';

async function main(): Promise<void> {
  const opts = benchOptions(process.argv.slice(2), { reps: 5, image: 'enclave-agent', files: 20_000, megabytes: 300, only: '' });
  if (opts.only && opts.only !== 'in' && opts.only !== 'out') throw new Error('--only is "in" or "out"');
  if (opts.only !== 'out') await workspaceIn(opts);
  if (opts.only !== 'in') await benchWorkspaceOut({ reps: opts.reps, files: 1000, image: opts.image });
}

async function workspaceIn(opts: { reps: number; image: string; files: number; megabytes: number }): Promise<void> {
  const bench = await throwawayProject('workspace', 'Enclave workspace benchmark (throwaway)');
  const configDir = await mkdtemp(join(tmpdir(), 'enclave-bench-workspace-'));
  console.log(`generating a repository of ${opts.files} files, about ${opts.megabytes} MB`);
  const repo = makeBenchRepo({ files: opts.files, totalBytes: opts.megabytes * 1024 * 1024 });
  const backend = new Backend({ project: bench.name, socketPath: bench.socketPath, settingsPath: join(configDir, 'settings.json') });
  try {
    backend.start();
    await backend.ready();
    await benchWorkspaceIn(bench, backend, repo, { reps: opts.reps, image: opts.image });
  } finally {
    await backend.stop();
    await rm(configDir, { recursive: true, force: true });
    await rm(repo.dir, { recursive: true, force: true });
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench workspace failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
