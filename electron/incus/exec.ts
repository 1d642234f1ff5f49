import WebSocket from 'ws';
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

/**
 * One exec stream. Incus pings every stream as it connects, and a short command's streams are
 * closed right after their last frame: a pong written then fails (EPIPE), and a WebSocket
 * client (undici's or ws, alike) then drops the connection with the output and end marker
 * still unread. So the output streams never answer pings (Incus does not need the answer);
 * nothing is ever written on them.
 */
function stream(client: IncusClient, operation: string, secret: string, output: boolean): WebSocket {
  const url = `ws+unix://${client.socketPath}:/1.0/operations/${operation}/websocket?secret=${encodeURIComponent(secret)}&project=${encodeURIComponent(client.project)}`;
  const ws = new WebSocket(url, { perMessageDeflate: false, autoPong: !output });
  ws.on('error', () => undefined); // reported as a close without the end marker
  return ws;
}

/** Resolves once the socket is open; rejects if it fails or closes first. */
function opened(ws: WebSocket, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`exec ${label} websocket closed before it opened (code ${code})`)));
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
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (done) return;
      if (!isBinary) {
        done = true;
        resolve(Buffer.concat(chunks));
        return;
      }
      chunks.push(data);
    });
    ws.on('close', (code) => {
      if (done) return;
      done = true;
      reject(new Error(`exec ${label} stream ended without its end marker (code ${code})`));
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
      sockets.set(fd, stream(client, id, secret, fd === '1' || fd === '2'));
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
    if (opts.stdin?.byteLength) ws('0').send(opts.stdin, { binary: true });
    ws('0').send('', { binary: false }); // a text frame is EOF on a data stream

    const [op, out, err] = await Promise.all([finished, stdout, stderr, ...opens]);
    const exitCode = op.metadata?.return;
    if (typeof exitCode !== 'number') throw new IncusError(`exec of ${command[0] ?? ''} ended without an exit code`, 500);
    return { exitCode, stdout: out, stderr: err };
  } catch (err) {
    // Closing the control socket makes Incus kill the command; cancel in case nothing connected.
    for (const socket of sockets.values()) socket.terminate();
    await cancelOperation(client, id).catch(() => undefined);
    throw err;
  }
}
