/**
 * Fault: ten browser windows (WebSocket clients of the web host) on one terminal whose program
 * floods output, one of them stalled (it stops reading its socket, as a frozen tab does).
 *
 * Before the fix, flow control paused the program while any window was over 1 MiB behind: the
 * stalled window stopped the output of all ten. It also found the web host refusing acks past
 * its cap on calls in flight (a window acks every frame, and ws hands over a TCP chunk's frames
 * at once): refused acks left every reading window "behind" for good. Now a window that holds the output paused for
 * STALL_DETACH_MS is detached and told why (a terminals.changed pushed to it alone), the others
 * go on, and the backend's memory stays bounded (the stalled socket's queue is capped by the
 * web host's MAX_BUFFERED_BYTES too).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Reply } from '../../shared/api.js';
import type { TerminalData, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import { decodeFrame, encodeFrame, type ServerFrame } from '../../shared/wire.js';
import { STALLED_MESSAGE } from '../core/terminals/session.js';
import { until } from '../test-support/project.js';
import { SPARE_IMAGE, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { ok } from '../test-support/terminal-link.js';
import { startWebHost } from '../transport/web-host.js';
import { useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'ten windows on one flooding terminal, one stalled';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

class Window {
  readonly ws: WebSocket;
  received = 0;
  readonly notices: TerminalsChange[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = decodeFrame(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : String(data)) as ServerFrame;
      if (frame.t === 'reply') {
        this.pending.get(frame.id)?.(frame.reply);
        this.pending.delete(frame.id);
        return;
      }
      if (frame.event === 'terminals.data') {
        const d = frame.payload as TerminalData;
        this.received += d.data.byteLength;
        // Acked as rendered, like xterm.
        void this.call('terminals.ack', { id: d.id, bytes: d.data.byteLength });
      }
      if (frame.event === 'terminals.changed') this.notices.push(frame.payload as TerminalsChange);
    });
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  call(method: string, args: unknown): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(encodeFrame({ t: 'call', id, method, args }));
    });
  }

  /** Stops reading the socket: the server's writes pile up in the kernel, then in ws's queue. */
  stall(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private get socket(): { pause(): void; resume(): void } {
    return (this.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  }
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();

  it('goes on for the nine that read; the stalled one is detached with a message; memory stays bounded', async () => {
    await rig.backend.local.agents.create({ name: 'fan', image: SPARE_IMAGE });
    const dir = await mkdtemp(join(tmpdir(), 'enclave-fanout-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    const host = await startWebHost({ backend: rig.backend, staticDir: dir });
    const windows: Window[] = [];
    try {
      const url = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`;
      for (let i = 0; i < 10; i++) windows.push(new Window(url));
      await Promise.all(windows.map((w) => w.open()));
      const [first, ...rest] = windows as [Window, ...Window[]];
      const t = ok<TerminalInfo>(await first.call('terminals.open', { agent: 'fan', kind: 'shell', cols: 80, rows: 24 }));
      for (const w of rest) ok(await w.call('terminals.attach', { id: t.id }));
      const stalled = rest.at(-1) as Window;
      stalled.stall();
      const readers = rest.slice(0, -1).concat(first);

      ok(await first.call('terminals.input', { id: t.id, data: new TextEncoder().encode('base64 -w 76 /dev/urandom\r') }));
      const rss0 = process.memoryUsage().rss;
      // Well past what the stalled one could hold back: 1 MiB of flow control plus socket buffers.
      const goal = 8 * 1024 * 1024;
      await until('the reading windows got 8 MiB each', () => readers.every((w) => w.received > goal), 60_000);
      // The stalled window reads again: the message waits for it in its queue — unless it was
      // cut off for not reading (close code 4008, it reconnects); either way it holds nobody.
      let closedWith = 0;
      stalled.ws.once('close', (code) => (closedWith = code));
      stalled.resume();
      await until(
        'the stalled window is told, or cut off',
        () => closedWith === 4008 || stalled.notices.some((c) => c.kind === 'upsert' && c.terminal.id === t.id && c.terminal.message === STALLED_MESSAGE),
        30_000,
      );
      expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
      ok(await first.call('terminals.input', { id: t.id, data: new Uint8Array([3]) }));
    } finally {
      for (const w of windows) w.ws.terminate();
      await host.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
