import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../../shared/errors.js';
import type { TerminalInfo, TerminalKind, TerminalsChange } from '../../../shared/types.js';
import { Pty } from '../../incus/pty.js';
import { AgentSessionError, agentWorkdir, ensureAgentSession, tmuxAttachCommand } from '../agent-tmux.js';
import { ensureSessionUser, execAs, sessionEnv, sessionUser } from '../session-user.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { CallContext, ClientLink } from '../client-link.js';
import type { Connection } from '../connection.js';
import type { Disposable } from '../disposable.js';
import { TerminalSession } from './session.js';

export const NO_TMUX_NOTICE =
  'This image has no tmux, so this terminal is not persistent: what runs in it ends when the terminal closes or the connection drops.';
/** A session no window has looked at for this long is ended (a tmux client only detaches). */
const IDLE_CLOSE_MS = 30 * 60_000;

const LOGIN_SHELL = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

interface TerminalServiceEvents {
  changed: [TerminalsChange];
}

/**
 * Terminal sessions inside agents. Sessions belong to the backend, not to a window: a window
 * that reloads lists them and attaches again, getting the recent output first.
 */
export class TerminalService extends EventEmitter<TerminalServiceEvents> {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  /** Per session, per window: the registration that checks for idleness when the window goes. */
  private readonly idleWatches = new Map<string, Map<string, Disposable>>();
  private shellCounter = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly agents: Pick<AgentMirror, 'get' | 'on'>,
  ) {
    super();
    connection.on('ready', () => this.kickAll(() => true));
    agents.on('changed', (change) => {
      // A resync (after any reconnect) is the only news of agents deleted meanwhile.
      if (change.kind === 'reset') {
        const present = new Set(change.agents.map((a) => a.name));
        this.closeWhere((s) => !present.has(s.info.agent));
      }
      if (change.kind === 'upsert' && change.agent.status === 'Running') this.kickAll((s) => s.info.agent === change.agent.name);
      if (change.kind === 'removed') this.closeWhere((s) => s.info.agent === change.name);
    });
  }

  /**
   * A restore of `agent` to `snapshot` is about to restart it: each of its terminals says so
   * when it reattaches. Returns how to take that back when the restore fails.
   */
  expectRollback(agent: string, snapshot: string): () => void {
    const rollback = { snapshot, at: new Date().toISOString() };
    const affected = [...this.sessions.values()].filter((s) => s.info.agent === agent);
    for (const session of affected) session.expectRollback(rollback);
    return () => {
      for (const session of affected) session.dropRollback(rollback);
    };
  }

  list(): TerminalInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s.info }));
  }

  async open(args: { agent: string; kind: TerminalKind; cols: number; rows: number }, ctx: CallContext): Promise<TerminalInfo> {
    const client = requireLink(ctx);
    const incus = this.connection.requireClient();
    const agent = await this.agents.get(args.agent);
    if (agent.status !== 'Running') {
      const fix = agent.status === 'Frozen' ? 'unfreeze' : 'start';
      throw new EnclaveError('conflict', `${args.agent} is ${agent.status.toLowerCase()}: ${fix} it to open a terminal.`);
    }
    const cwd = agentWorkdir(agent);
    // The same user as the agent's session (sessionUser): tmux's server is per uid.
    const user = sessionUser(agent);
    let persistent = false;
    let command = LOGIN_SHELL;
    if (args.kind === 'shell' && user) await ensureSessionUser(incus, args.agent, user);
    if (args.kind === 'agent') {
      persistent = await ensureAgentSession(incus, args.agent, cwd, undefined, user).catch((err: unknown) => {
        // The agent's doing, said in Enclave's words only (what it printed is not repeated here).
        if (err instanceof AgentSessionError) {
          throw new EnclaveError('unavailable', `Could not open the terminal of ${args.agent}: its tmux session did not start (${err.reason}).`);
        }
        throw err;
      });
      if (persistent) command = tmuxAttachCommand(cwd);
    }
    const n = args.kind === 'shell' ? (this.shellCounter.get(args.agent) ?? 0) + 1 : 0;
    if (args.kind === 'shell') this.shellCounter.set(args.agent, n);
    const session = new TerminalSession(
      {
        id: randomUUID(),
        agent: args.agent,
        kind: args.kind,
        title: args.kind === 'agent' ? `${args.agent}` : `${args.agent} · shell ${n}`,
        persistent,
        notice: args.kind === 'agent' && !persistent ? NO_TMUX_NOTICE : null,
        cols: args.cols,
        rows: args.rows,
        createdAt: new Date().toISOString(),
      },
      (cols, rows) =>
        Pty.open(this.connection.requireClient(), args.agent, { command, cols, rows, ...execAs(user), cwd, environment: sessionEnv(user) }),
    );
    this.sessions.set(session.info.id, session);
    session.on('changed', () => this.emit('changed', { kind: 'upsert', terminal: { ...session.info } }));
    session.attach(client);
    this.watchIdle(session, client);
    try {
      await session.start();
    } catch (err) {
      this.forget(session.info.id);
      throw err;
    }
    return { ...session.info };
  }

  attach(args: { id: string }, ctx: CallContext): TerminalInfo {
    const client = requireLink(ctx);
    const session = this.require(args.id);
    session.attach(client);
    this.watchIdle(session, client);
    return { ...session.info };
  }

  detach(args: { id: string }, ctx: CallContext): void {
    const session = this.require(args.id);
    session.detach(requireLink(ctx).id);
    this.checkIdle(session);
  }

  input(args: { id: string; data: Uint8Array }): void {
    this.require(args.id).input(args.data);
  }

  resize(args: { id: string; cols: number; rows: number }): void {
    this.require(args.id).resize(args.cols, args.rows);
  }

  ack(args: { id: string; bytes: number }, ctx: CallContext): void {
    this.sessions.get(args.id)?.ack(requireLink(ctx).id, args.bytes);
  }

  close(args: { id: string }): void {
    this.require(args.id);
    this.forget(args.id);
  }

  closeAll(): void {
    this.closeWhere(() => true);
  }

  private require(id: string): TerminalSession {
    const session = this.sessions.get(id);
    if (!session) throw new EnclaveError('not-found', `No terminal with id ${id}: it was closed, or the backend restarted.`);
    return session;
  }

  private forget(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    session.close();
    session.removeAllListeners();
    this.sessions.delete(id);
    clearTimeout(this.idleTimers.get(id));
    this.idleTimers.delete(id);
    for (const watch of this.idleWatches.get(id)?.values() ?? []) watch.dispose();
    this.idleWatches.delete(id);
    this.emit('changed', { kind: 'removed', id });
  }

  private closeWhere(match: (s: TerminalSession) => boolean): void {
    for (const s of [...this.sessions.values()]) if (match(s)) this.forget(s.info.id);
  }

  private kickAll(match: (s: TerminalSession) => boolean): void {
    for (const s of this.sessions.values()) if (match(s)) s.kick();
  }

  private watchIdle(session: TerminalSession, client: ClientLink): void {
    const id = session.info.id;
    clearTimeout(this.idleTimers.get(id));
    this.idleTimers.delete(id);
    const watches = this.idleWatches.get(id) ?? new Map<string, Disposable>();
    this.idleWatches.set(id, watches);
    if (watches.has(client.id)) return;
    watches.set(
      client.id,
      client.onClose(() => {
        watches.delete(client.id);
        this.checkIdle(session);
      }),
    );
  }

  private checkIdle(session: TerminalSession): void {
    if (session.readerCount > 0 || !this.sessions.has(session.info.id)) return;
    clearTimeout(this.idleTimers.get(session.info.id));
    const timer = setTimeout(() => this.forget(session.info.id), IDLE_CLOSE_MS);
    timer.unref();
    this.idleTimers.set(session.info.id, timer);
  }
}

function requireLink(ctx: CallContext): ClientLink {
  if (!ctx.client) throw new EnclaveError('internal', 'Terminals need a connected window to send their output to.');
  return ctx.client;
}
