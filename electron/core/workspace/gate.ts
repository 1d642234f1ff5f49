import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Requests } from '../../../shared/api.js';
import { EnclaveError } from '../../../shared/errors.js';
import { sizeBytes } from '../../../shared/limits.js';
import type { Agent } from '../../../shared/types.js';
import { MAX_CHANGED_FILES, commitMessageProblem, type BroughtBack } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { USER, reasonOf, type ActivityLog } from '../activity/activity-log.js';
import type { AgentService } from '../agents.js';
import { applyPatch } from './apply-patch.js';
import { bundleOut } from './bundle-out.js';
import { commitInside, headTree } from './commit-inside.js';
import { fetchAsBranch } from './host-branch.js';
import { broughtBackFiles } from './name-status.js';
import { Staging } from './staging.js';
import { readWorkState } from './work-state.js';

type FetchArgs = z.output<Requests['workspace.fetch']['args']>;

export interface GateLimits {
  /** The most bytes a bundle may have (also never more than the agent's disk limit). */
  maxBundleBytes: number;
  /** Each step: making the bundle inside, copying it out, each host git command. */
  timeoutMs: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { maxBundleBytes: 2 * 1024 ** 3, timeoutMs: 10 * 60_000 };

export interface GateDeps {
  agents: Pick<AgentService, 'get'>;
  activity: Pick<ActivityLog, 'record'>;
}

/** The activity log's words for what came back. */
export function broughtBackText(b: BroughtBack): string {
  const count = `${b.files.length}${b.filesTruncated ? '+' : ''} file${b.files.length === 1 && !b.filesTruncated ? '' : 's'}`;
  const what = b.as === 'branch' ? `as branch ${b.branch ?? ''}` : 'as a patch onto the working tree';
  const replaced = b.replaced ? `, replacing ${b.replaced.slice(0, 7)}` : '';
  return `brought back ${b.commit.slice(0, 7)} ${what} (${count}${replaced})`;
}

/**
 * The review gate: brings exactly the work the user reviewed out of an agent. Inside the
 * agent only Enclave's own git commands run (bounded); the work leaves as a bundle file
 * through Incus's file API; on the host it is checked in Enclave's own staging repository
 * before the user's repository gets it (as a branch) or its working tree (as a patch).
 * One fetch per agent at a time; no lock is held while the agent's commands run.
 */
export class ReviewGate {
  private readonly inFlight = new Set<string>();
  limits: GateLimits = { ...DEFAULT_GATE_LIMITS };

  constructor(
    private readonly deps: GateDeps,
    private readonly client: () => IncusClient,
  ) {}

  async fetch(args: FetchArgs): Promise<BroughtBack> {
    if (this.inFlight.has(args.agent)) throw new EnclaveError('busy', `Work is already being brought back from ${args.agent}; wait for it to finish.`);
    this.inFlight.add(args.agent);
    try {
      const result = await this.bringBack(args);
      this.deps.activity.record(args.agent, 'workspace', broughtBackText(result), USER, { broughtBack: result });
      return result;
    } catch (err) {
      if (!(err instanceof EnclaveError && (err.code === 'invalid-arguments' || err.code === 'busy'))) {
        this.deps.activity.record(args.agent, 'workspace', `bringing work back failed: ${reasonOf(err)}`, USER);
      }
      throw err;
    } finally {
      this.inFlight.delete(args.agent);
    }
  }

