/**
 * Integration-test support: a renderer connection as the terminal service sees it. It collects
 * the `terminals.data` bytes pushed to it per terminal id, acknowledges them like xterm would
 * once rendered (or not, to test flow control), and waits for output to match.
 */
import type { EventName, EventOf, Reply } from '../../shared/api.js';
import type { ErrorInfo, TerminalInfo, TerminalKind } from '../../shared/types.js';
import type { ClientLink } from '../core/client-link.js';
import { Listeners, type Disposable } from '../core/disposable.js';
import type { Handlers } from '../../shared/handlers.js';
import { dispatch } from '../transport/dispatch.js';

let links = 0;

export class TestLink implements ClientLink {
  readonly id = `test-link-${++links}`;
  /** Bytes received per terminal id, in order, in a buffer that grows by doubling. */
  private readonly received = new Map<string, { buf: Buffer; used: number }>();
  private readonly totals = new Map<string, number>();
  private readonly acked = new Map<string, number>();
  private readonly closeListeners = new Listeners();
  private readonly waiters = new Set<() => void>();
  /** Other events pushed to this link (none are expected but data). */
  readonly others: { event: EventName; payload: unknown }[] = [];
  /** Size of each data push, per terminal id. */
  readonly pushes = new Map<string, number[]>();

  constructor(
    private readonly handlers: Handlers,
    /** Ack each chunk as it arrives (asynchronously, as a renderer would). */
    public autoAck = true,
  ) {}

  push<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (event !== 'terminals.data') {
      this.others.push({ event, payload });
      return;
    }
    const { id, data } = payload as EventOf<'terminals.data'>;
    // Copied: a producer may reuse its buffers, and the test must see what was sent then.
    let store = this.received.get(id);
    if (!store) this.received.set(id, (store = { buf: Buffer.alloc(64 * 1024), used: 0 }));
    if (store.used + data.byteLength > store.buf.length) {
      const bigger = Buffer.alloc(Math.max(store.buf.length * 2, store.used + data.byteLength));
      store.buf.copy(bigger, 0, 0, store.used);
      store.buf = bigger;
    }
    store.buf.set(data, store.used);
    store.used += data.byteLength;
    this.totals.set(id, (this.totals.get(id) ?? 0) + data.byteLength);
    const sizes = this.pushes.get(id) ?? [];
    sizes.push(data.byteLength);
    this.pushes.set(id, sizes);
    const n = data.byteLength;
    if (this.autoAck) setImmediate(() => void this.ack(id, n));
    for (const w of [...this.waiters]) w();
  }

  onClose(listener: () => void): Disposable {
    return this.closeListeners.add(listener);
  }

  /** How many registrations wait for this window to go: what it still keeps alive. */
  get closeListenerCount(): number {
    return this.closeListeners.size;
  }

  /** The window went away (reload, closed tab, lost WebSocket). */
  close(): void {
    this.closeListeners.fire();
  }

  call(method: string, args: unknown = {}): Promise<Reply> {
    return dispatch(this.handlers, method, args, { client: this });
  }

  /** Acknowledges `bytes` more of a terminal's output. */
  async ack(id: string, bytes: number): Promise<void> {
    this.acked.set(id, (this.acked.get(id) ?? 0) + bytes);
    const reply = await this.call('terminals.ack', { id, bytes });
    if (!reply.ok && reply.error.code !== 'not-found') throw new Error(`ack failed: ${reply.error.message}`);
  }

  /** Acknowledges everything received and not yet acknowledged. */
  async ackAll(id: string): Promise<void> {
    const owed = this.total(id) - (this.acked.get(id) ?? 0);
    if (owed > 0) await this.ack(id, owed);
  }

  /** Sends text (as bytes) or bytes to a terminal. */
  input(id: string, data: string | Uint8Array): Promise<Reply> {
    return this.call('terminals.input', { id, data: typeof data === 'string' ? new TextEncoder().encode(data) : data });
  }

  total(id: string): number {
    return this.totals.get(id) ?? 0;
  }

  /** Everything received (a view: valid until more arrives). */
  bytes(id: string): Buffer {
    const store = this.received.get(id);
    return store ? store.buf.subarray(0, store.used) : Buffer.alloc(0);
  }

  /** Output as latin1 text: one character per byte, so nothing is replaced or merged. */
  text(id: string, from = 0): string {
    return this.bytes(id).subarray(from).toString('latin1');
  }

  /** Where a terminal's output ends now: pass it as `from` to wait only for what follows. */
  mark(id: string): number {
    return this.total(id);
  }

  /**
   * Resolves with the output (from byte `from` on) once `match` holds for it; rejects with the
   * tail of the output after `timeoutMs`. A string is searched for incrementally, so waiting
   * through a flood costs time linear in its size; other matchers see the whole text each time.
   */
  waitFor(id: string, match: string | RegExp | ((text: string) => boolean), timeoutMs = 5_000, from = 0): Promise<string> {
    let searched = from;
    const test = (): boolean => {
      if (typeof match !== 'string') {
        const t = this.text(id, from);
        return match instanceof RegExp ? match.test(t) : match(t);
      }
      const all = this.bytes(id);
      const start = Math.max(from, searched - match.length);
      searched = all.length;
      return all.indexOf(match, start, 'latin1') >= 0;
    };
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return false;
        clearTimeout(timer);
        this.waiters.delete(onData);
        resolve(this.text(id, from));
        return true;
      };
      const onData = () => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(onData);
        const tail = JSON.stringify(this.text(id, Math.max(from, this.total(id) - 400)));
        reject(new Error(`terminal output did not match ${String(match)} within ${timeoutMs} ms; its end: ${tail}`));
      }, timeoutMs);
      if (check()) return;
      this.waiters.add(onData);
    });
  }
}

/** A marker that appears in a terminal's output but not in the echo of the command printing it. */
export function marker(label: string): { command: string; text: string } {
  const n = Math.floor(Math.random() * 90_000) + 10_000;
  return { command: `echo ${label}-$((${n}+1))`, text: `${label}-${n + 1}` };
}

/** The result of a successful reply; throws with the error's code and message otherwise. */
export function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

/** The error of a failed reply; throws if it succeeded. */
export function failed(reply: Reply): ErrorInfo {
  if (reply.ok) throw new Error(`expected an error, got ${JSON.stringify(reply.result)}`);
  return reply.error;
}

/** Opens a terminal through the link and waits until it printed something (the prompt). */
export async function openTerminal(
  link: TestLink,
  agent: string,
  kind: TerminalKind,
  size: { cols: number; rows: number } = { cols: 80, rows: 24 },
): Promise<TerminalInfo> {
  const info = ok<TerminalInfo>(await link.call('terminals.open', { agent, kind, ...size }));
  if (info.state !== 'open') throw new Error(`terminal opened in state ${info.state}`);
  const deadline = Date.now() + 5_000;
  while (link.total(info.id) === 0) {
    if (Date.now() > deadline) throw new Error('the terminal printed nothing within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return info;
}

/** Types a command line, then waits for a marker printed after it; returns the output before the marker. */
export async function typeAndWait(link: TestLink, id: string, line: string, timeoutMs = 5_000): Promise<string> {
  const m = marker('done');
  const from = link.mark(id);
  ok(await link.input(id, `${line}; ${m.command}\r`));
  const out = await link.waitFor(id, m.text, timeoutMs, from);
  return out.slice(0, out.indexOf(m.text));
}
