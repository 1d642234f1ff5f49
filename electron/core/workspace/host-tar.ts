import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/** A tar archive being made on the host, read as a stream. */
export interface HostTar {
  stream: Readable;
  /** Its exit: code, and what it printed on stderr (bounded: our own tar, about the user's files). */
  done: Promise<{ code: number; stderr: string }>;
  kill(): void;
}

const STDERR_KEEP = 4096;

/**
 * Runs GNU tar on the host to make an archive of the user's files: `args` after `-c -f -`,
 * never following symlinks (no -h), members owned by root (uid 0 inside the agent). `list`,
 * when given, is written to tar's stdin (a NUL-separated file list for -T -).
 */
export function hostTar(args: string[], list?: Buffer): HostTar {
  const child = spawn('tar', ['-c', '-f', '-', '--owner=0', '--group=0', '--numeric-owner', ...args], {
    stdio: [list ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  const { stdout, stderr: errStream } = child;
  if (!stdout || !errStream) throw new Error('tar was started without its output pipes');
  // Read at once: Node drains (discards) a child's unread stdout when it exits. pipe() keeps
  // backpressure: tar waits while the PassThrough is full.
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  stdout.pipe(out);
  let stderr = '';
  errStream.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < STDERR_KEEP) stderr += d.slice(0, STDERR_KEEP - stderr.length);
  });
  if (list && child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(list);
  }
  const done = new Promise<{ code: number; stderr: string }>((resolve) => {
    child.on('error', (err) => resolve({ code: 127, stderr: err.message }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr: stderr.trim() }));
  });
  return { stream: out, done, kill: () => child.kill('SIGKILL') };
}