  private async bringBack(args: FetchArgs): Promise<BroughtBack> {
    const { agent: name, force = false } = args;
    const agent = await this.deps.agents.get(name);
    const ws = gateWorkspace(agent);
    const client = this.client();
    const state = await readWorkState(client, name);
    if (state === 'missing') throw new EnclaveError('conflict', `${name}'s /workspace or its repository is gone; there is nothing to bring back.`);
    const changed = new EnclaveError('conflict', `The work in ${name} changed since you reviewed it: look at the changes again.`);
    if (state.fingerprint !== args.reviewed) throw changed;
    if (args.head !== undefined && args.head !== state.head) throw changed;
    if (!state.head) throw new EnclaveError('conflict', `${name}'s repository has no commit; there is nothing to bring back.`);

    let commit = state.head;
    const uncommitted = (await headTree(client, name, state.head)) !== state.tree;
    if (uncommitted) {
      const problem = args.message === undefined ? 'The work has uncommitted changes: give a commit message for them.' : commitMessageProblem(args.message);
      if (problem) throw new EnclaveError('invalid-arguments', `message: ${problem}`);
      commit = await commitInside(client, name, state.tree, state.head, args.message ?? '');
    }
    if (commit === ws.base) throw new EnclaveError('conflict', `${name} has changed nothing since its base ${ws.base.slice(0, 12)}; there is nothing to bring back.`);

    const rewritten = () =>
      new EnclaveError(
        'conflict',
        `${name} rewrote its history: its work ${commit.slice(0, 12)} no longer contains the base ${ws.base.slice(0, 12)} it started from. Nothing is fetched silently: look at it, then bring it back with force.`,
      );
    const disk = sizeBytes(agent.limits.disk);
    const maxBytes = Number.isFinite(disk) && disk > 0 ? Math.min(disk, this.limits.maxBundleBytes) : this.limits.maxBundleBytes;
    const tmp = await mkdtemp(join(tmpdir(), 'enclave-gate-work-'));
    try {
      const out = await bundleOut(client, name, commit, ws.base, force, tmp, { maxBytes, timeoutMs: this.limits.timeoutMs });
      if (out.kind === 'rewritten') throw rewritten();
      const staging = await Staging.create(ws.source, tmp, this.limits.timeoutMs);
      if (!(await staging.hasCommit(ws.base))) {
        throw new EnclaveError('conflict', `${ws.source} no longer has ${name}'s base commit ${ws.base.slice(0, 12)}; nothing was brought back.`);
      }
      await staging.importBundle(out.file, commit, name);
      // The bundle's commit is exactly what was reviewed: the reviewed tree, on the reviewed HEAD.
      const info = await staging.commitInfo(commit);
      const exact = info.tree === state.tree && (uncommitted ? info.parents.length === 1 && info.parents[0] === state.head : commit === state.head);
      if (!exact) throw new EnclaveError('conflict', `The commit ${name} handed out is not the work you reviewed; nothing was brought back.`);
      if (!(await staging.isAncestor(ws.base, commit)) && !force) throw rewritten();
      const { entries, truncated } = await staging.changedFiles(ws.base, commit, MAX_CHANGED_FILES);
      const result: BroughtBack = {
        agent: name,
        as: args.as,
        commit,
        base: ws.base,
        branch: null,
        replaced: null,
        committedInside: uncommitted,
        files: broughtBackFiles(entries),
        filesTruncated: truncated,
      };
      if (args.as === 'branch') {
        const { branch, replaced } = await fetchAsBranch(ws.source, staging, name, commit, force, this.limits.timeoutMs);
        return { ...result, branch, replaced };
      }
      const patch = join(tmp, 'work.patch');
      await staging.writePatch(ws.base, commit, patch);
      await applyPatch(ws.source, patch, this.limits.timeoutMs);
      return result;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/** The agent's workspace, when the gate can bring work back from it; a clear refusal otherwise. */
export function gateWorkspace(agent: Agent): { source: string; base: string } {
  const ws = agent.workspace;
  if (!ws) throw new EnclaveError('conflict', `${agent.name} has no workspace; there is nothing to bring back.`);
  if (ws.mode === 'mount') {
    throw new EnclaveError('conflict', `${agent.name}'s /workspace is your folder ${ws.source} itself (mounted): its changes are already there, there is nothing to bring back.`);
  }
  if (ws.kind === 'plain') throw new EnclaveError('conflict', `${agent.name}'s /workspace is a plain copy without git: there is no review gate to bring it back through.`);
  if (!ws.base) throw new EnclaveError('conflict', `${agent.name}'s workspace has no base commit; there is nothing to compare its work with.`);
  if (agent.status !== 'Running') throw new EnclaveError('conflict', `${agent.name} is ${agent.status.toLowerCase()}: start it to bring its work back.`);
  return { source: ws.source, base: ws.base };
}
