/**
 * The workspace-in half of bench/workspace: Enclave's copy of a generated repository into a
 * fresh, running agent (workspace.attach: inspecting the folder, streaming its object store
 * in and checking out HEAD on enclave/<agent>) against `git clone --no-hardlinks` of it on
 * the host. The agent is created before the clock starts; both sides read a warm repository.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import type { Backend } from '../electron/core/backend.js';
import { dispatch } from '../electron/transport/dispatch.js';
import { ok } from '../electron/test-support/terminal-link.js';
import { alternateRuns, type ThrowawayProject } from './support.js';
import type { BenchRepo } from './workspace-repo.js';

const NO_NETWORK = { mode: 'none' as const, allow: [], ingress: '', egress: '' };

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

export async function benchWorkspaceIn(bench: ThrowawayProject, backend: Backend, repo: BenchRepo, opts: { reps: number; image: string }): Promise<void> {
  let seq = 0;
  const enclaveRun = async (): Promise<number> => {
    const name = `bench-in-${++seq}`;
    try {
      ok(await dispatch(backend.handlers, 'agents.create', { name, image: opts.image, network: NO_NETWORK }));
      const t0 = performance.now();
      ok(await dispatch(backend.handlers, 'workspace.attach', { agent: name, workspace: { mode: 'copy', path: repo.dir, uncommitted: false } }));
      return performance.now() - t0;
    } finally {
      await bench.destroy(name).catch(() => undefined);
    }
  };
  const cliRun = async (): Promise<number> => {
    const target = join(tmpdir(), `enclave-bench-clone-${process.pid}-${++seq}`);
    try {
      const t0 = performance.now();
      await run('git', ['clone', '-q', '--no-hardlinks', repo.dir, target]);
      return performance.now() - t0;
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  };
  console.log(`bench workspace-in: ${repo.files.toLocaleString('en-US')} files, ${Math.round(repo.bytes / 1e6)} MB, ${opts.reps} reps, alternating Enclave/git clone`);
  await alternateRuns('workspace-in', bench, opts.reps, enclaveRun, cliRun);
}
