/**
 * Keystroke benchmark: what a user feels when typing, key event → glyph on screen, in the
 * browser-mode UI in headless Chromium, beside the incus CLI's echo round trip in the same run.
 *
 *   npm run bench:keystroke -- [--probes N] [--image ALIAS] [--no-build] [--no-webgl]
 *
 * Builds the app (unless --no-build), launches one agent in a throwaway project, starts
 * `node dist/electron/serve.mjs --port 0` on it and opens the page in /usr/bin/chromium
 * through Playwright. A shell tab becomes `cat` on a raw, no-echo PTY (each byte comes back as
 * is, as in bench/terminal.ts); so does an `incus exec -t` of the CLI with this process on its
 * pipes. Probes alternate between the two (--probes each, default 200, random pauses between).
 *
 * A browser probe is a key sent with CDP Input.dispatchKeyEvent; the page times (on its own
 * clock) the keydown, the WebSocket send of the input call, the arrival of the frame with the
 * echo, the end of the xterm write that put the character left of the cursor, xterm's render
 * of it, and the end of the next animation frame (a message posted from that rAF runs once
 * the frame is painted). The last line is
 * `bench keystroke: median X ms (CLI echo Y ms), ratio X/Y` with X keydown → painted.
 * Agent and project are deleted at the end, also on failure and Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { chromium, type CDPSession, type Page } from 'playwright';
import { benchOptions, incus, median, percentile, throwawayProject } from './support.js';
import { run, startServe } from './browser-mode.js';

const CHROMIUM = '/usr/bin/chromium';
const AGENT = 'bench-keys';
const ECHO_SCRIPT = "stty raw -echo; printf 'ECHO-%s' READY; exec cat";
const ECHO_READY = 'ECHO-READY';
const FRAME_MS = 1000 / 60;

interface Options {
  probes: number;
  image: string;
  build: boolean;
  /** Chromium without WebGL (`--no-webgl`): xterm falls back to its DOM renderer. */
  webgl: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Milliseconds since the epoch, sub-millisecond; the page's clock reads the same. */
const epochNow = () => performance.timeOrigin + performance.now();


/**
 * Before the app loads: every WebSocket it makes records when it last sent and when a message
 * last arrived (our listener is added first, so it runs before the app's onmessage). Plain
 * JavaScript in strings: tsx would wrap functions in a helper (__name) the page lacks.
 */
const INIT_SCRIPT = `(() => {
  const clock = () => performance.timeOrigin + performance.now();
  const marks = { sent: 0, received: 0, keydown: 0 };
  window.__benchMarks = marks;
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) { marks.sent = clock(); return send.call(this, data); };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { marks.received = clock(); });
    }
  };
  window.addEventListener('keydown', () => { marks.keydown = clock(); }, true);
})()`;

/** Arms the page for one character: resolves with the page's timestamps once it is painted. */
const ARM = `(async (id, ch) => {
  const clock = () => performance.timeOrigin + performance.now();
  const marks = window.__benchMarks;
  marks.keydown = 0;
  const probe = window.__enclaveTerminalProbe(id);
  window.__benchResult = new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error('no echo of ' + ch + ' within 5 s')); }, 5000);
    let stopRender = () => {};
    const stopParsed = probe.onWriteParsed(() => {
      if (probe.charBeforeCursor() !== ch) return;
      const parsed = clock();
      const received = marks.received;
      stopParsed();
      let rendered = 0;
      stopRender = probe.onRender(() => { if (!rendered) rendered = clock(); });
      requestAnimationFrame(() => {
        const frame = clock();
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          clearTimeout(timer);
          stop();
          resolve({ keydown: marks.keydown, sent: marks.sent, received, parsed, rendered, frame, painted: clock(), renderer: probe.renderer });
        };
        channel.port2.postMessage(0);
      });
    });
    const stop = () => { stopParsed(); stopRender(); };
  });
})`;

/** Rendering work of `n` frames with no typing: from each rAF to a message posted there. */
const IDLE_FRAMES = `((n) => new Promise((resolve) => {
  const work = [];
  const step = () => {
    const start = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      work.push(performance.now() - start);
      if (work.length < n) requestAnimationFrame(step); else resolve(work);
    };
    channel.port2.postMessage(0);
  };
  requestAnimationFrame(step);
}))`;

