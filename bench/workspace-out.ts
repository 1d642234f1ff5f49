/**
 * Workspace-out benchmark (the `workspace-out` half of bench/workspace): an agent's committed
 * 1,000-file change brought back with Enclave's review gate (workspace.fetch as branch: the
 * work state read inside, a bundle made inside, copied out through Incus's file API, checked
 * in a staging repository, fetched into the host repository) against `git fetch` of a change
 * of the same size from a local clone on the host. Alternating, in one throwaway project.
 *
 *   npx tsx bench/workspace-out.ts [--reps N] [--files N] [--image ALIAS]
 *
 * The last line is `bench workspace-out: ratio <enclave/git>`.
 */
import { readFile, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Backend } from '../electron/core/backend.js';
import { META_PREFIX } from '../electron/core/agent-model.js';
import { workspaceMeta } from '../electron/core/workspace/meta.js';
import { readWorkState } from '../electron/core/workspace/work-state.js';
import { execCommand } from '../electron/incus/exec.js';
import { patchConfig } from '../electron/incus/instances.js';
import { git } from '../electron/test-support/git-repo.js';
import { alternateRuns, benchOptions, throwawayProject } from './support.js';

export interface WorkspaceOutOptions {
  reps: number;
  /** Files the change touches (and the repository holds). */
  files: number;
  image: string;
}

/** A shell loop that rewrites every file with content unique to `seed` and commits it. */
function changeScript(files: number, seed: string): string {
  return `i=0; while [ $i -lt ${files} ]; do printf 'changed %s %s\\n%s\\n' ${seed} $i "$(head -c 1500 /dev/urandom | base64 -w 100)" > src/f$i.txt; i=$((i+1)); done; git add -A && git commit -qm "change ${seed}"`;
}

export async function run(opts: WorkspaceOutOptions): Promise<void> {
  const bench = await throwawayProject('workspace-out', 'Enclave workspace-out benchmark (throwaway)');
  const dir = mkdtempSync(join(tmpdir(), 'enclave-bench-workspace-out-'));
  const host = join(dir, 'host');
  const clone = join(dir, 'clone');
  const agent = 'bench-out';
  const branch = `enclave/${agent}`;
  const backend = new Backend({ project: bench.name, socketPath: bench.socketPath, settingsPath: join(dir, 'settings.json') });
  const inside = async (script: string, stdin?: Buffer) => {
    const r = await execCommand(backend.local.connection.requireClient(), agent, ['sh', '-c', `cd /workspace 2>/dev/null; ${script}`], { stdin, timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(`inside the agent: exit ${r.exitCode}: ${r.stderr.toString().slice(0, 500)}`);
  };
  try {
    // The repository: `files` files of about 2 KB, committed on main.
    git(dir, ['init', '-q', '-b', 'main', host]);
    const seedScript = `mkdir -p src && ${changeScript(opts.files, 'base').replace('change base', 'initial')}`;
    await import('node:child_process').then(({ execFileSync }) =>
      execFileSync('sh', ['-c', seedScript], {
        cwd: host,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' },
      }),
    );
    const base = git(host, ['rev-parse', 'HEAD']).trim();
    git(dir, ['clone', '-q', host, clone]);
    // No automatic gc on either side: a detached gc after a few runs' loose objects would land in some run's time.
    git(host, ['config', 'gc.auto', '0']);
    git(clone, ['config', 'gc.auto', '0']);

    backend.start();
    await backend.ready();
    await backend.handlers['agents.create']({ name: agent, image: opts.image, network: { mode: 'none', allow: [], ingress: '', egress: '' } }, { client: null });
    git(host, ['bundle', 'create', '-q', join(dir, 'seed.bundle'), 'main']);
    await inside(
      `cat > /tmp/in.bundle && git clone -q -b main /tmp/in.bundle /workspace && cd /workspace && git checkout -q -b ${branch} && git config user.name agent && git config user.email agent@example.invalid && git config gc.auto 0 && rm /tmp/in.bundle`,
      await readFile(join(dir, 'seed.bundle')),
    );
    const meta = workspaceMeta({ mode: 'copy', source: host, kind: 'git', base, branch, readOnly: false });
    await patchConfig(backend.local.connection.requireClient(), agent, Object.fromEntries(Object.entries(meta).map(([k, v]) => [META_PREFIX + k, v])));
    await backend.local.agents.reload(agent);

    let seq = 0;
    const enclaveRun = async (): Promise<number> => {
      const seed = `e${++seq}`;
      // Not measured: the host forgets the last run's branch; the agent makes a fresh change on the base.
      git(host, ['update-ref', '-d', `refs/heads/${branch}`]);
      await inside(`git reset -q --hard ${base} && ${changeScript(opts.files, seed)}`);
      const state = await readWorkState(backend.local.connection.requireClient(), agent);
      if (state === 'missing') throw new Error('the workspace is missing');
      const t0 = performance.now();
      const result = await backend.handlers['workspace.fetch']({ agent, as: 'branch', reviewed: state.fingerprint }, { client: null });
      const ms = performance.now() - t0;
      if (result.files.length !== opts.files) throw new Error(`brought back ${result.files.length} files, not ${opts.files}`);
      return ms;
    };
    const cliRun = async (): Promise<number> => {
      const seed = `c${++seq}`;
      git(host, ['update-ref', '-d', 'refs/heads/from-clone']);
      await import('node:child_process').then(({ execFileSync }) =>
        execFileSync('sh', ['-c', `git reset -q --hard ${base} && ${changeScript(opts.files, seed)}`], {
          cwd: clone,
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' },
        }),
      );
      const t0 = performance.now();
      git(host, ['fetch', '-q', '--no-tags', '--no-auto-maintenance', clone, 'HEAD:refs/heads/from-clone']);
      return performance.now() - t0;
    };
    console.log(`bench workspace-out: ${opts.files}-file change, image ${opts.image}, project ${bench.name}, ${opts.reps} reps, alternating Enclave/git`);
    await alternateRuns('workspace-out', bench, opts.reps, enclaveRun, cliRun);
  } finally {
    await backend.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    await bench.cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(benchOptions(process.argv.slice(2), { reps: 5, files: 1000, image: 'enclave-agent' })).catch((err: unknown) => {
    console.error(`bench workspace-out failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
