import type { WebSocket } from 'undici';
import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';
import { cancelOperation, operationId, waitOperation, type Operation } from './operations.js';

export interface ExecOptions {
  environment?: Record<string, string>;
  cwd?: string;
  user?: number;
  group?: number;
  /** Bytes written to the command's stdin before EOF; none by default. */
  stdin?: Uint8Array;
}

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Metadata of a non-interactive exec operation. */
interface ExecMetadata {
  fds?: Record<string, string>;
  return?: number;
}

type Fd = '0' | '1' | '2' | 'control';
const FDS: readonly Fd[] = ['control', '0', '1', '2'];

/** Resolves once the socket is open; rejects if it fails or closes first. */
function opened(ws: WebSocket, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onclose = (e) => reject(new Error(`exec ${label} websocket closed before it opened (code ${e.code})`));
  });
}

/**
 * Collects one output stream as bytes. Incus sends data in binary frames and ends the stream
 * with an empty text frame (the barrier), then drops the connection; a drop before the
 * barrier is a failure.
 */
function collect(ws: WebSocket, label: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let done = false;
    ws.onmessage = (msg) => {
      if (done) return;
      if (typeof msg.data === 'string') {
        done = true;
        resolve(Buffer.concat(chunks));
        return;
      }
      chunks.push(Buffer.from(msg.data as ArrayBuffer));
    };
    ws.addEventListener('close', (e) => {
      if (done) return;
      done = true;
      reject(new Error(`exec ${label} stream ended without its end marker (code ${e.code})`));
    });
  });
}

/**
 * Runs a command in an instance without a PTY and returns its exit code and output as bytes.
 * The command is killed by Incus if the control socket closes early, so every socket stays
 * open until the daemon closes it (after the command has ended), except on failure.
 */
export async function execCommand(
  client: IncusClient,
  instance: string,
  command: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
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

  const { envelope } = await client.call<Operation<ExecMetadata>>('POST', `/1.0/instances/${encodeURIComponent(instance)}/exec`, { body });
  if (!envelope.operation) throw new IncusError('Incus answered an exec request without an operation.', 500);
  const id = operationId(envelope.operation);
  const fds = envelope.metadata.metadata?.fds ?? {};

  const sockets = new Map<Fd, WebSocket>();
  try {
    for (const fd of FDS) {
      const secret = fds[fd];
      if (!secret) throw new IncusError(`Incus's exec operation has no "${fd}" stream.`, 500);
      sockets.set(fd, client.websocket(`/1.0/operations/${id}/websocket`, { secret }));
    }
    const ws = (fd: Fd) => sockets.get(fd) as WebSocket;

    // Attach every handler before yielding to the event loop, so no frame is missed.
    const stdout = collect(ws('1'), 'stdout');
    const stderr = collect(ws('2'), 'stderr');
    const opens = FDS.map((fd) => opened(ws(fd), fd));
    const finished = waitOperation<ExecMetadata>(client, id);
    // Until everything settles, a rejection here is reported by Promise.all below.
    for (const p of [stdout, stderr, finished, ...opens]) p.catch(() => undefined);

    const stdinOpen = opens[FDS.indexOf('0')] as Promise<void>;
    await stdinOpen;
    if (opts.stdin?.byteLength) ws('0').send(opts.stdin);
    ws('0').send(''); // a text frame is EOF on a data stream

    const [op, out, err] = await Promise.all([finished, stdout, stderr, ...opens]);
    const exitCode = op.metadata?.return;
    if (typeof exitCode !== 'number') throw new IncusError(`exec of ${command[0] ?? ''} ended without an exit code`, 500);
    return { exitCode, stdout: out, stderr: err };
  } catch (err) {
    // Closing the control socket makes Incus kill the command; cancel in case nothing connected.
    for (const socket of sockets.values()) socket.close();
    await cancelOperation(client, id).catch(() => undefined);
    throw err;
  }
}
