import WebSocket from 'ws';
import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';
import { sendStdin } from './exec-stdin.js';
import { operationSocket } from './operation-socket.js';
import { cancelOperation, operationId, waitOperation, type Operation } from './operations.js';

export interface ExecOptions {
  environment?: Record<string, string>;
  cwd?: string;
  user?: number;
  group?: number;
  /** Bytes written to the command's stdin before EOF; none by default. */
  stdin?: Uint8Array;
  /** Or a stream sent on stdin as it comes (a tar of a project), backpressure-aware; timeoutMs bounds it too. */
  stdinStream?: AsyncIterable<Uint8Array>;
  /**
   * How long the command may take, from the request on, before it is killed and the call fails
   * with an ExecLimitError; EXEC_TIMEOUT_MS by default. The command runs inside an agent,
   * which may make it hang: callers that need longer say so, none waits for ever.
   */
  timeoutMs?: number;
  /**
   * Bytes kept per output stream; EXEC_MAX_OUTPUT_BYTES by default. A command that prints more
   * is killed at once and the call fails with an ExecLimitError holding what was kept: the
   * backend never buffers more than this, whatever the agent sends.
   */
  maxOutputBytes?: number;
}

export const EXEC_TIMEOUT_MS = 15_000;
export const EXEC_MAX_OUTPUT_BYTES = 1024 * 1024;
/** How long Enclave waits for Incus to cancel a killed command's operation. */
const CANCEL_TIMEOUT_MS = 5_000;

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * The command went past a bound of its exec and was killed: it ran longer than `timeoutMs`
 * ('timeout') or printed more than `maxOutputBytes` on a stream ('output'). Holds the output
 * kept until then (at most the cap per stream), marked truncated when some was dropped.
 */
export class ExecLimitError extends Error {
  constructor(
    readonly limit: 'timeout' | 'output',
    message: string,
    readonly stdout: Buffer,
    readonly stderr: Buffer,
    readonly truncated: boolean,
  ) {
    super(message);
    this.name = 'ExecLimitError';
  }
}

/** Metadata of a non-interactive exec operation. */
interface ExecMetadata {
  fds?: Record<string, string>;
  return?: number;
}

type Fd = '0' | '1' | '2' | 'control';
const FDS: readonly Fd[] = ['control', '0', '1', '2'];

/**
 * One exec stream. Incus pings every stream as it connects, and a short command's streams are
 * closed right after their last frame: a pong written then fails (EPIPE), and a WebSocket
 * client (undici's or ws, alike) then drops the connection with the output and end marker
 * still unread. So the output streams never answer pings (Incus does not need the answer);
 * nothing is ever written on them.
 */
export function stream(client: IncusClient, operation: string, secret: string, output: boolean, maxPayload: number): WebSocket {
  // maxPayload: one frame bigger than the output cap is refused before it is buffered whole.
  const ws = operationSocket(client, operation, secret, { autoPong: !output, maxPayload });
  ws.on('error', () => undefined); // reported as a close without the end marker
  return ws;
}

/** Resolves once the socket is open; rejects if it fails or closes first. */
export function opened(ws: WebSocket, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`exec ${label} websocket closed before it opened (code ${code})`)));
  });
}

/** ws's error code for a frame larger than maxPayload. */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

interface Collected {
  /** The whole output once the end marker came. */
  done: Promise<Buffer>;
  /** What was kept so far (at most the cap). */
  kept(): Buffer;
  /** Whether bytes past the cap were dropped. */
  readonly overflowed: boolean;
}

/**
 * Collects one output stream as bytes, at most `cap` of them. Incus sends data in binary
 * frames and ends the stream with an empty text frame (the barrier), then drops the
 * connection; a drop before the barrier is a failure. Past the cap nothing more is kept and
 * `onOverflow` runs once (the caller kills the command).
 */
function collect(ws: WebSocket, label: string, cap: number, onOverflow: () => void): Collected {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflowed = false;
  const overflow = () => {
    if (overflowed) return;
    overflowed = true;
    onOverflow();
  };
  const done = new Promise<Buffer>((resolve, reject) => {
    let ended = false;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (ended || overflowed) return;
      if (!isBinary) {
        ended = true;
        resolve(Buffer.concat(chunks));
        return;
      }
      const room = cap - size;
      if (data.length > room) {
        if (room > 0) chunks.push(Buffer.from(data.subarray(0, room)));
        size = cap;
        overflow();
        return;
      }
      chunks.push(data);
      size += data.length;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (!ended && err.code === MESSAGE_TOO_BIG) overflow();
    });
    ws.on('close', (code) => {
      if (ended) return;
      ended = true;
      reject(new Error(`exec ${label} stream ended without its end marker (code ${code})`));
    });
  });
  return {
    done,
    kept: () => Buffer.concat(chunks),
    get overflowed() {
      return overflowed;
    },
  };
}

