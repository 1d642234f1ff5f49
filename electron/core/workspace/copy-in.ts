import { lstat, readFile } from 'node:fs/promises';
import { EnclaveError } from '../../../shared/errors.js';
import { WORKSPACE_PATH, isCommitId, type AgentWorkspace, type WorkspaceRequest } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { ExecLimitError, execCommand } from '../../incus/exec.js';
import { patchConfig } from '../../incus/instances.js';
import { META_PREFIX } from '../agent-model.js';
import type { GitFacts } from './inspect.js';
import { userGit } from './host-git.js';
import { hostTar } from './host-tar.js';
import { formatSize, parseStatusZ } from './inspect-parse.js';
import { WORKSPACE_META } from './meta.js';
import { SAFE_GIT } from './work-state.js';

/** What the copy needs: where from, what it is, and what the agent's workspace will say. */
export interface CopySource {
  root: string;
  git: GitFacts | null;
  head: string | null;
  sizeBytes: number;
  fileCount: number;
}

/** Exit code of the prepare step when /workspace holds something already. */
const EXISTS = 17;
/** What Enclave's own commands inside may print: they print little when all is well. */
const INSIDE_OUTPUT = 64 * 1024;
const ENV = { HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', GIT_TERMINAL_PROMPT: '0' };

/** How long a step moving `bytes` may take: a minute, plus a second per 10 MB (slow disks, busy hosts). */
export function copyTimeoutMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 10_000_000) * 1000;
}

/** Who the agent's commits are by, in its repository's own config (never the host's). */
export function agentIdentity(agent: string): { name: string; email: string } {
  return { name: agent, email: `${agent}@agents.enclave.invalid` };
}

async function inside(
  client: IncusClient,
  agent: string,
  what: string,
  script: string,
  args: string[],
  opts: { timeoutMs: number; stdin?: Uint8Array; stdinStream?: AsyncIterable<Uint8Array> },
): Promise<{ code: number; stdout: string }> {
  try {
    const r = await execCommand(client, agent, ['sh', '-c', script, 'sh', ...args], {
      environment: ENV,
      timeoutMs: opts.timeoutMs,
      maxOutputBytes: INSIDE_OUTPUT,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
      ...(opts.stdinStream ? { stdinStream: opts.stdinStream } : {}),
    });
    return { code: r.exitCode, stdout: r.stdout.toString('utf8') };
  } catch (err) {
    if (err instanceof ExecLimitError) throw new EnclaveError('internal', `${what} in ${agent} was stopped: ${err.message}.`);
    throw err;
  }
}

function failed(agent: string, what: string, code: number): EnclaveError {
  return new EnclaveError('internal', `${what} in ${agent} failed (exit ${code}).`);
}

const PREPARE = `set -e
if [ -e "${WORKSPACE_PATH}" ] && [ -n "$(ls -A "${WORKSPACE_PATH}" 2>/dev/null)" ]; then exit ${EXISTS}; fi
mkdir -p "${WORKSPACE_PATH}"
cd "${WORKSPACE_PATH}"
[ "$1" = git ] || exit 0
git init -q --template= --object-format="$2"
git config user.name "$3"
git config user.email "$4"`;

/** An empty /workspace (and an empty repository with Enclave's own config for git). */
async function prepare(client: IncusClient, agent: string, git: GitFacts | null): Promise<void> {
  const id = agentIdentity(agent);
  const r = await inside(client, agent, 'Preparing /workspace', PREPARE, [git ? 'git' : 'plain', git?.objectFormat ?? 'sha1', id.name, id.email], { timeoutMs: 30_000 });
  if (r.code === EXISTS) throw new EnclaveError('conflict', `${agent} already has files in ${WORKSPACE_PATH}: Enclave copies a project only into an empty ${WORKSPACE_PATH}.`);
  if (r.code !== 0) throw failed(agent, 'Preparing /workspace', r.code);
}

/** Streams a host tar into `dir` inside the agent; both ends' failures are said. */
async function streamTar(client: IncusClient, agent: string, what: string, args: string[], dir: string, bytes: number, list?: Buffer): Promise<void> {
  const tar = hostTar(args, list);
  let result: { code: number };
  try {
    result = await inside(client, agent, what, 'exec tar -x --no-same-owner -C "$1" -f -', [dir], { timeoutMs: copyTimeoutMs(bytes), stdinStream: tar.stream });
  } catch (err) {
    tar.kill();
    const host = await tar.done;
    if (host.code !== 0 && host.code !== 1) throw new EnclaveError('invalid-arguments', `${what} failed: tar could not read the project (${host.stderr.split('\n')[0] ?? `exit ${host.code}`}).`);
    throw err;
  }
  const host = await tar.done;
  // GNU tar's 1 is "a file changed while it was read": the copy holds what it read.
  if (host.code !== 0 && host.code !== 1) throw new EnclaveError('invalid-arguments', `${what} failed: tar could not read the project (${host.stderr.split('\n')[0] ?? `exit ${host.code}`}).`);
  if (result.code !== 0) throw failed(agent, what, result.code);
}

const CHECKOUT = `set -e
cd "${WORKSPACE_PATH}"
w=$(nproc 2>/dev/null || echo 2); [ "$w" -ge 2 ] || w=2; [ "$w" -le 8 ] || w=8
if [ "$2" = none ]; then exec git symbolic-ref HEAD "refs/heads/$1"; fi
${SAFE_GIT} cat-file -e "$2^{commit}"
${SAFE_GIT} -c checkout.workers="$w" -c advice.detachedHead=false checkout -q -b "$1" "$2"`;

