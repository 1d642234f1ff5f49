/**
 * Terminal benchmark: output throughput and keystroke echo of one agent's PTY, through Enclave's
 * browser-mode transport and through the incus CLI, in one throwaway project.
 *
 *   npm run bench:terminal -- [--reps N] [--probes N] [--mb N] [--image ALIAS] [--cpu-prof DIR]
 *
 * --cpu-prof writes a V8 CPU profile of the Enclave host process into DIR when it ends (open
 * it in Chrome DevTools), to see where the backend's time goes.
 *
 * Enclave is measured end to end as a browser sees it: a Backend and the real web host run in
 * a child process (bench/terminal-host.ts, as `npm run serve` would), and this process is the
 * browser: a `ws` client speaking shared/wire.ts, acknowledging output the way the renderer
 * does. The CLI is measured as its own process with its stdout piped to this one.
 *
 * 1. Throughput (--reps runs each, alternating): `cat` of a file of random printable bytes with
 *    no newline (so the PTY translates nothing), --mb MB (10^6 bytes), default 200.
 * 2. Echo (--probes round trips each, alternating one by one, random pauses between): one byte
 *    typed into `cat` on a raw, no-echo PTY, until that byte comes back.
 *
 * The output ends with `bench terminal-throughput: ratio <enclave/cli MB/s>` after the first
 * part and `bench terminal-echo: ratio <enclave/cli median>` as the last line.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket, type RawData } from 'ws';
import type { ArgsOf, Reply, RequestName, ResultOf } from '../shared/api.js';
import type { TerminalsChange, TerminalState } from '../shared/types.js';
import { decodeFrame, encodeFrame, TOKEN_PARAM, WS_PATH, type ServerFrame } from '../shared/wire.js';
import { incus, median, percentile, throwawayProject, benchOptions } from './support.js';
import type { HostMessage } from './terminal-host.js';

interface Options {
  reps: number;
  probes: number;
  mb: number;
  image: string;
  /** Folder for a V8 CPU profile of the Enclave host process (`--cpu-prof DIR`). */
  cpuProf: string | null;
}

function parseArgs(argv: string[]): Options {
  return benchOptions<Options>(argv, { reps: 5, probes: 200, mb: 200, image: 'enclave-agent', cpuProf: null });
}

const AGENT = 'bench-term';
const FILE = '/tmp/bench.txt';
/**
 * Acknowledged like the renderer does (renderer/src/terminal/ack.ts): a call per 64 KiB
 * consumed, and what is left after a quiet 25 ms.
 */
const ACK_EVERY = 64 * 1024;
const ACK_DELAY_MS = 25;
/** Put the PTY in raw mode without echo, say when ready, and become `cat`: each byte comes back as is. */
const ECHO_SCRIPT = "stty raw -echo; printf 'ECHO-%s' READY; exec cat";
const ECHO_READY = 'ECHO-READY';

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Output of one terminal as the bench's "browser" sees it. */
interface Tap {
  received: number;
  unacked: number;
  state: TerminalState | null;
  exitCode: number | null;
  lastDataAt: number;
  ackTimer: NodeJS.Timeout | null;
  /** The last few hundred bytes, as text, to spot a marker. */
  tail: string;
  /** Called with each chunk and the time its frame arrived. */
  onData: ((chunk: Uint8Array, at: number) => void) | null;
}