/** The request body of a non-interactive exec whose streams Enclave reads over websockets. */
export function nonInteractiveBody(
  command: string[],
  opts: Pick<ExecOptions, 'environment' | 'cwd' | 'user' | 'group'>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    command,
    environment: opts.environment ?? {},
    interactive: false,
    'wait-for-websocket': true,
    'record-output': false,
  };
  if (opts.cwd !== undefined) body.cwd = opts.cwd;
  if (opts.user !== undefined) body.user = opts.user;
  if (opts.group !== undefined) body.group = opts.group;
  return body;
}

/**
 * Runs a command in an instance without a PTY and returns its exit code and output as bytes.
 * The command is killed by Incus if the control socket closes early, so every socket stays
 * open until the daemon closes it (after the command has ended), except on failure. Every
 * call is bounded (ExecOptions.timeoutMs, maxOutputBytes): past a bound the command is killed
 * and the call fails with an ExecLimitError.
 */
export async function execCommand(
  client: IncusClient,
  instance: string,
  command: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? EXEC_TIMEOUT_MS;
  const cap = opts.maxOutputBytes ?? EXEC_MAX_OUTPUT_BYTES;
  if (!(timeoutMs > 0) || !(cap > 0)) throw new RangeError('execCommand needs a positive timeoutMs and maxOutputBytes');
  const body = nonInteractiveBody(command, opts);

  const started = Date.now();
  const { envelope } = await client.call<Operation<ExecMetadata>>('POST', `/1.0/instances/${encodeURIComponent(instance)}/exec`, { body, timeoutMs });
  if (!envelope.operation) throw new IncusError('Incus answered an exec request without an operation.', 500);
  const id = operationId(envelope.operation);
  const fds = envelope.metadata.metadata?.fds ?? {};
  const what = command[0] ?? 'a command';

  // Rejects when a bound is crossed (the first one counts); raced against everything below.
  let crossed: 'timeout' | 'output' | null = null;
  let reject: (err: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, r) => (reject = r));
  stopped.catch(() => undefined);
  const cross = (limit: 'timeout' | 'output') => {
    crossed ??= limit;
    reject(new Error(`exec ${limit}`));
  };
  const timer = setTimeout(() => cross('timeout'), Math.max(0, timeoutMs - (Date.now() - started)));

  const sockets = new Map<Fd, WebSocket>();
  let out: Collected | null = null;
  let err: Collected | null = null;
  try {
    for (const fd of FDS) {
      const secret = fds[fd];
      if (!secret) throw new IncusError(`Incus's exec operation has no "${fd}" stream.`, 500);
      sockets.set(fd, stream(client, id, secret, fd === '1' || fd === '2', cap + 1));
    }
    const ws = (fd: Fd) => sockets.get(fd) as WebSocket;

    // Attach every handler before yielding to the event loop, so no frame is missed.
    const overflow = () => cross('output');
    out = collect(ws('1'), 'stdout', cap, overflow);
    err = collect(ws('2'), 'stderr', cap, overflow);
    const opens = FDS.map((fd) => opened(ws(fd), fd));
    // Incus's own wait ends a little after ours would: the request never outlives the call by much.
    const finished = waitOperation<ExecMetadata>(client, id, Math.ceil(timeoutMs / 1000) + 5);
    // Until everything settles, a rejection here is reported by Promise.all below.
    for (const p of [out.done, err.done, finished, ...opens]) p.catch(() => undefined);

    const stdinOpen = opens[FDS.indexOf('0')] as Promise<void>;
    await Promise.race([stdinOpen, stopped]);
    if (opts.stdinStream) {
      await Promise.race([sendStdin(ws('0'), opts.stdinStream, stopped), stopped]);
    } else {
      if (opts.stdin?.byteLength) ws('0').send(opts.stdin, { binary: true });
      ws('0').send('', { binary: false }); // a text frame is EOF on a data stream
    }

    const [op, stdout, stderr] = await Promise.race([Promise.all([finished, out.done, err.done, ...opens]), stopped]);
    const exitCode = op.metadata?.return;
    if (typeof exitCode !== 'number') throw new IncusError(`exec of ${what} ended without an exit code`, 500);
    return { exitCode, stdout, stderr };
  } catch (e) {
    // Closing the control socket makes Incus kill the command; cancel in case nothing connected.
    for (const socket of sockets.values()) socket.terminate();
    await cancelOperation(client, id, CANCEL_TIMEOUT_MS).catch(() => undefined);
    if (crossed === null) throw e;
    const stdout = out?.kept() ?? Buffer.alloc(0);
    const stderr = err?.kept() ?? Buffer.alloc(0);
    const truncated = Boolean(out?.overflowed || err?.overflowed);
    if (crossed === 'timeout') {
      throw new ExecLimitError('timeout', `${what} did not finish within ${formatSeconds(timeoutMs)} and was stopped`, stdout, stderr, truncated);
    }
    throw new ExecLimitError('output', `${what} printed more than ${formatBytes(cap)} and was stopped`, stdout, stderr, true);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
