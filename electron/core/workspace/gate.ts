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
import { commitInside, headNow } from './commit-inside.js';
import { fetchAsBranch } from './host-branch.js';
import { broughtBackFiles } from './name-status.js';
import { Staging } from './staging.js';
import { readWorkState, type WorkState } from './work-state.js';

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
    let agent: Agent;
    try {
      agent = await this.deps.agents.get(args.agent);
    } catch (err) {
      this.inFlight.delete(args.agent);
      throw err;
    }
    try {
      const result = await this.bringBack(agent, args);
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

  private async bringBack(agent: Agent, args: FetchArgs): Promise<BroughtBack> {
    const { agent: name, force = false } = args;
    const ws = gateWorkspace(agent);
    const client = this.client();
    // The work state and HEAD as it is now, side by side (two commands inside, at once).
    const [state, now] = await Promise.all([readWorkState(client, name), headNow(client, name).catch(() => null)]);
    if (state === 'missing') throw new EnclaveError('conflict', `${name}'s /workspace or its repository is gone; there is nothing to bring back.`);
    const changed = new EnclaveError('conflict', `The work in ${name} changed since you reviewed it: look at the changes again.`);
    if (state.fingerprint !== args.reviewed) throw changed;
    if (args.head !== undefined && args.head !== state.head) throw changed;
    if (!state.head) throw new EnclaveError('conflict', `${name}'s repository has no commit; there is nothing to bring back.`);
    if (now?.head !== state.head) throw changed;

    let commit = state.head;
    const uncommitted = now.tree !== state.tree;
    if (uncommitted) {
      const problem = args.message === undefined ? 'The work has uncommitted changes: give a commit message for them.' : commitMessageProblem(args.message);
      if (problem) throw new EnclaveError('invalid-arguments', `message: ${problem}`);
      commit = await commitInside(client, name, state.tree, state.head, args.message ?? '');
    }
    if (commit === ws.base) throw new EnclaveError('conflict', `${name} has changed nothing since its base ${ws.base.slice(0, 12)}; there is nothing to bring back.`);

    const disk = sizeBytes(agent.limits.disk);
    const maxBytes = Number.isFinite(disk) && disk > 0 ? Math.min(disk, this.limits.maxBundleBytes) : this.limits.maxBundleBytes;
    const work: Work = { agent: name, source: ws.source, base: ws.base, commit, state: { ...state, head: state.head }, uncommitted, force };
    const tmp = await mkdtemp(join(tmpdir(), 'enclave-gate-work-'));
    const pending: Promise<unknown>[] = [];
    try {
      // The bundle is made inside while the staging repository is made on the host.
      const making = bundleOut(client, name, commit, ws.base, force, tmp, { maxBytes, timeoutMs: this.limits.timeoutMs });
      const staging = Staging.create(ws.source, tmp, this.limits.timeoutMs).then(async (s) => {
        if (!(await s.hasCommit(ws.base))) {
          throw new EnclaveError('conflict', `${ws.source} no longer has ${name}'s base commit ${ws.base.slice(0, 12)}; nothing was brought back.`);
        }
        return s;
      });
      pending.push(making, staging);
      const out = await making;
      if (out.kind === 'rewritten') throw rewritten(work);
      pending.push(out.removed);
      return await this.bringIn(args.as, work, await staging, out.file, tmp);
    } finally {
      await Promise.allSettled(pending);
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** On the host: checks the bundle in the staging repository, then brings it into the user's repository (branch) or working tree (patch). */
  private async bringIn(as: BroughtBack['as'], work: Work, staging: Staging, bundle: string, tmp: string): Promise<BroughtBack> {
    const { agent, commit, base, source, state } = work;
    await staging.importBundle(bundle, commit, agent);
    const [info, descends, { entries, truncated }] = await Promise.all([
      staging.commitInfo(commit),
      staging.isAncestor(base, commit),
      staging.changedFiles(base, commit, MAX_CHANGED_FILES),
    ]);
    // The bundle's commit is exactly what was reviewed: the reviewed tree, on the reviewed HEAD.
    const exact = info.tree === state.tree && (work.uncommitted ? info.parents.length === 1 && info.parents[0] === state.head : commit === state.head);
    if (!exact) throw new EnclaveError('conflict', `The commit ${agent} handed out is not the work you reviewed; nothing was brought back.`);
    if (!work.force && !descends) throw rewritten(work);
    const result: BroughtBack = {
      agent,
      as,
      commit,
      base,
      branch: null,
      replaced: null,
      committedInside: work.uncommitted,
      files: broughtBackFiles(entries),
      filesTruncated: truncated,
    };
    if (as === 'branch') {
      const { branch, replaced } = await fetchAsBranch(source, staging, agent, commit, work.force, this.limits.timeoutMs);
      return { ...result, branch, replaced };
    }
    if (!entries.length) throw new EnclaveError('conflict', `${agent}'s work changes no file against its base ${base.slice(0, 12)}: there is no patch to apply.`);
    const patch = join(tmp, 'work.patch');
    await staging.writePatch(base, commit, patch);
    await applyPatch(source, patch, this.limits.timeoutMs);
    return result;
  }
}

/** What one fetch brings back, once the commit is known. */
interface Work {
  agent: string;
  source: string;
  base: string;
  commit: string;
  state: WorkState & { head: string };
  uncommitted: boolean;
  force: boolean;
}

function rewritten(w: Work): EnclaveError {
  return new EnclaveError(
    'conflict',
    `${w.agent} rewrote its history: its work ${w.commit.slice(0, 12)} no longer contains the base ${w.base.slice(0, 12)} it started from. Nothing is fetched silently: look at it, then bring it back with force.`,
  );
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
