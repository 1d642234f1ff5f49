import { EnclaveError } from '../../../shared/errors.js';
import type { Agent, AgentsChange } from '../../../shared/types.js';
import { WORKSPACE_PATH, type AgentWorkspace, type FileDiff, type WorkspaceChanges, type WorkspaceComparison } from '../../../shared/workspace.js';
import { pathBytes, workspacePath } from '../../../shared/workspace-paths.js';
import type { IncusClient } from '../../incus/client.js';
import { ExecLimitError } from '../../incus/exec.js';
import { pathKey } from './change-parse.js';
import { LIST_BOUNDS, readChanges, type ChangesRead, type ReadBounds } from './changes-reader.js';
import { compareEntries } from './compare.js';
import { readSides } from './file-diff.js';
import { pathChanges, type PathChange, type Version } from './versions.js';
import { readWorkState, reviewGitEnv, type WorkState } from './work-state.js';

/** What the changes reader needs of the agents: one agent, and word when one goes. */
export interface AgentSource {
  get(name: string): Promise<Agent>;
  on(event: 'changed', listener: (change: AgentsChange) => void): unknown;
}

export interface ClientSource {
  requireClient(): IncusClient;
}

/** At most this many agents' reads are kept (one each, the newest). */
const MAX_CACHED_AGENTS = 64;

type Readable = { agent: Agent; workspace: AgentWorkspace; read: ChangesRead };

function empty(agent: string, workspace: AgentWorkspace | null, state: WorkspaceChanges['state'], message: string): WorkspaceChanges {
  return {
    agent,
    state,
    mode: workspace?.mode ?? null,
    base: workspace?.base ?? null,
    head: null,
    branch: workspace?.branch ?? null,
    commits: [],
    files: [],
    truncated: false,
    uncommittedFiles: 0,
    fingerprint: '',
    readAt: Date.now(),
    message,
  };
}

/** The exact bytes a path id names (shared pathBytes), refused in Enclave's words at the boundary. */
function idBytes(id: string): Buffer {
  try {
    return Buffer.from(pathBytes(id));
  } catch (err) {
    throw new EnclaveError('invalid-arguments', err instanceof Error ? err.message : String(err));
  }
}

/**
 * workspace.changes, fileDiff and compare: an agent's work read from inside it.
 *
 * Each call reads the work state (HEAD and the tree of the working tree: cheap, git rehashes
 * only files whose stat changed). When that, the base and the mode are what the last read saw,
 * the answer is that read's, listing nothing again: its `readAt` is when the files were last
 * listed (the work has not changed since then), not when the call came. fileDiff and compare
 * use the same read's raw entries, so they never list the files themselves.
 */
export class ChangesService {
  private readonly cache = new Map<string, { key: string; read: ChangesRead }>();
  /** The read under way per agent: a call that wants the same read waits for it rather than making another. */
  private readonly inflight = new Map<string, { key: string; read: Promise<ChangesRead> }>();
  /** How a read is made, and the work state (replaceable so tests can count and fake them). */
  reader: typeof readChanges = readChanges;
  workState: typeof readWorkState = readWorkState;
  /** The bounds of one read's listing commands. */
  bounds: ReadBounds = LIST_BOUNDS;

  constructor(
    private readonly connection: ClientSource,
    private readonly agents: AgentSource,
  ) {
    agents.on('changed', (change) => {
      if (change.kind === 'removed') this.forget(change.name);
      if (change.kind === 'reset') {
        const names = new Set(change.agents.map((a) => a.name));
        for (const name of [...this.cache.keys(), ...this.inflight.keys()]) if (!names.has(name)) this.forget(name);
      }
    });
  }

  private forget(name: string): void {
    this.cache.delete(name);
    this.inflight.delete(name);
  }

  async changes(name: string): Promise<WorkspaceChanges> {
    const current = await this.current(name);
    return 'read' in current ? current.read.changes : current;
  }

  /** The agent's current read, or the answer that says why there is none. */
  private async current(name: string): Promise<Readable | WorkspaceChanges> {
    const agent = await this.agents.get(name);
    const ws = agent.workspace;
    if (!ws) return empty(name, null, 'no-workspace', `${name} has no workspace.`);
    if (agent.status !== 'Running') {
      const how = agent.status === 'Frozen' ? 'frozen' : 'not running';
      return empty(name, ws, 'stopped', `${name} is ${how}: its changes are read from inside it, so start it to see them.`);
    }
    if (ws.kind === 'plain') {
      return empty(name, ws, 'plain', `${name}'s workspace is a plain copy of the files (no git repository): there is no base to compare with and no review gate.`);
    }
    const client = this.connection.requireClient();
    const state = await this.readState(client, name, ws);
    if (state === 'missing') {
      this.forget(name);
      return empty(name, ws, 'missing', `${WORKSPACE_PATH} or its git repository is gone from ${name}: nothing can be brought back.`);
    }
    const key = `${ws.mode}\0${ws.base ?? ''}\0${ws.branch ?? ''}\0${state.fingerprint}`;
    const cached = this.cache.get(name);
    if (cached?.key === key) return { agent, workspace: ws, read: cached.read };
    return { agent, workspace: ws, read: await this.read(client, name, ws, state, key) };
  }

