import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../../shared/errors.js';
import type { TerminalInfo, TerminalRollback, TerminalState } from '../../../shared/types.js';
import type { Pty } from '../../incus/pty.js';
import type { ClientLink } from '../client-link.js';
import { ByteRing } from './byte-ring.js';
import type { Disposable } from '../disposable.js';
import { TMUX_DETACHED } from '../agent-tmux.js';
import { FlowGate } from './flow.js';

export const SCROLLBACK_BYTES = 2 * 1024 * 1024;
export const FLOW_HIGH = 1024 * 1024;
export const FLOW_LOW = 256 * 1024;
/**
 * A window that keeps the output paused this long (over FLOW_HIGH behind, e.g. a stalled or
 * hidden tab) is detached, with a message, so the other windows' output goes on.
 */
export const STALL_DETACH_MS = 5_000;
export const STALLED_MESSAGE = 'This window fell behind the terminal\'s output and was detached so the other windows could go on; reattach to continue.';
/** Replayed scrollback goes out in pieces this size, like live output. */
const REPLAY_CHUNK = 64 * 1024;

interface SessionEvents {
  /** Its info changed (state, size, message). */
  changed: [];
}

/** Starts (or restarts) the program behind a session. */
export type Spawn = (cols: number, rows: number) => Promise<Pty>;

/**
 * One terminal: a PTY exec inside an agent, the bounded scrollback of its output, and the
 * renderer connections attached to it. Persistent sessions (tmux) survive the PTY: when it
 * drops or is killed they reconnect by themselves; others end with it.
 */
export class TerminalSession extends EventEmitter<SessionEvents> {
  readonly info: TerminalInfo;
  private pty: Pty | null = null;
  private readonly ring = new ByteRing(SCROLLBACK_BYTES);
  private readonly gate = new FlowGate(FLOW_HIGH, FLOW_LOW);
  /** Attached connections, each with its registration for when it goes away. */
  private readonly readers = new Map<string, { link: ClientLink; closed: Disposable }>();
  private closing = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 250;
  private connecting = false;
  private stallTimer: NodeJS.Timeout | null = null;
  /** A restore under way: the next PTY is the restored agent's, and the info says so. */
  private pendingRollback: TerminalRollback | null = null;

  constructor(
    info: Omit<TerminalInfo, 'state' | 'exitCode' | 'message'>,
    private readonly spawn: Spawn,
  ) {
    super();
    this.info = { ...info, state: 'connecting', exitCode: null, message: null, rolledBack: null };
  }

  get readerCount(): number {
    return this.readers.size;
  }

  private set(state: TerminalState, message: string | null = this.info.message): void {
    this.info.state = state;
    this.info.message = message;
    this.emit('changed');
  }

