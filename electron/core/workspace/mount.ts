import { lchown, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { EnclaveError } from '../../../shared/errors.js';
import type { AgentChangeResult } from '../../../shared/types.js';
import { WORKSPACE_PATH, type WorkspaceInspection, type WorkspaceOwner, type WorkspaceRequest } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import { patchInstance } from '../../incus/instances.js';
import { getProject, patchProjectConfig } from '../../incus/projects.js';
import { execCommand } from '../../incus/exec.js';
import { USER } from '../activity/activity-log.js';
import { AGENT_HOME, AGENT_TMUX_SESSION } from '../agent-tmux.js';
import { META_PREFIX } from '../agent-model.js';
import { ensureSessionUser, sessionUser } from '../session-user.js';
import { userGit } from './host-git.js';
import { workspaceMeta } from './meta.js';
import { GIT_DIR_DEVICE, HOOKS_PATH_DEVICE, PROTECTED_PATHS, WORKSPACE_DEVICE, workspaceDisk } from './mount-devices.js';
import { mountSupport } from './mount-support.js';
import type { WorkspaceDeps, WorkspacePlan } from './plan.js';

type MountRequest = Extract<WorkspaceRequest, { mode: 'mount' }>;
type Devices = Record<string, Record<string, string>>;

/** Git on the folder the user chose, reading only: its trimmed answer, or null when it failed. */
async function hostGit(dir: string, args: string[]): Promise<string | null> {
  const r = await userGit(dir, args, { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 }).catch(() => null);
  return r && r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

async function kindOf(path: string): Promise<'dir' | 'file' | 'link' | 'none'> {
  try {
    const s = await lstat(path);
    return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

/**
 * Incus follows links in a disk's source. A link where a protected path should be may come from
 * an agent that mounts the folder already (its .git is writable): mounted, it would hand the
 * link's target, anything on the host, to the new agent.
 */
function refuseLink(source: string, rel: string): never {
  throw new EnclaveError(
    'invalid-arguments',
    `${source}/${rel} is a symbolic link: Enclave mounts no link inside a mounted folder (an agent may have made it). Replace it with the real folder or file, or use the isolated copy instead.`,
  );
}

/** Whether `a` is `b` or inside it. */
const within = (a: string, b: string) => a === b || a.startsWith(b.endsWith('/') ? b : `${b}/`);

/**
 * Another agent's mount of a folder above or below this one could swap a path this mount goes
 * through for a link (it writes there), and Incus follows it at the next start: refused. The
 * same folder is fine: its path goes through nothing either agent can write.
 */
export function nestedMountProblem(source: string, others: readonly { agent: string; source: string }[]): string | null {
  const other = others.find((o) => o.source !== source && (within(source, o.source) || within(o.source, source)));
  if (!other) return null;
  const how = within(source, other.source) ? 'inside' : 'above';
  return `${source} is ${how} ${other.source}, which ${other.agent} mounts: one agent could then redirect the other's mount. Mount the same folder, or use the isolated copy instead.`;
}

/**
 * What a mount needs to know of the folder, for when the full inspection (copy-in's) is not
 * at hand: resolved path, git or plain, HEAD and branch, and whether the mount works.
 */
export async function mountInspection(client: IncusClient, path: string): Promise<Pick<WorkspaceInspection, 'path' | 'kind' | 'head' | 'branch' | 'mount'>> {
  const mount = await mountSupport(path, client);
  if (!mount.possible) return { path, kind: 'plain', head: null, branch: null, mount };
  const resolved = await realpath(path);
  const isGit = (await kindOf(`${resolved}/.git`)) !== 'none';
  const head = isGit ? await hostGit(resolved, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']) : null;
  const branch = isGit ? await hostGit(resolved, ['symbolic-ref', '-q', '--short', 'HEAD']) : null;
  return { path: resolved, kind: isGit ? 'git' : 'plain', head: head && /^[0-9a-f]{40,64}$/.test(head) ? head : null, branch: branch || null, mount };
}

/**
 * The top folder of core.hooksPath (the repository's own config) when it points inside the
 * folder, e.g. husky's .husky for .husky/_. Its top, because a mount point cannot be renamed:
 * no part of the path can then be swapped for a link that the host's git would follow.
 */
async function hooksPathInside(source: string): Promise<string | null> {
  // --file reads that one file (includes are off with --file): nothing of the user's global config.
  const value = await hostGit(source, ['config', '--file', '.git/config', '--get', 'core.hooksPath']);
  if (!value || value.startsWith('~')) return null;
  const rel = relative(source, resolve(source, value));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split('/');
  // Under .git (a mount point of its own), the folder below it: .git/hooks has its own device.
  const top = parts[0] === '.git' ? parts.slice(0, 2).join('/') : parts[0]!;
  if (top === '.git' || Object.values(PROTECTED_PATHS).some((p) => p === top)) return null;
  const kind = await kindOf(`${source}/${top}`);
  if (kind === 'link') refuseLink(source, top);
  return kind === 'dir' ? top : null;
}

/**
 * The protected folders of .git that must exist to be mounted read-only: a missing one the agent
 * could create (its .git is writable) and fill: hooks with hooks; modules with a submodule's
 * repository (config and hooks) that the user's next `git submodule update` adopts; info with
 * attributes; worktrees with a worktree's gitdir. Created empty on the host, owned like .git.
 */
const MADE_IF_MISSING = ['.git/hooks', '.git/modules', '.git/info', '.git/worktrees'] as const;

async function createEmptyDir(source: string, rel: string): Promise<void> {
  const dir = `${source}/${rel}`;
  try {
    await mkdir(dir, { mode: 0o755 });
  } catch (err) {
    // Made meanwhile (two agents planned on one folder at once): the check after it looks at what is there.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  const owner = await stat(`${source}/.git`);
  await lchown(dir, owner.uid, owner.gid).catch(() => undefined);
}

/**
 * The folder's owner, whom the agent's sessions run as. Root's folder is refused: the agent
 * would be root on it, and on every setuid program it leaves there.
 */
async function folderOwner(source: string): Promise<WorkspaceOwner> {
  const s = await stat(source);
  if (s.uid === 0) {
    throw new EnclaveError('invalid-arguments', `${source} is owned by root: an agent mounting it would be root on it. Use the isolated copy.`);
  }
  return { uid: s.uid, gid: s.gid };
}

/**
 * The devices of a live mount of `inspection.path` and its workspace meta; refuses when the
 * mount cannot work here. Missing protected folders of .git are created on the host (empty,
 * owned like .git) so they can be mounted read-only: otherwise the agent could create them and
 * plant a hook there. A missing .git/config.worktree is left: the host's git reads it only with
 * extensions.worktreeConfig, which lives in the read-only .git/config.
 */
export async function planMount(
  agent: string,
  request: MountRequest,
  inspection: Pick<WorkspaceInspection, 'path' | 'kind' | 'head' | 'branch' | 'mount'>,
  /** The other agents' mounted folders. */
  others: readonly { agent: string; source: string }[] = [],
): Promise<WorkspacePlan & { notes: string[] }> {
  if (!inspection.mount.possible) {
    throw new EnclaveError('invalid-arguments', `${inspection.mount.reason} Use the isolated copy instead.`);
  }
  const source = inspection.path;
  const owner = await folderOwner(source);
  const nested = nestedMountProblem(source, others.filter((o) => o.agent !== agent));
  if (nested) throw new EnclaveError('invalid-arguments', nested);
  const notes: string[] = [];
  const devices: Devices = { [WORKSPACE_DEVICE]: workspaceDisk(source, '', request.readOnly) };
  if (!request.readOnly) {
    const git = await kindOf(`${source}/.git`);
    if (git === 'link') refuseLink(source, '.git');
    if (git === 'file') devices['workspace-gitfile'] = workspaceDisk(source, '.git', true);
    if (git === 'dir') {
      devices[GIT_DIR_DEVICE] = workspaceDisk(source, '.git', false);
      for (const rel of Object.values(PROTECTED_PATHS)) if ((await kindOf(`${source}/${rel}`)) === 'link') refuseLink(source, rel);
      const made: string[] = [];
      for (const rel of MADE_IF_MISSING) {
        if ((await kindOf(`${source}/${rel}`)) !== 'none') continue;
        await createEmptyDir(source, rel);
        made.push(rel);
      }
      if (made.length) notes.push(`Enclave created empty ${made.join(', ')} in ${source} so that ${made.length === 1 ? 'it is' : 'they are'} read-only inside ${agent}.`);
      for (const [name, rel] of Object.entries(PROTECTED_PATHS)) {
        if (name === 'workspace-gitfile') continue;
        const kind = await kindOf(`${source}/${rel}`);
        if (kind === 'link') refuseLink(source, rel); // made meanwhile
        if (kind !== 'none') devices[name] = workspaceDisk(source, rel, true);
      }
      const hooks = await hooksPathInside(source);
      if (hooks) devices[HOOKS_PATH_DEVICE] = workspaceDisk(source, hooks, true);
    }
    // Incus's shift maps the agent's uids to the host's one to one: its sessions run as the
    // folder's owner (session-user.ts), so what they make is the owner's, not root's.
    notes.push(
      `${agent}'s sessions run as uid ${owner.uid} (the owner of ${source}): the files it creates there are that user's on this computer. Check before running anything it made.`,
    );
    if (git === 'none') notes.push(`${source} is no git repository: nothing in it is protected from ${agent}, a .git it might create included.`);
  }
  return {
    request,
    inspection: inspection as WorkspaceInspection,
    workspace: { mode: 'mount', source, kind: inspection.kind, base: inspection.head, branch: inspection.branch, readOnly: request.readOnly, owner },
    devices,
    notes,
  };
}

/**
 * Lets the project hold host-folder disks (restricted.devices.disk=allow) before Enclave adds
 * one. Measured on Incus 6.0.4: "managed" refuses every host path, and restricted.devices.disk.paths
 * cannot be used instead, because Incus refuses `shift` on a disk under a restricted source path
 * ("The "shift" property cannot be used with a restricted source path": a shifted mount lets
 * container root create setuid-root files on the host). So the project allows any host path
 * while an agent mounts a folder, and the drift check holds every agent to Enclave's own.
 */
export async function allowHostDisks(client: IncusClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const project = await getProject(client, client.project);
    if (project.config.restricted !== 'true' || project.config['restricted.devices.disk'] === 'allow') return;
    try {
      await patchProjectConfig(client, client.project, { 'restricted.devices.disk': 'allow' });
      return;
    } catch (err) {
      // The project changed between its read and write (another mount, the isolation service): read again.
      if (!(err instanceof IncusError && err.status === 412) || attempt >= 5) throw err;
    }
  }
}

/** A new agent's mount is its devices; inside, the folder's owner gets a user for its sessions to run as. */
export async function populateMount(client: IncusClient, agent: string, plan: WorkspacePlan, progress: (detail: string) => void): Promise<void> {
  const user = sessionUser({ workspace: plan.workspace });
  if (!user) return;
  progress(`making the user ${user.uid}:${user.gid} its sessions run as`);
  await ensureSessionUser(client, agent, user);
}

/** The folders other agents mount, from their workspace meta. */
export function mountedFolders(deps: Pick<WorkspaceDeps, 'agents'>): { agent: string; source: string }[] {
  return deps.agents.cached().flatMap((a) => (a.workspace?.mode === 'mount' ? [{ agent: a.name, source: a.workspace.source }] : []));
}

/** Mounts a host folder into an existing agent: Incus hotplugs disks into a running container. */
export async function attachMount(
  client: IncusClient,
  deps: WorkspaceDeps,
  agent: string,
  request: MountRequest,
): Promise<AgentChangeResult> {
  const current = await deps.agents.get(agent);
  if (current.workspace) {
    throw new EnclaveError('conflict', `${agent} already has a workspace at ${WORKSPACE_PATH} (${current.workspace.mode} of ${current.workspace.source}).`);
  }
  const plan = await planMount(agent, request, await mountInspection(client, request.path), mountedFolders(deps));
  await allowHostDisks(client);
  const config = Object.fromEntries(Object.entries(workspaceMeta(plan.workspace)).map(([k, v]) => [META_PREFIX + k, v]));
  const how = request.readOnly ? ' read-only' : '';
  await deps.locks.run(agent, 'having a folder mounted', () =>
    deps.activity.track(
      agent,
      { kind: 'workspace', done: `folder ${plan.workspace.source} mounted${how} at ${WORKSPACE_PATH}`, failed: `mounting ${plan.workspace.source} failed`, by: USER, expects: ['instance-updated'] },
      () => patchInstance(client, agent, { config, devices: plan.devices }),
    ),
  );
  const updated = await deps.agents.reload(agent);
  const user = sessionUser(updated);
  if (user && updated.status === 'Running') {
    try {
      if (await endRootSession(client, agent)) {
        await deps.agents.startAgentSession(client, updated);
        plan.notes.push(`${agent}'s session ran as root: it was ended and started again as uid ${user.uid}. Shell tabs opened before the mount still run as root: close them.`);
      } else {
        await ensureSessionUser(client, agent, user);
      }
    } catch {
      // The folder is mounted all the same; the agent did not answer (its next session start makes the user).
      plan.notes.push(`${agent} did not answer while its session was moved to uid ${user.uid}: restart ${agent} so that nothing in it runs as root on ${plan.workspace.source}.`);
    }
  }
  return { agent: updated, notes: plan.notes };
}

/**
 * Ends the agent's session where root's tmux holds it (started before the mount), so that no
 * root process keeps working on the user's folder. Whether there was one.
 */
async function endRootSession(client: IncusClient, agent: string): Promise<boolean> {
  const script = `command -v tmux >/dev/null 2>&1 || exit 1; tmux has-session -t =${AGENT_TMUX_SESSION} 2>/dev/null || exit 1; tmux kill-session -t =${AGENT_TMUX_SESSION}`;
  const r = await execCommand(client, agent, ['sh', '-c', script], { environment: { HOME: AGENT_HOME }, timeoutMs: 15_000, maxOutputBytes: 4096 });
  return r.exitCode === 0;
}