/** The git copy: the object store (with what it borrows), then a checkout of HEAD on the agent's branch. */
async function copyGit(client: IncusClient, agent: string, branch: string, src: CopySource, git: GitFacts, progress: (d: string) => void): Promise<void> {
  const objectsBytes = src.sizeBytes;
  progress(`Copying ${src.fileCount.toLocaleString('en-US')} files (${formatSize(src.sizeBytes)})`);
  const stores = [git.objectsDir, ...git.alternates].flatMap((d) => ['-C', d, '.']);
  await streamTar(client, agent, 'Copying the repository', ['--exclude=./info/alternates', '--exclude=./info/http-alternates', ...stores], `${WORKSPACE_PATH}/.git/objects`, objectsBytes);
  if (git.shallow) {
    const shallow = await readFile(`${git.commonDir}/shallow`);
    const r = await inside(client, agent, 'Copying the shallow boundary', `cat > "${WORKSPACE_PATH}/.git/shallow"`, [], { timeoutMs: 30_000, stdin: shallow });
    if (r.code !== 0) throw failed(agent, 'Copying the shallow boundary', r.code);
  }
  progress('Checking out');
  const r = await inside(client, agent, 'Checking out', CHECKOUT, [branch, src.head ?? 'none'], { timeoutMs: copyTimeoutMs(src.sizeBytes) });
  if (r.code !== 0) throw failed(agent, 'Checking out', r.code);
}

/** The host's uncommitted work over the checkout: changed and untracked files copied, deleted ones removed. */
async function copyUncommitted(client: IncusClient, agent: string, root: string, progress: (d: string) => void): Promise<void> {
  const status = await userGit(root, ['status', '--porcelain', '-z', '-uall', '--no-renames', '--ignore-submodules=all']);
  if (status.code !== 0) throw new EnclaveError('invalid-arguments', `git status failed in ${root}: ${status.stderr.split('\n')[0] ?? ''}`);
  const present: Buffer[] = [];
  const gone: Buffer[] = [];
  let bytes = 0;
  for (const e of parseStatusZ(status.stdout)) {
    const s = await lstat(Buffer.concat([Buffer.from(`${root}/`), e.path])).catch(() => null);
    if (!s) gone.push(e.path);
    else if (!s.isDirectory()) {
      present.push(e.path);
      bytes += s.size;
    }
  }
  const nul = (list: Buffer[]) => Buffer.concat(list.flatMap((p) => [p, Buffer.from([0])]));
  if (present.length) {
    progress(`Copying ${present.length.toLocaleString('en-US')} uncommitted files (${formatSize(bytes)})`);
    await streamTar(client, agent, 'Copying the uncommitted changes', ['-C', root, '--null', '--verbatim-files-from', '--no-recursion', '-T', '-'], WORKSPACE_PATH, bytes, nul(present));
  }
  if (gone.length) {
    // A path that is a folder inside (a submodule's) is left alone rather than failing the copy.
    const r = await inside(client, agent, 'Removing deleted files', `cd "${WORKSPACE_PATH}" && { xargs -0 -r rm -f -- 2>/dev/null; exit 0; }`, [], { timeoutMs: 60_000, stdin: nul(gone) });
    if (r.code !== 0) throw failed(agent, 'Removing deleted files', r.code);
  }
}

const INIT = `set -e
cd "${WORKSPACE_PATH}"
git init -q --template= -b "$1"
git config user.name "$2"
git config user.email "$3"
${SAFE_GIT} add -A .
${SAFE_GIT} -c user.name=Enclave -c user.email=enclave@enclave.invalid commit -q --no-verify --allow-empty -m "Imported by Enclave"
${SAFE_GIT} rev-parse HEAD`;

/**
 * Copies the project into the agent's /workspace (the agent runs; nothing holds its lock):
 * a git repository at the host's HEAD on `ws.branch`, with the uncommitted changes if asked;
 * a plain folder as files, `git init`-ed with one commit for notGit 'init' (then the agent's
 * workspace.base is set to that commit). The host folder is only read.
 */
export async function copyIn(client: IncusClient, agent: string, request: Extract<WorkspaceRequest, { mode: 'copy' }>, ws: AgentWorkspace, src: CopySource, progress: (detail: string) => void): Promise<AgentWorkspace> {
  await prepare(client, agent, src.git);
  if (src.git) {
    await copyGit(client, agent, ws.branch ?? `enclave/${agent}`, src, src.git, progress);
    if (request.uncommitted) await copyUncommitted(client, agent, src.root, progress);
    return ws;
  }
  progress(`Copying ${src.fileCount.toLocaleString('en-US')} files (${formatSize(src.sizeBytes)})`);
  await streamTar(client, agent, 'Copying the folder', ['-C', src.root, '.'], WORKSPACE_PATH, src.sizeBytes);
  if (request.notGit !== 'init') return ws;
  progress('Making a git repository of it');
  const id = agentIdentity(agent);
  const r = await inside(client, agent, 'git init', INIT, [ws.branch ?? `enclave/${agent}`, id.name, id.email], { timeoutMs: copyTimeoutMs(src.sizeBytes) });
  const base = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0) throw failed(agent, 'git init', r.code);
  if (!isCommitId(base)) throw new EnclaveError('internal', `git init in ${agent} did not answer with a commit.`);
  await patchConfig(client, agent, { [`${META_PREFIX}${WORKSPACE_META.base}`]: base });
  return { ...ws, base };
}