  /** Starts the program; for a persistent session a failure turns into retries. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.closing || this.info.state === 'exited') return;
    this.connecting = true;
    try {
      const pty = await this.spawn(this.info.cols, this.info.rows);
      if (this.closing) {
        pty.kill();
        return;
      }
      this.attachPty(pty);
      this.retryMs = 250;
      // In the same change as 'open', so windows hear of it before any output of the new PTY.
      if (this.pendingRollback) {
        this.info.rolledBack = this.pendingRollback;
        this.pendingRollback = null;
      }
      this.set('open', null);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!this.info.persistent) {
        this.end(null, message);
        throw err;
      }
      this.reconnectLater(message);
    } finally {
      this.connecting = false;
    }
  }

  private attachPty(pty: Pty): void {
    this.pty = pty;
    if (this.gate.isPaused) pty.pause();
    pty.on('data', (chunk) => this.output(chunk));
    pty.on('exit', (code) => {
      this.pty = null;
      if (this.closing) return;
      // A tmux client that ends cleanly means the tmux session itself ended (the user exited
      // its shell); one that detached leaves it running, so the tab attaches again at once.
      // Killed (e.g. the container stopped or was restored): reattach when it runs.
      if (this.info.persistent && code === TMUX_DETACHED) {
        this.retryMs = 0;
        this.reconnectLater('Detached from the agent\'s tmux session, which keeps running; attaching again (close the tab to leave it).');
      } else if (this.info.persistent && code !== 0) this.reconnectLater(`The terminal was cut off (exit ${code}); reattaching when the agent runs.`);
      else this.end(code, null);
    });
    pty.on('drop', (err) => {
      this.pty = null;
      if (this.closing) return;
      if (this.info.persistent) this.reconnectLater(`Disconnected from Incus (${err.message}); reconnecting.`);
      else this.end(null, `The connection to Incus was lost, which ended this shell (${err.message}).`);
    });
  }

  private output(chunk: Buffer): void {
    this.ring.push(chunk);
    for (const [id, { link }] of this.readers) {
      link.push('terminals.data', { id: this.info.id, data: chunk });
      if (this.gate.sent(id, chunk.length) === 'pause') this.paused();
    }
  }

  /** The gate paused the program: a window that does not catch up in time is let go. */
  private paused(delay = STALL_DETACH_MS): void {
    this.pty?.pause();
    if (this.stallTimer) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (!this.gate.isPaused) return;
      // This pause may have begun after the one that set the timer: give it its full time.
      const left = this.gate.pausedAt + STALL_DETACH_MS - Date.now();
      if (left > 0) {
        this.paused(left);
        return;
      }
      for (const id of this.gate.behindReaders()) {
        const reader = this.readers.get(id);
        if (!reader) continue;
        this.detach(id);
        reader.link.push('terminals.changed', { kind: 'upsert', terminal: { ...this.info, message: STALLED_MESSAGE } });
      }
    }, delay);
    this.stallTimer.unref?.();
  }

  private reconnectLater(message: string): void {
    if (this.closing) return;
    if (this.info.state !== 'reconnecting' || this.info.message !== message) this.set('reconnecting', message);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(Math.max(this.retryMs * 2, 250), 5_000);
  }

  /** The agent is about to be restored (and restarted): the next reattach carries `rollback`. */
  expectRollback(rollback: TerminalRollback): void {
    this.pendingRollback = rollback;
  }

  /** That restore failed: nothing restarted. */
  dropRollback(rollback: TerminalRollback): void {
    if (this.pendingRollback === rollback) this.pendingRollback = null;
  }

  /** Try to reattach now (Incus is back, or the agent runs again). */
  kick(): void {
    if (this.info.state !== 'reconnecting') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryMs = 250;
    void this.connect();
  }

  private end(exitCode: number | null, message: string | null): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.info.exitCode = exitCode;
    this.set('exited', message);
  }

  /** Attaches a connection: it gets the scrollback, then live output. */
  attach(link: ClientLink): void {
    if (!this.readers.has(link.id)) this.readers.set(link.id, { link, closed: link.onClose(() => this.detach(link.id)) });
    this.gate.add(link.id);
    const past = this.ring.replay();
    for (let at = 0; at < past.length; at += REPLAY_CHUNK) {
      const piece = past.subarray(at, Math.min(at + REPLAY_CHUNK, past.length));
      link.push('terminals.data', { id: this.info.id, data: piece });
      if (this.gate.sent(link.id, piece.length) === 'pause') this.paused();
    }
  }

  detach(clientId: string): void {
    const reader = this.readers.get(clientId);
    if (!reader) return;
    this.readers.delete(clientId);
    reader.closed.dispose();
    if (this.gate.remove(clientId) === 'resume') this.pty?.resume();
  }

  ack(clientId: string, bytes: number): void {
    if (this.gate.acked(clientId, bytes) === 'resume') this.pty?.resume();
  }

  input(bytes: Uint8Array): void {
    if (this.info.state !== 'open' || !this.pty) {
      const why = this.info.state === 'exited' ? 'has ended' : `is ${this.info.state}`;
      throw new EnclaveError('unavailable', `Terminal ${this.info.title} ${why}: the input was not sent.`);
    }
    this.pty.write(bytes);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.info.cols && rows === this.info.rows) return;
    this.info.cols = cols;
    this.info.rows = rows;
    this.pty?.resize(cols, rows);
    this.emit('changed');
  }

  /** Ends the session: a shell is hung up, a tmux client detached (the agent keeps running). */
  close(): void {
    this.closing = true;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.pty) {
      if (this.info.persistent) this.pty.kill();
      else this.pty.hangup();
      this.pty = null;
    }
    for (const { closed } of this.readers.values()) closed.dispose();
    this.readers.clear();
  }
}