interface PageTimes {
  keydown: number;
  sent: number;
  received: number;
  parsed: number;
  rendered: number;
  frame: number;
  painted: number;
  renderer: 'webgl' | 'dom';
}

interface Hops {
  /** CDP dispatch (this process) → keydown in the page. */
  dispatch: number;
  /** keydown → WebSocket send of terminals.input. */
  toSend: number;
  /** send → the echo's frame arrives (backend, agent, and back). */
  backend: number;
  /** frame arrival → xterm's write parsed with the character in its buffer. */
  toBuffer: number;
  /** in the buffer → xterm drew it (its animation frame). */
  toRender: number;
  /** in the buffer → the next animation frame's callbacks. */
  toFrame: number;
  /** in the buffer → the end of the next frame (painted). */
  toPaint: number;
  /** keydown → painted: what the user feels. */
  total: number;
  /** keydown → in xterm's buffer. */
  totalBuffer: number;
}

async function browserSide(page: Page, cdp: CDPSession, id: string) {
  return async (ch: string): Promise<{ hops: Hops; renderer: string }> => {
    await page.evaluate(`${ARM}(${JSON.stringify(id)}, ${JSON.stringify(ch)})`);
    const t0 = epochNow();
    const code = `Key${ch.toUpperCase()}`;
    const key = { key: ch, code, windowsVirtualKeyCode: ch.toUpperCase().charCodeAt(0) };
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', text: ch, unmodifiedText: ch, ...key });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...key });
    const t = (await page.evaluate('window.__benchResult')) as PageTimes;
    if (!t.keydown || t.sent < t.keydown) throw new Error('the page saw no keydown, or no send after it');
    const rendered = t.rendered || t.frame;
    return {
      renderer: t.renderer,
      hops: {
        dispatch: t.keydown - t0,
        toSend: t.sent - t.keydown,
        backend: t.received - t.sent,
        toBuffer: t.parsed - t.received,
        toRender: rendered - t.parsed,
        toFrame: t.frame - t.parsed,
        toPaint: t.painted - t.parsed,
        total: t.painted - t.keydown,
        totalBuffer: t.parsed - t.keydown,
      },
    };
  };
}