/** A browser-mode client: the wire protocol over one WebSocket, as renderer/src/ws does. */
class WireClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly taps = new Map<string, Tap>();
  private readonly waiters = new Set<() => boolean>();
  private failure: Error | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw: RawData, isBinary: boolean) => this.onFrame(raw, isBinary));
    ws.on('close', () => this.fail(new Error('the WebSocket to the web host closed')));
    ws.on('error', (err) => this.fail(err));
  }

  static connect(port: number, token: string): Promise<WireClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`, {
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WireClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the web host refused the WebSocket: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  call<K extends RequestName>(method: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.ws.send(encodeFrame({ t: 'call', id, method, args }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => {
        if (reply.ok) resolve(reply.result as ResultOf<K>);
        else reject(new Error(`${method} failed: ${reply.error.code}: ${reply.error.message}`));
      });
    });
  }

  tap(id: string): Tap {
    let tap = this.taps.get(id);
    if (!tap) {
      tap = { received: 0, unacked: 0, state: null, exitCode: null, lastDataAt: 0, ackTimer: null, tail: '', onData: null };
      this.taps.set(id, tap);
    }
    return tap;
  }

  forget(id: string): void {
    const tap = this.taps.get(id);
    if (tap?.ackTimer) clearTimeout(tap.ackTimer);
    this.taps.delete(id);
  }

  /** Resolves with the time `check` first held, checked after every frame. */
  until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
    if (check()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = () => {
        if (this.failure) {
          clearTimeout(timer);
          reject(this.failure);
          return true;
        }
        if (!check()) return false;
        clearTimeout(timer);
        resolve(performance.now());
        return true;
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves once the terminal printed something and then nothing for `ms`. */
  async quiet(id: string, ms: number, timeoutMs = 15_000): Promise<void> {
    const tap = this.tap(id);
    const deadline = performance.now() + timeoutMs;
    while (!(tap.received > 0 && performance.now() - tap.lastDataAt >= ms)) {
      if (this.failure) throw this.failure;
      if (performance.now() > deadline) throw new Error(`terminal ${id} did not settle within ${timeoutMs} ms`);
      await sleep(Math.max(5, ms / 4));
    }
  }

  close(): void {
    this.ws.close();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const settle of this.pending.values()) settle({ ok: false, error: { code: 'unavailable', message: err.message } });
    this.pending.clear();
    this.runWaiters();
  }

  private onFrame(raw: RawData, isBinary: boolean): void {
    const at = performance.now();
    const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    const frame = decodeFrame(isBinary ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf.toString('utf8')) as ServerFrame;
    if (frame.t === 'reply') {
      const settle = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      settle?.(frame.reply);
    } else if (frame.event === 'terminals.data') {
      const { id, data } = frame.payload as { id: string; data: Uint8Array };
      const tap = this.tap(id);
      tap.received += data.byteLength;
      tap.lastDataAt = at;
      const last = data.subarray(Math.max(0, data.byteLength - 512));
      tap.tail = (tap.tail + Buffer.from(last.buffer, last.byteOffset, last.byteLength).toString('latin1')).slice(-512);
      tap.onData?.(data, at);
      // Consumed at once (there is nothing to render): acknowledged as the renderer does.
      tap.unacked += data.byteLength;
      if (tap.unacked >= ACK_EVERY) this.ack(id, tap);
      else tap.ackTimer ??= setTimeout(() => this.ack(id, tap), ACK_DELAY_MS);
    } else if (frame.event === 'terminals.changed') {
      const change = frame.payload as TerminalsChange;
      if (change.kind === 'upsert') {
        const tap = this.tap(change.terminal.id);
        tap.state = change.terminal.state;
        tap.exitCode = change.terminal.exitCode;
      }
    }
    this.runWaiters();
  }

  private ack(id: string, tap: Tap): void {
    if (tap.ackTimer) clearTimeout(tap.ackTimer);
    tap.ackTimer = null;
    const bytes = tap.unacked;
    tap.unacked = 0;
    if (bytes > 0 && this.taps.get(id) === tap) {
      this.call('terminals.ack', { id, bytes }).catch((err: unknown) => this.fail(err as Error));
    }
  }

  private runWaiters(): void {
    for (const waiter of this.waiters) if (waiter()) this.waiters.delete(waiter);
  }
}

interface Host {
  port: number;
  token: string;
  /** CPU time (user + system) the host process has used so far, in seconds. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** The Enclave side's server process (bench/terminal-host.ts). */
async function startHost(
  project: string,
  socketPath: string,
  cpuProf: string | null,
): Promise<Host> {
  const child = fork(fileURLToPath(new URL('./terminal-host.ts', import.meta.url)), [project, socketPath], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // tsx's loader flags come with process.execArgv.
    execArgv: [...process.execArgv, ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [])],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const next = () =>
    new Promise<HostMessage>((resolve, reject) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        reject(new Error(`the Enclave host process ended (${signal ?? `exit ${code}`})`));
      child.once('message', (m: HostMessage) => {
        child.off('exit', onExit);
        resolve(m);
      });
      child.once('exit', onExit);
    });
  const ready = await next();
  if (ready.t !== 'ready') {
    await stop();
    throw new Error(`the Enclave host did not start: ${ready.t === 'failed' ? ready.message : 'unexpected message'}`);
  }
  const cpu = async () => {
    const answer = next();
    child.send('cpu');
    const m = await answer;
    if (m.t !== 'cpu') throw new Error('the Enclave host answered something else than its CPU time');
    return m.seconds;
  };
  return { port: ready.port, token: ready.token, cpu, stop };
}

interface Run {
  ms: number;
  bytes: number;
  /** Enclave only: CPU seconds the host process (backend + web host) spent on the run. */
  hostCpu?: number;
}

const ENCODER = new TextEncoder();

/** Enclave: a fresh shell; from typing `cat FILE; exit` until the terminal reports it exited. */
async function enclaveThroughput(client: WireClient): Promise<Run> {
  const info = await client.call('terminals.open', { agent: AGENT, kind: 'shell', cols: 200, rows: 50 });
  const tap = client.tap(info.id);
  try {
    await client.quiet(info.id, 300); // the prompt is there and nothing else is coming
    const before = tap.received;
    const t0 = performance.now();
    await client.call('terminals.input', { id: info.id, data: ENCODER.encode(`cat ${FILE}; exit\r`) });
    const t1 = await client.until('the terminal to exit', () => tap.state === 'exited', 120_000);
    if (tap.exitCode !== 0) throw new Error(`the shell exited with ${tap.exitCode}`);
    return { ms: t1 - t0, bytes: tap.received - before };
  } finally {
    await client.call('terminals.close', { id: info.id }).catch(() => undefined);
    client.forget(info.id);
  }
}

const children = new Set<ChildProcess>();

function incusChild(args: string[], stdin: 'ignore' | 'pipe'): ChildProcess {
  const child = spawn('incus', args, { stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  child.once('close', () => children.delete(child));
  return child;
}

/**
 * The CLI: from spawning `incus exec -t AGENT -- cat FILE` until it exits and its output ends.
 * This counts the CLI's start and exec setup (about 40 ms here), which the Enclave side, typing
 * into an open shell, does not: a bias of about 2% in Enclave's favour at 200 MB.
 */
function cliThroughput(project: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = incusChild(['exec', '-t', AGENT, '--project', project, '--', 'cat', FILE], 'ignore');
    let bytes = 0;
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, bytes });
      else reject(new Error(`incus exec cat failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/** One side of the echo test: send a byte, learn when it came back. */
