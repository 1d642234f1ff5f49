import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { IncusClient } from './client.js';
import { IncusError, classifyConnectError } from './errors.js';
import { operationSocket } from './operation-socket.js';
import { cancelOperation, operationId, waitOperation, type Operation } from './operations.js';

export interface PtyOptions {
  command: string[];
  cols: number;
  rows: number;
  environment?: Record<string, string>;
  cwd?: string;
  user?: number;
  group?: number;
}

/** The largest frame accepted from Incus on a PTY's sockets. */
const PTY_MAX_FRAME = 1024 * 1024;

interface PtyEvents {
  /** Output bytes, exactly as Incus sent them. */
  data: [Buffer];
  /** The command ended and all its output arrived. */
  exit: [number];
  /** The link to Incus broke before the command ended (daemon restart, lost socket). */
  drop: [Error];
}

interface ExecMetadata {
  fds?: Record<string, string>;
  return?: number;
}

/**
 * An interactive exec: one PTY stream ("0", both directions) and the control socket. Uses the
 * `ws` package rather than undici's WebSocket because it can pause reading: paused, the
 * socket's buffers fill, incusd stops reading the PTY, and the program blocks on its writes.
 * That is the first hop of the terminal's flow control.
 */
export class Pty extends EventEmitter<PtyEvents> {
  private ended = false;
  private outputDone = false;
  private exitCode: number | null = null;
  private dropTimer: NodeJS.Timeout | null = null;
  /**
   * Output that arrived before anyone listened: the data socket can open (and the prompt
   * arrive) before the control socket does, i.e. before open() has even returned.
   */
  private early: Buffer[] | null = [];

  private constructor(
    private readonly client: IncusClient,
    readonly operation: string,
    private readonly data: WebSocket,
    private readonly control: WebSocket,
  ) {
    super();
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event !== 'data' || !this.early) return;
      const early = this.early;
      this.early = null;
      // After the listener is in place; a microtask runs before any further socket I/O, so
      // later output cannot overtake it.
      queueMicrotask(() => early.forEach((chunk) => this.emit('data', chunk)));
    });
  }

  /** Starts the command and resolves once both sockets are open. */
  static async open(client: IncusClient, instance: string, opts: PtyOptions): Promise<Pty> {
    const { envelope } = await client.call<Operation<ExecMetadata>>(
      'POST',
      `/1.0/instances/${encodeURIComponent(instance)}/exec`,
      {
        body: {
          command: opts.command,
          environment: { TERM: 'xterm-256color', LANG: 'C.UTF-8', ...opts.environment },
          interactive: true,
          'wait-for-websocket': true,
          'record-output': false,
          width: opts.cols,
          height: opts.rows,
          ...(opts.cwd ? { cwd: opts.cwd } : {}),
          ...(opts.user !== undefined ? { user: opts.user } : {}),
          ...(opts.group !== undefined ? { group: opts.group } : {}),
        },
      },
    );
    if (!envelope.operation) throw new IncusError('exec did not start an operation', 500);
    const op = operationId(envelope.operation);
    const fds = envelope.metadata.metadata?.fds;
    if (!fds?.['0'] || !fds.control) throw new IncusError('exec answered without its websockets', 500);
    // Incus sends PTY output in small frames; a bound keeps one odd frame from being buffered whole.
    const data = operationSocket(client, op, fds['0'], { maxPayload: PTY_MAX_FRAME });
    const control = operationSocket(client, op, fds.control, { maxPayload: PTY_MAX_FRAME });
    const pty = new Pty(client, op, data, control);
    pty.wire();
    try {
      await Promise.all([opened(data), opened(control)]);
    } catch (err) {
      pty.kill();
      await cancelOperation(client, op).catch(() => undefined);
      throw classifyConnectError(err, client.address) ?? err;
    }
    pty.waitForExit();
    return pty;
  }

  private wire(): void {
    this.data.on('message', (chunk: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (!chunk.length) return;
        if (this.early) this.early.push(chunk);
        else this.emit('data', chunk);
        return;
      }
      // A text frame is the end-of-stream barrier: the command is gone. Incus finishes the
      // operation (and reports the exit code) only once the client closes its side.
      this.outputDone = true;
      this.closeStreams();
      this.maybeExit();
    });
    // Incus closes the sockets when the command ends, sometimes before the output barrier:
    // only the operation knows whether it ended or the link broke, so ask it, within limits.
    const closed = (why: string) => () => {
      if (this.ended || this.dropTimer) return;
      this.dropTimer = setTimeout(() => {
        if (this.ended) return;
        this.finish();
        this.emit('drop', new Error(why));
      }, 5_000);
      this.dropTimer.unref();
    };
    this.data.on('close', closed('the terminal stream from Incus closed'));
    this.control.on('close', closed('the control stream from Incus closed'));
    this.data.on('error', () => undefined);
    this.control.on('error', () => undefined);
  }

  private closeStreams(): void {
    for (const ws of [this.data, this.control]) if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  }

  private waitForExit(): void {
    waitOperation<ExecMetadata>(this.client, this.operation)
      .then((op) => {
        this.exitCode = op.metadata?.return ?? -1;
        // Output normally drains first; if the barrier never comes, do not wait on it forever.
        const socketsGone = this.data.readyState === WebSocket.CLOSED;
        setTimeout(() => {
          this.outputDone = true;
          this.maybeExit();
        }, socketsGone ? 0 : 2_000).unref();
        this.maybeExit();
      })
      .catch((err: unknown) => {
        if (this.ended) return;
        this.finish();
        this.emit('drop', err instanceof Error ? err : new Error(String(err)));
      });
  }

  private maybeExit(): void {
    if (this.ended || !this.outputDone || this.exitCode === null) return;
    this.finish();
    this.emit('exit', this.exitCode);
  }

  private finish(): void {
    this.ended = true;
    if (this.dropTimer) clearTimeout(this.dropTimer);
    for (const ws of [this.data, this.control]) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    }
  }

  get running(): boolean {
    return !this.ended;
  }

  write(bytes: Uint8Array): void {
    if (this.ended) throw new Error('the terminal has ended');
    this.data.send(bytes, { binary: true });
  }

  resize(cols: number, rows: number): void {
    if (this.ended) return;
    // Incus wants the numbers as strings.
    this.control.send(JSON.stringify({ command: 'window-resize', args: { width: String(cols), height: String(rows) } }));
  }

  signal(signal: number): void {
    if (this.ended) return;
    this.control.send(JSON.stringify({ command: 'signal', signal }));
  }

  /** Stop reading output; Incus and then the program are held back until `resume`. */
  pause(): void {
    this.data.pause();
  }

  resume(): void {
    this.data.resume();
  }

  /** SIGHUP (a shell saves its history and exits), then the sockets close shortly after. */
  hangup(graceMs = 300): void {
    if (this.ended) return;
    this.signal(1);
    setTimeout(() => this.kill(), graceMs).unref();
  }

  /** Closes the sockets: incusd then SIGKILLs the command (for a tmux client, a detach). */
  kill(): void {
    if (this.ended) return;
    this.finish();
  }
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (err) => reject(err));
    ws.once('close', (code) => reject(new Error(`exec websocket closed before it opened (code ${code})`)));
  });
}
