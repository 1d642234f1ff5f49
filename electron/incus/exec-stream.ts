import type WebSocket from 'ws';
import type { IncusClient } from './client.js';
import { IncusError } from './errors.js';
import { ExecLimitError, nonInteractiveBody, opened, stream } from './exec.js';
import { cancelOperation, operationId, waitOperation, type Operation } from './operations.js';

export interface StreamExecOptions {
  environment?: Record<string, string>;
  cwd?: string;
  /** How long the command may run before it is killed (ExecLimitError 'timeout'). */
  timeoutMs: number;
  /** Bytes it may print in all (both streams) before it is killed (ExecLimitError 'output'). */
  maxOutputBytes: number;
  /** Each piece of output as it arrives; never buffered here. */
  onOutput(fd: 1 | 2, data: Buffer): void;
  /** Aborting kills the command; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

type Fd = '0' | '1' | '2' | 'control';
const FDS: readonly Fd[] = ['control', '0', '1', '2'];
const CANCEL_TIMEOUT_MS = 5_000;
/** One frame may not exceed this; Incus sends output in small frames. */
const MAX_FRAME = 1024 * 1024;

/**
 * Runs a command without a PTY and hands its output on as it comes, for long commands whose
 * output is shown live (an image build). Bounded like execCommand: a timeout, a cap on the
 * bytes it may print, and an abort; past any of them the command is killed (its control socket
 * closed, its operation cancelled). Resolves with the exit code.
 */
export async function execStreaming(client: IncusClient, instance: string, command: string[], opts: StreamExecOptions): Promise<number> {
  const body = nonInteractiveBody(command, opts);
  opts.signal?.throwIfAborted();
  const { envelope } = await client.call<Operation<{ fds?: Record<string, string>; return?: number }>>(
    'POST',
    `/1.0/instances/${encodeURIComponent(instance)}/exec`,
    { body },
  );
  if (!envelope.operation) throw new IncusError('Incus answered an exec request without an operation.', 500);
  const id = operationId(envelope.operation);
  const fds = envelope.metadata.metadata?.fds ?? {};
  const what = command[0] ?? 'a command';

  let crossed: 'timeout' | 'output' | 'abort' | null = null;
  let reject: (err: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, r) => (reject = r));
  stopped.catch(() => undefined);
  const cross = (limit: 'timeout' | 'output' | 'abort') => {
    crossed ??= limit;
    reject(new Error(`exec ${limit}`));
  };
  const timer = setTimeout(() => cross('timeout'), opts.timeoutMs);
  const onAbort = () => cross('abort');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const sockets = new Map<Fd, WebSocket>();
  let printed = 0;
  try {
    for (const fd of FDS) {
      const secret = fds[fd];
      if (!secret) throw new IncusError(`Incus's exec operation has no "${fd}" stream.`, 500);
      sockets.set(fd, stream(client, id, secret, fd === '1' || fd === '2', MAX_FRAME));
    }
    const ws = (fd: Fd) => sockets.get(fd) as WebSocket;
    const ended = (['1', '2'] as const).map(
      (fd) =>
        new Promise<void>((resolve, rej) => {
          let done = false;
          ws(fd).on('message', (data: Buffer, isBinary: boolean) => {
            if (done || crossed) return;
            if (!isBinary) {
              done = true;
              resolve();
              return;
            }
            printed += data.length;
            if (printed > opts.maxOutputBytes) {
              cross('output');
              return;
            }
            opts.onOutput(fd === '1' ? 1 : 2, data);
          });
          ws(fd).on('close', (code) => {
            if (!done) rej(new Error(`exec stream ${fd} ended without its end marker (code ${code})`));
          });
        }),
    );
    const opens = FDS.map((fd) => opened(ws(fd), fd));
    const finished = waitOperation<{ return?: number }>(client, id, Math.ceil(opts.timeoutMs / 1000) + 5);
    for (const p of [finished, ...ended, ...opens]) p.catch(() => undefined);
    await Promise.race([opens[FDS.indexOf('0')], stopped]);
    ws('0').send('', { binary: false }); // no stdin: EOF at once
    const [op] = await Promise.race([Promise.all([finished, ...ended, ...opens]), stopped]);
    const code = op.metadata?.return;
    if (typeof code !== 'number') throw new IncusError(`exec of ${what} ended without an exit code`, 500);
    return code;
  } catch (e) {
    for (const socket of sockets.values()) socket.terminate();
    await cancelOperation(client, id, CANCEL_TIMEOUT_MS).catch(() => undefined);
    if (crossed === 'abort') throw opts.signal?.reason instanceof Error ? opts.signal.reason : new Error(`${what} was stopped`);
    if (crossed === 'timeout') throw new ExecLimitError('timeout', `${what} did not finish within ${duration(opts.timeoutMs)} and was stopped`, Buffer.alloc(0), Buffer.alloc(0), false);
    if (crossed === 'output') throw new ExecLimitError('output', `${what} printed more than ${size(opts.maxOutputBytes)} and was stopped`, Buffer.alloc(0), Buffer.alloc(0), true);
    throw e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function duration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
