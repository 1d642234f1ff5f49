import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConnectionProblem, SetupLog, SetupOffer, SetupStarted } from '../../shared/types.js';
import { EnclaveError } from '../../shared/errors.js';
import { socketCandidates } from '../incus/socket.js';

export interface SetupRunnerOptions {
  /**
   * The setup script, fixed by whoever builds the backend (never by a caller); null when this
   * build has none (a packaged app ships without scripts/).
   */
  script: string | null;
  /**
   * The sockets the script brings up: the local daemon's by default. A test's own script may
   * say 'any' (it sets up whatever daemon the test points Enclave at).
   */
  sockets?: string[] | 'any';
  timeoutMs?: number;
  /** Output kept for a window that joins late: the last this many bytes of lines. */
  maxOutputBytes?: number;
  isRoot?: () => boolean;
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024;
const MAX_LINE = 2_000;
const KILL_GRACE_MS = 5_000;

/** Facts the offer depends on; pure so every branch is tested without root or a script. */
export interface OfferFacts {
  problem: ConnectionProblem;
  socketPath: string;
  root: boolean;
  script: string | null;
  scriptExists: boolean;
  sockets: string[] | 'any';
}

export function setupOffer(f: OfferFacts): SetupOffer {
  // The setup installs and starts a daemon; it cannot fix permissions or a daemon's errors.
  if (f.problem !== 'missing' && f.problem !== 'not-responding') return { available: false, reason: null };
  if (f.sockets !== 'any' && !f.sockets.includes(f.socketPath))
    return { available: false, reason: `Enclave is pointed at ${f.socketPath}; setting up from here brings up the local daemon only.` };
  if (!f.script || !f.scriptExists) return { available: false, reason: 'This build has no setup script (scripts/setup-incus.sh), so Incus cannot be set up from here.' };
  if (!f.root) return { available: false, reason: 'Setting up Incus from here needs Enclave to run as root.' };
  return { available: true };
}

/** One output line as shown: no control characters (tabs kept), bounded. */
export function cleanLine(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text;
}

/** The last lines whose bytes add up to at most `max`. */
class LineRing {
  private lines: string[] = [];
  private bytes = 0;
  constructor(private readonly max: number) {}
  push(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes > this.max && this.lines.length > 1) this.bytes -= Buffer.byteLength(this.lines.shift() ?? '') + 1;
  }
  all(): string[] {
    return [...this.lines];
  }
}

/**
 * Runs the setup script for the connection screen: one run at a time, stdin closed, output
 * streamed as lines (and the last of them kept), stopped after a timeout.
 */
export class SetupRunner extends EventEmitter<{ log: [SetupLog] }> {
  private child: ChildProcess | null = null;
  private ring: LineRing;
  private readonly timeoutMs: number;
  private readonly isRoot: () => boolean;

  constructor(private readonly opts: SetupRunnerOptions) {
    super();
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.isRoot = opts.isRoot ?? (() => process.getuid?.() === 0);
    this.ring = new LineRing(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  }

  get running(): boolean {
    return this.child !== null;
  }

  offer(problem: ConnectionProblem, socketPath: string): SetupOffer {
    const script = this.opts.script;
    return setupOffer({
      problem,
      socketPath,
      root: this.isRoot(),
      script,
      scriptExists: script !== null && existsSync(script),
      sockets: this.opts.sockets ?? socketCandidates({}),
    });
  }

  /** Starts the script, or joins the run under way. `offer` is the one that applies now. */
  start(offer: SetupOffer): SetupStarted {
    if (this.child) return { alreadyRunning: true, lines: this.ring.all() };
    if (!offer.available) throw new EnclaveError('conflict', offer.reason ?? 'Setting up Incus does not apply now: Incus answers, or the problem is not a missing daemon.');
    const script = this.opts.script as string;
    this.ring = new LineRing(this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    // It sets up the local daemon, whatever this process was pointed at (see the script).
    const env = { ...process.env };
    delete env.INCUS_SOCKET;
    delete env.INCUS_DIR;
    const child = spawn('bash', [script], { cwd: dirname(dirname(script)), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | null = null;
    const timer = setTimeout(() => {
      timedOut = true;
      this.killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => this.killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    }, this.timeoutMs);
    const partial = { stdout: '', stderr: '' };
    const feed = (which: 'stdout' | 'stderr', chunk: Buffer) => {
      const parts = (partial[which] + chunk.toString('utf8')).split(/\r?\n|\r/);
      partial[which] = (parts.pop() ?? '').slice(-MAX_LINE * 2);
      for (const part of parts) this.line(part);
    };
    child.stdout?.on('data', (c: Buffer) => feed('stdout', c));
    child.stderr?.on('data', (c: Buffer) => feed('stderr', c));
    let ended = false;
    const end = (exitCode: number | null, error: string | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      for (const which of ['stdout', 'stderr'] as const) if (partial[which]) this.line(partial[which]);
      this.child = null;
      this.emit('log', { done: true, exitCode, error });
    };
    child.on('error', (err) => end(null, `The setup could not be started: ${err.message}`));
    child.on('close', (code, signal) => {
      if (timedOut) end(null, `The setup did not finish within ${Math.round(this.timeoutMs / 1000)} s and was stopped.`);
      else if (signal) end(null, `The setup was ended by ${signal}.`);
      else end(code, code === 0 ? null : `The setup failed (exit ${code ?? '?'}); its output says why.`);
    });
    return { alreadyRunning: false, lines: [] };
  }

  private line(raw: string): void {
    const line = cleanLine(raw);
    this.ring.push(line);
    this.emit('log', { line });
  }

  private killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  /** Stops a run under way (the backend is stopping). */
  stop(): void {
    if (this.child) this.killGroup(this.child, 'SIGTERM');
  }
}