interface EchoSide {
  /** Sends `byte`; resolves with the round trip in ms. */
  probe(byte: number): Promise<number>;
  close(): Promise<void>;
}

/** Waits for single bytes coming back, timestamped when their chunk arrived. */
class EchoWatch {
  private want: { byte: number; resolve: (at: number) => void } | null = null;

  seen(chunk: Uint8Array, at: number): void {
    if (this.want && chunk.includes(this.want.byte)) {
      const { resolve } = this.want;
      this.want = null;
      resolve(at);
    }
  }

  async roundTrip(byte: number, send: () => void, what: string): Promise<number> {
    const back = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.want = null;
        reject(new Error(`${what}: no echo within 5 s`));
      }, 5_000);
      this.want = { byte, resolve: (at) => (clearTimeout(timer), resolve(at)) };
    });
    const t0 = performance.now();
    send();
    return (await back) - t0;
  }
}

async function enclaveEcho(client: WireClient): Promise<EchoSide> {
  const info = await client.call('terminals.open', { agent: AGENT, kind: 'shell', cols: 200, rows: 50 });
  const tap = client.tap(info.id);
  await client.quiet(info.id, 300);
  await client.call('terminals.input', { id: info.id, data: ENCODER.encode(`exec sh -c "${ECHO_SCRIPT}"\r`) });
  await client.until('the echo session to be ready', () => tap.tail.includes(ECHO_READY), 10_000);
  await client.quiet(info.id, 200);
  const watch = new EchoWatch();
  tap.onData = (chunk, at) => watch.seen(chunk, at);
  return {
    probe: (byte) =>
      watch.roundTrip(
        byte,
        // The reply to the call may come before or after the echo; the echo is what counts.
        () => void client.call('terminals.input', { id: info.id, data: Uint8Array.of(byte) }).catch(() => undefined),
        'enclave',
      ),
    close: async () => {
      await client.call('terminals.close', { id: info.id }).catch(() => undefined);
      client.forget(info.id);
    },
  };
}

/**
 * The CLI, as a user at a terminal runs it, minus the terminal: `incus exec -t` with this
 * process on its stdin and stdout pipes. With a local tty the CLI would only switch that tty
 * to raw mode and copy bytes between it and the exec websocket; with pipes it copies the same
 * way (a pipe has no line discipline, so nothing is held back), and there is no extra hop.
 * Running it under `script` instead would add a local PTY and a relay process, which the CLI's
 * own path does not have, and which Enclave's side (WebSocket straight to this process) lacks too
 * (measured here: `script` adds 0.03 to 0.07 ms to the CLI's median of about 0.1 ms).
 */
async function cliEcho(project: string): Promise<EchoSide> {
  const child = incusChild(['exec', '-t', AGENT, '--project', project, '--', 'sh', '-c', ECHO_SCRIPT], 'pipe');
  const watch = new EchoWatch();
  let text = '';
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.on('error', reject);
    child.on('close', (code, signal) => reject(new Error(`incus exec cat ended (${signal ?? `exit ${code}`})`)));
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    const at = performance.now();
    watch.seen(chunk, at);
    text = (text + chunk.toString('latin1')).slice(-512);
    if (text.includes(ECHO_READY)) ready();
  });
  child.stderr!.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await isReady;
  clearTimeout(timer);
  await sleep(200);
  return {
    probe: (byte) => watch.roundTrip(byte, () => child.stdin!.write(Uint8Array.of(byte)), 'cli'),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = new Promise((r) => child.once('close', r));
      child.stdin!.end();
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await closed;
      clearTimeout(force);
    },
  };
}

