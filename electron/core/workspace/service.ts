import type { z } from 'zod';
import type { Requests } from '../../../shared/api.js';
import { EnclaveError } from '../../../shared/errors.js';
import type { AgentChangeResult } from '../../../shared/types.js';
import type {
  AgentWorkspace,
  BroughtBack,
  FileDiff,
  WorkspaceChanges,
  WorkspaceComparison,
  WorkspaceInspection,
  WorkspaceRequest,
} from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { AgentLocks } from '../agent-locks.js';
import type { AgentService } from '../agents.js';
import type { Connection } from '../connection.js';
import { ChangesService } from './changes-service.js';
import { allowHostDisks, attachMount, mountedFolders, mountInspection, planMount } from './mount.js';
import { ReviewGate } from './gate.js';

type Args<K extends keyof Requests> = z.output<Requests[K]['args']>;

/** What the workspace needs of the rest of the backend, each given apart. */
export interface WorkspaceDeps {
  agents: AgentService;
  locks: AgentLocks;
  activity: ActivityLog;
}

/**
 * What an agent with a workspace is made with, decided before the instance exists (so a
 * project that cannot come in is refused before anything is created).
 */
export interface WorkspacePlan {
  request: WorkspaceRequest;
  inspection: WorkspaceInspection;
  /** Its user.enclave.workspace.* keys (without the prefix). */
  workspace: AgentWorkspace;
  /** Disk devices the instance carries (mount mode); none for a copy. */
  devices: Record<string, Record<string, string>>;
  /** What the user should know of how it came in (e.g. a folder Enclave created on the host). */
  notes?: string[];
}

function notYet(what: string): never {
  throw new EnclaveError('internal', `${what} is not built yet.`);
}

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

  inspect(_args: Args<'workspace.inspect'>): Promise<WorkspaceInspection> {
    return notYet('Inspecting a project');
  }

  /** Checks a request for a new agent named `agent` with root disk `disk` ('' = unlimited) and says what it is made with. */
  async plan(agent: string, request: WorkspaceRequest, _disk: string): Promise<WorkspacePlan> {
    if (request.mode === 'mount') {
      const client = this.connection.requireClient();
      const plan = await planMount(agent, request, await mountInspection(client, request.path), await mountedFolders(this.deps));
      await allowHostDisks(client);
      return plan;
    }
    return notYet('Bringing a project in');
  }

  /** After the agent started and before its session starts: copies the project in (copy mode). */
  populate(_client: IncusClient, _agent: string, plan: WorkspacePlan, _progress: (detail: string) => void): Promise<void> {
    if (plan.workspace.mode === 'mount') return Promise.resolve(); // its devices are the whole of it
    return notYet('Copying a project in');
  }

  attach(args: Args<'workspace.attach'>): Promise<AgentChangeResult> {
    if (args.workspace.mode === 'mount') return attachMount(this.connection.requireClient(), this.deps, args.agent, args.workspace);
    return notYet('Bringing a project into an agent');
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