  /** Lists the work once per key; only the newest read started for an agent is kept. */
  private read(client: IncusClient, name: string, ws: AgentWorkspace, state: WorkState, key: string): Promise<ChangesRead> {
    const flying = this.inflight.get(name);
    if (flying?.key === key) return flying.read;
    // The read checks, once done, whether it is still the newest: it needs its own entry, made first.
    const mine = { key } as { key: string; read: Promise<ChangesRead> };
    mine.read = (async () => {
      const done = await this.reader(client, name, ws, state, this.bounds);
      done.changes.readAt = Date.now();
      if (this.inflight.get(name) === mine) {
        this.cache.delete(name);
        this.cache.set(name, { key, read: done });
        if (this.cache.size > MAX_CACHED_AGENTS) this.cache.delete(this.cache.keys().next().value as string);
      }
      return done;
    })();
    this.inflight.set(name, mine);
    const settle = () => {
      if (this.inflight.get(name) === mine) this.inflight.delete(name);
    };
    mine.read.then(settle, settle);
    return mine.read;
  }

  /** The work state, its bounds crossed said in Enclave's words. */
  private async readState(client: IncusClient, name: string, ws: AgentWorkspace): Promise<WorkState | 'missing'> {
    try {
      return await this.workState(client, name, ws);
    } catch (err) {
      if (!(err instanceof ExecLimitError)) throw err;
      const why = err.limit === 'timeout' ? 'did not answer in time' : 'printed far more than a commit and a tree';
      throw new EnclaveError('unavailable', `Reading the work in ${name} failed: its git ${why} and was stopped.`);
    }
  }

  /** The agent's read; refused with the reason when its work cannot be read. */
  private async readable(name: string): Promise<Readable> {
    const current = await this.current(name);
    if ('read' in current) return current;
    throw new EnclaveError('conflict', current.message ?? `${name}'s work cannot be read.`);
  }

  async fileDiff(args: { agent: string; id: string; from?: string | undefined; against?: string | undefined }): Promise<FileDiff> {
    const path = idBytes(args.id);
    const key = pathKey(path);
    if (args.against === args.agent) throw new EnclaveError('invalid-arguments', 'Compare an agent with another one.');
    const client = this.connection.requireClient();
    const mine = await this.readable(args.agent);
    const shown = workspacePath(path).path;
    const binary = (r: Readable, change: PathChange | undefined) => Boolean(change && r.read.counts.get(pathKey(change.entry.path))?.binary);

    if (!args.against) {
      const change = pathChanges(mine.read.entries).get(key);
      if (!change || change.movedAway) {
        const why = mine.read.changes.truncated ? `the list holds only the first ${mine.read.entries.length}` : 'the list may have changed: read it again';
        throw new EnclaveError('not-found', `${shown} is not among the files ${args.agent} changed (${why}).`);
      }
      if (args.from !== undefined && !(change.entry.from && pathKey(change.entry.from) === pathKey(idBytes(args.from)))) {
        throw new EnclaveError('not-found', `${args.agent} did not rename ${shown} from that path (the list may have changed: read it again).`);
      }
      const hint = binary(mine, change);
      const [oldSide, newSide] = await readSides(
        client,
        args.agent,
        [
          { version: change.entry.oldBlob ? { blob: change.entry.oldBlob, mode: change.entry.oldMode } : null, binary: hint },
          { version: change.now, binary: hint },
        ],
        reviewGitEnv(mine.workspace),
      );
      return { path: shown, id: args.id, old: oldSide as FileDiff['old'], new: newSide as FileDiff['new'] };
    }

    const theirs = await this.readable(args.against);
    if (!theirs.workspace.base || theirs.workspace.base !== mine.workspace.base) {
      throw new EnclaveError('conflict', `${args.agent} and ${args.against} did not start from the same base commit: their files cannot be compared.`);
    }
    const a = pathChanges(mine.read.entries).get(key);
    const b = pathChanges(theirs.read.entries).get(key);
    if (!a && !b) throw new EnclaveError('not-found', `Neither ${args.agent} nor ${args.against} changed ${shown}.`);
    // An agent that left the file alone has the base's version, which the other's entry knows.
    const base: Version = (a ?? b)?.before ?? null;
    const [[oldSide], [newSide]] = await Promise.all([
      readSides(client, args.agent, [{ version: a ? a.now : base, binary: binary(mine, a) }], reviewGitEnv(mine.workspace)),
      readSides(client, args.against, [{ version: b ? b.now : base, binary: binary(theirs, b) }], reviewGitEnv(theirs.workspace)),
    ]);
    return { path: shown, id: args.id, old: oldSide as FileDiff['old'], new: newSide as FileDiff['new'] };
  }

  async compare(args: { a: string; b: string }): Promise<WorkspaceComparison> {
    if (args.a === args.b) throw new EnclaveError('invalid-arguments', 'Compare an agent with another one.');
    const [agentA, agentB] = await Promise.all([this.agents.get(args.a), this.agents.get(args.b)]);
    const baseA = agentA.workspace?.kind === 'git' ? agentA.workspace.base : null;
    const baseB = agentB.workspace?.kind === 'git' ? agentB.workspace.base : null;
    if (!baseA || baseA !== baseB) return { a: args.a, b: args.b, base: null, sameBase: false, files: [], truncated: false };
    const [ra, rb] = await Promise.all([this.readable(args.a), this.readable(args.b)]);
    const { files, truncated } = compareEntries(ra.read.entries, rb.read.entries);
    return { a: args.a, b: args.b, base: baseA, sameBase: true, files, truncated: truncated || ra.read.changes.truncated || rb.read.changes.truncated };
  }
}