/** `incus exec -t` on pipes, as bench/terminal.ts measures the CLI: send a byte, time its echo. */
async function cliSide(project: string, children: Set<ChildProcess>) {
  const child = spawn('incus', ['exec', '-t', AGENT, '--project', project, '--', 'sh', '-c', ECHO_SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('close', () => children.delete(child));
  let want: { byte: number; resolve: (at: number) => void } | null = null;
  let text = '';
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.on('error', reject);
    child.on('close', (code, signal) => reject(new Error(`incus exec cat ended (${signal ?? `exit ${code}`})`)));
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    if (want && chunk.includes(want.byte)) {
      const { resolve } = want;
      want = null;
      resolve(at);
    }
    text = (text + chunk.toString('latin1')).slice(-512);
    if (text.includes(ECHO_READY)) ready();
  });
  child.stderr.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await isReady;
  clearTimeout(timer);
  await sleep(200);
  return async (ch: string): Promise<number> => {
    const byte = ch.charCodeAt(0);
    const back = new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('cli: no echo within 5 s')), 5_000);
      want = { byte, resolve: (at) => (clearTimeout(t), resolve(at)) };
    });
    const t0 = performance.now();
    child.stdin.write(Uint8Array.of(byte));
    return (await back) - t0;
  };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const opts = benchOptions<Options>(process.argv.slice(2), { probes: 200, image: 'enclave-agent', build: true, webgl: true });
  if (opts.build) await run('npm', ['run', 'build']);
  const bench = await throwawayProject('keystroke', 'Enclave keystroke benchmark (throwaway)');
  const children = new Set<ChildProcess>();
  bench.defer(() => children.forEach((c) => c.kill('SIGKILL')));
  try {
    await incus(['launch', opts.image, AGENT, '--project', bench.name]);
    const { child: serve, url } = await startServe(bench.name);
    bench.defer(
      () =>
        new Promise<void>((resolve) => {
          if (serve.exitCode !== null) return resolve();
          serve.once('exit', () => resolve());
          serve.kill('SIGTERM');
          setTimeout(() => serve.kill('SIGKILL'), 5000).unref();
        }),
    );
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', ...(opts.webgl ? [] : ['--disable-webgl'])] });
    bench.defer(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.addInitScript(INIT_SCRIPT);
    await page.goto(url);
    const card = page.locator(`[data-testid="agent-card"][data-agent="${AGENT}"]`);
    await card.locator('[data-action="shell"]').click({ timeout: 60_000 });
    const view = page.locator(`[data-testid="terminal"][data-agent="${AGENT}"][data-kind="shell"]`).first();
    await view.locator('.xterm').waitFor();
    const id = (await view.getAttribute('data-terminal-id')) ?? '';
    const text = () => page.evaluate(`window.__enclaveTerminalText(${JSON.stringify(id)})`) as Promise<string>;
    const until = async (what: string, check: (s: string) => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!check(await text())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
      }
    };
    await until('the shell prompt', (s) => /[#$] ?$/.test(s.trimEnd()));
    await view.locator('.xterm').click();
    await page.keyboard.type(`exec sh -c "${ECHO_SCRIPT}"`);
    await page.keyboard.press('Enter');
    await until('the echo session', (s) => s.includes(ECHO_READY));
    await sleep(300);
    const cdp = await page.context().newCDPSession(page);
    const browserProbe = await browserSide(page, cdp, id);
    const cliProbe = await cliSide(bench.name, children);

    console.log(`bench keystroke: project ${bench.name}, headless ${CHROMIUM} (no GPU), ${opts.probes} probes each, alternating browser/CLI`);
    const idle = (await page.evaluate(`${IDLE_FRAMES}(120)`)) as number[];
    console.log(`  idle frame work (rAF → after paint, no typing): median ${fmt(median(idle))}, p95 ${fmt(percentile(idle, 95))}`);
    await browserProbe('x'); // warm-up
    await cliProbe('x');
    const hops: Hops[] = [];
    const cli: number[] = [];
    let renderer = '';
    for (let i = 0; i < opts.probes && !bench.interrupted; i++) {
      const ch = String.fromCharCode(0x61 + (i % 26)); // a…z: never the same as the cell before
      for (const side of i % 2 ? (['cli', 'browser'] as const) : (['browser', 'cli'] as const)) {
        await sleep(20 + Math.random() * 40);
        if (side === 'cli') cli.push(await cliProbe(ch));
        else {
          const r = await browserProbe(ch);
          hops.push(r.hops);
          renderer = r.renderer;
        }
      }
    }
    if (bench.interrupted) return;
    const hop = (k: keyof Hops) => hops.map((h) => h[k]);
    const line = (label: string, k: keyof Hops) =>
      console.log(`  ${label.padEnd(44)} median ${fmt(median(hop(k)))}, p95 ${fmt(percentile(hop(k), 95))}`);
    console.log(`xterm renderer: ${renderer}`);
    line('CDP dispatch → keydown in the page', 'dispatch');
    line('keydown → WebSocket send', 'toSend');
    line('send → echo frame arrives (backend + agent)', 'backend');
    line('frame arrives → in xterm buffer (parsed)', 'toBuffer');
    line('in buffer → xterm render', 'toRender');
    line('in buffer → next rAF', 'toFrame');
    line('in buffer → next frame painted', 'toPaint');
    line('keydown → in xterm buffer', 'totalBuffer');
    line('keydown → painted', 'total');
    const x = median(hop('total'));
    const y = median(cli);
    console.log(`  CLI echo (incus exec -t)                     median ${fmt(y)}, p95 ${fmt(percentile(cli, 95))}`);
    console.log(`  painted − CLI echo: ${fmt(x - y)} (one frame: ${fmt(FRAME_MS)})`);
    console.log(`bench keystroke: median ${x.toFixed(2)} ms (CLI echo ${y.toFixed(2)} ms), ratio ${(x / y).toFixed(1)}`);
  } catch (err) {
    if (bench.interrupted) return;
    throw err;
  } finally {
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench keystroke failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
