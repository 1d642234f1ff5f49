import type { z } from 'zod';
import type { Requests } from '../../../shared/api.js';
import type { AgentChangeResult } from '../../../shared/types.js';
import type {
  BroughtBack,
  FileDiff,
  WorkspaceChanges,
  WorkspaceComparison,
  WorkspaceInspection,
  WorkspaceRequest,
} from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import type { Connection } from '../connection.js';
import type { WorkspaceDeps, WorkspacePlan } from './plan.js';
import { ChangesService } from './changes-service.js';
import { allowHostDisks, attachMount, mountedFolders, mountInspection, planMount, populateMount } from './mount.js';
import { ReviewGate } from './gate.js';
import { attachCopy } from './attach-copy.js';
import { planCopy, populateNewAgent } from './copy-plan.js';
import { inspectFolder } from './inspect.js';
import { mountSupport } from './mount-support.js';

type Args<K extends keyof Requests> = z.output<Requests[K]['args']>;

/**
 * The user's project inside agents and the review gate back out. Copy-in, mount, the
 * changes reader and the gate live in modules of their own; this is where the backend
 * reaches them.
 */
export class WorkspaceService {
  /** The changes reader (changes, fileDiff, compare). */
  readonly reading: ChangesService;
  readonly gate: ReviewGate;

  constructor(
    readonly connection: Connection,
    readonly deps: WorkspaceDeps,
  ) {
    this.reading = new ChangesService(connection, deps.agents);
    this.gate = new ReviewGate(deps, () => connection.requireClient());
  }

  async inspect(args: Args<'workspace.inspect'>): Promise<WorkspaceInspection> {
    const client = this.connection.requireClient();
    return (await inspectFolder(args.path, args.disk || undefined, (root) => mountSupport(root, client))).inspection;
  }

  /** Checks a request for a new agent named `agent` with root disk `disk` ('' = unlimited) and says what it is made with. */
  async plan(agent: string, request: WorkspaceRequest, disk: string): Promise<WorkspacePlan> {
    if (request.mode === 'copy') return planCopy(agent, request, disk);
    const client = this.connection.requireClient();
    const plan = await planMount(agent, request, await mountInspection(client, request.path), mountedFolders(this.deps));
    await allowHostDisks(client);
    return plan;
  }

  /** After the agent started and before its session starts: copies the project in (copy), or makes the folder owner's user inside (mount). */
  async populate(client: IncusClient, agent: string, plan: WorkspacePlan, progress: (detail: string) => void): Promise<void> {
    if (plan.request.mode === 'copy') await populateNewAgent(client, this.deps.activity, agent, plan, progress);
    else await populateMount(client, agent, plan, progress);
  }

  attach(args: Args<'workspace.attach'>): Promise<AgentChangeResult> {
    const client = this.connection.requireClient();
    if (args.workspace.mode === 'mount') return attachMount(client, this.deps, args.agent, args.workspace);
    return attachCopy(client, this.deps, args.agent, args.workspace);
  }

  changes(agent: string): Promise<WorkspaceChanges> {
    return this.reading.changes(agent);
  }

  fileDiff(args: Args<'workspace.fileDiff'>): Promise<FileDiff> {
    return this.reading.fileDiff(args);
  }

  compare(args: Args<'workspace.compare'>): Promise<WorkspaceComparison> {
    return this.reading.compare(args);
  }

  fetch(args: Args<'workspace.fetch'>): Promise<BroughtBack> {
    return this.gate.fetch(args);
  }
}