const fmtRun = (r: Run) =>
  `${mbps(r.bytes, r.ms).toFixed(1)} MB/s (${r.ms.toFixed(0)} ms, ${r.bytes} B` +
  (r.hostCpu === undefined ? ')' : `, host CPU ${r.hostCpu.toFixed(2)} s)`);
const fmtMs = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const bench = await throwawayProject('terminal', 'Enclave terminal benchmark (throwaway)');
  const project = bench.name;
  bench.defer(() => children.forEach((c) => c.kill('SIGKILL')));
  let client: WireClient | null = null;
  try {
    const size = opts.mb * 1_000_000;
    console.log(
      `bench terminal: image ${opts.image}, project ${project}, ${opts.mb} MB file, ` +
        `${opts.reps} throughput reps and ${opts.probes} echo probes each, alternating Enclave/CLI`,
    );
    await incus(['launch', opts.image, AGENT, '--project', project]);
    // Random printable bytes and no newline: the PTY passes them through unchanged.
    const raw = Math.ceil(size / 4) * 3;
    await incus(['exec', AGENT, '--project', project, '--', 'sh', '-c', `head -c ${raw} /dev/urandom | base64 -w 0 | head -c ${size} > ${FILE}`]);
    const made = Number((await incus(['exec', AGENT, '--project', project, '--', 'stat', '-c', '%s', FILE])).trim());
    if (made !== size) throw new Error(`${FILE} has ${made} bytes, not ${size}`);

    const host = await startHost(project, bench.socketPath, opts.cpuProf);
    bench.defer(() => host.stop());
    client = await WireClient.connect(host.port, host.token);
    const c = client;

    // 1. Throughput.
    const check = (side: string, r: Run) => {
      if (r.bytes < size) throw new Error(`${side} delivered ${r.bytes} bytes of the ${size}-byte file`);
      return r;
    };
    const enclaveRun = async () => {
      const cpu0 = await host.cpu();
      const run = check('enclave', await enclaveThroughput(c));
      return { ...run, hostCpu: (await host.cpu()) - cpu0 };
    };
    const cliRun = async () => check('cli', await cliThroughput(project));
    const warmE = await enclaveRun();
    const warmC = await cliRun();
    console.log(`throughput warm-up (not counted): enclave ${fmtRun(warmE)}, cli ${fmtRun(warmC)}`);
    const enclave: number[] = [];
    const cli: number[] = [];
    for (let i = 1; i <= opts.reps && !bench.interrupted; i++) {
      const e = await enclaveRun();
      const k = await cliRun();
      enclave.push(mbps(e.bytes, e.ms));
      cli.push(mbps(k.bytes, k.ms));
      console.log(`run ${i}: enclave ${fmtRun(e)}, cli ${fmtRun(k)}`);
    }
    if (bench.interrupted) return;
    const me = median(enclave);
    const mc = median(cli);
    console.log(`throughput median: enclave ${me.toFixed(1)} MB/s, cli ${mc.toFixed(1)} MB/s`);
    console.log(`bench terminal-throughput: ratio ${(me / mc).toFixed(2)}`);

    // 2. Echo: both sessions open and idle, probed one after the other.
    const sides = { enclave: await enclaveEcho(c), cli: await cliEcho(project) };
    const rtt = { enclave: [] as number[], cli: [] as number[] };
    try {
      for (const side of ['enclave', 'cli'] as const) await sides[side].probe(0x78); // warm-up
      for (let i = 0; i < opts.probes && !bench.interrupted; i++) {
        const byte = 0x61 + (i % 26); // a…z
        for (const side of i % 2 ? (['cli', 'enclave'] as const) : (['enclave', 'cli'] as const)) {
          await sleep(2 + Math.random() * 8);
          rtt[side].push(await sides[side].probe(byte));
        }
      }
    } finally {
      await Promise.all([sides.enclave.close(), sides.cli.close()]);
    }
    if (bench.interrupted) return;
    const e50 = median(rtt.enclave);
    const c50 = median(rtt.cli);
    console.log(
      `echo (${opts.probes} probes each): enclave median ${fmtMs(e50)}, p95 ${fmtMs(percentile(rtt.enclave, 95))}; ` +
        `cli median ${fmtMs(c50)}, p95 ${fmtMs(percentile(rtt.cli, 95))}`,
    );
    console.log(`echo difference: enclave median − cli median = ${e50 >= c50 ? '+' : '−'}${fmtMs(Math.abs(e50 - c50))}`);
    console.log(`bench terminal-echo: ratio ${(e50 / c50).toFixed(2)}`);
  } catch (err) {
    if (bench.interrupted) return; // what broke was the cleanup under way
    throw err;
  } finally {
    client?.close();
    await bench.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`bench terminal failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
