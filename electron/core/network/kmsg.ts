import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Records longer than this are dropped unread: a netfilter log line is well under 600 bytes. */
export const MAX_RECORD = 2048;
/** Each read returns one record and fails with EINVAL if it does not fit, so the buffer is the kernel's maximum. */
const READ_BUFFER = 16 * 1024;
/** Records read before yielding to the event loop again. */
const BATCH = 500;
/** At most this many old records are skipped at open (the ring holds far fewer). */
const MAX_SKIP = 500_000;

export interface KmsgOptions {
  path?: string;
  /** How long to wait before looking again when no record is waiting. */
  pollMs?: number;
}

function code(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/**
 * Follows the kernel log from its end. /dev/kmsg is opened non-blocking, so every read returns
 * at once with one record or EAGAIN: no thread of libuv's pool waits on the kernel, and stop()
 * only has to wait for the read in flight. Records already in the ring are skipped at open.
 */
export class KmsgFollower {
  private fh: FileHandle | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly buf = Buffer.alloc(READ_BUFFER);

  constructor(
    private readonly onRecord: (record: string) => void,
    private readonly onProblem: (message: string) => void,
    private readonly opts: KmsgOptions = {},
  ) {}

  get path(): string {
    return this.opts.path ?? '/dev/kmsg';
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run().catch((err: unknown) => this.onProblem(`Reading ${this.path} failed (${code(err) || String(err)}).`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    await this.loop;
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
  }

  private async run(): Promise<void> {
    try {
      this.fh = await open(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      const c = code(err);
      const why = c === 'EACCES' || c === 'EPERM' ? 'it needs root or CAP_SYSLOG' : c || String(err);
      this.onProblem(`Blocked connections are not shown in activity logs: Enclave cannot read the kernel log ${this.path} (${why}).`);
      return;
    }
    if (this.stopped) return;
    for (let skipped = 0; skipped < MAX_SKIP && !this.stopped; skipped++) {
      if ((await this.readOne()) === 'empty') break;
    }
    while (!this.stopped) {
      let n = 0;
      for (; n < BATCH && !this.stopped; n++) {
        const r = await this.readOne();
        if (r === 'empty') break;
        if (typeof r === 'string') this.onRecord(r);
      }
      await this.pause(n === BATCH ? 0 : (this.opts.pollMs ?? 500));
    }
  }

  /** One record, 'empty' when none waits, 'skip' for one that was lost or too long. */
  private async readOne(): Promise<string | 'empty' | 'skip'> {
    try {
      const { bytesRead } = await this.fh!.read(this.buf, 0, this.buf.length, null);
      if (bytesRead === 0) return 'empty';
      if (bytesRead > MAX_RECORD) return 'skip';
      return this.buf.toString('utf8', 0, bytesRead);
    } catch (err) {
      const c = code(err);
      if (c === 'EAGAIN' || c === 'EWOULDBLOCK') return 'empty';
      // The ring wrapped past this reader: records were lost, the next read goes on from the oldest kept.
      if (c === 'EPIPE') return 'skip';
      throw err;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    });
  }
}
