/**
 * One terminal as this window holds it: an xterm (made by create-terminal.ts), the flow-control
 * and input plumbing to the backend, and a host element that views move between panes, so a
 * layout change never recreates the terminal or loses its scrollback.
 */
import type { ISearchOptions } from '@xterm/addon-search';
import type { TerminalInfo, TerminalRollback } from '../../../shared/types.js';
import type { Theme } from '../lib/theme.js';
import type { LinkState } from '../ws/link.js';
import { AckScheduler } from './ack.js';
import { type TerminalBundle, createTerminal } from './create-terminal.js';
import { InputQueue, binaryStringToBytes, canSendInput } from './input.js';
import type { TerminalShortcut } from './keys.js';
import { OutputWatch, screenDigest } from './output-watch.js';
import { FRESH_SCREEN, shownText } from './shown-text.js';
import { SEARCH_COLORS, TERMINAL_THEMES } from './themes.js';
import { copyInGesture } from '../lib/clipboard.js';

export type AttachStatus = 'idle' | 'attaching' | 'attached' | 'failed';

/** What views render from a session (read with useSyncExternalStore). */
export interface SessionSnapshot {
  attach: AttachStatus;
  error: string | null;
  linkHover: string | null;
  /** Bumped when Ctrl+Shift+F asks the view to open its search box. */
  findRequest: number;
  search: { index: number; count: number } | null;
  /** A short notice (e.g. the clipboard could not be read). */
  toast: string | null;
  /** What the terminal showed before each rollback of its agent (oldest first; see rolledBack). */
  before: readonly BeforeRollback[];
}

/** The text a terminal showed when a restore restarted its agent under it. */
export interface BeforeRollback extends TerminalRollback {
  /** Plain text (the characters of xterm's cells, no escape sequences), bounded. */
  text: string;
}

/** Rollbacks whose earlier output a terminal keeps. */
export const KEPT_ROLLBACKS = 3;

/** What a session needs from the rest of the renderer (the manager supplies it). */
export interface SessionContext {
  info(id: string): TerminalInfo | undefined;
  link(): LinkState;
  theme(): Theme;
  fontSize(): number;
  allowOsc52(): boolean;
  screenReaderMode(): boolean;
  input(id: string, data: Uint8Array<ArrayBuffer>): Promise<unknown>;
  ack(id: string, bytes: number): void;
  resize(id: string, cols: number, rows: number): void;
  shortcut(id: string, shortcut: TerminalShortcut): void;
  /** Output changed the screen of this terminal while it was not on screen. */
  activity(id: string): void;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** What bench/keystroke.ts watches of one terminal's xterm (`window.__enclaveTerminalProbe`). */
export interface TerminalProbe {
  renderer: 'webgl' | 'dom';
  /** Called after xterm parsed a write; returns how to stop. */
  onWriteParsed(listener: () => void): () => void;
  /** Called when xterm drew rows (in its animation frame); returns how to stop. */
  onRender(listener: () => void): () => void;
  /** The character in the cell left of the cursor. */
  charBeforeCursor(): string;
}

/** xterm's own default, for a terminal whose PTY size nobody knows yet. */
const FALLBACK_SIZE: TerminalSize = { cols: 80, rows: 24 };
const FIT_DELAY_MS = 30;
const NATIVE_PASTE_WAIT_MS = 100;
const RESIZE_DELAY_MS = 50;
const encoder = new TextEncoder();

export class TerminalSession {
  /** Views append this to their slot; the xterm lives inside it. */
  readonly host: HTMLDivElement;
  /** Backend connection epoch this window attached in; -1 when not attached. */
  attachedEpoch = -1;
  disposed = false;

  private bundle: TerminalBundle;
  /** Bumped on every reset: write callbacks of a discarded xterm must not ack. */
  private generation = 0;
  private wrote = false;
  /** Replayed output is being parsed: xterm's answers to queries in it are stale, not sent. */
  private replaying = false;
  /** Numbers attach attempts, so only the latest one's answer counts. */
  private attachSeq = 0;
  private readonly acks: AckScheduler;
  private readonly inputQueue: InputQueue;
  /** Lights the tab's "new output" dot while hidden, for output beyond a status-line redraw. */
  private readonly watch: OutputWatch;
  private container: HTMLElement | null = null;
  private observer: ResizeObserver | null = null;
  private fitTimer: ReturnType<typeof setTimeout> | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;
  private toastTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The size last asked of the backend, until its terminals.changed reports a size: then that
   * is what the backend has (ours, or another window's that came later).
   */
  private requested: TerminalSize | null = null;
  private snapshot: SessionSnapshot = {
    attach: 'idle',
    error: null,
    linkHover: null,
    findRequest: 0,
    search: null,
    toast: null,
    before: [],
  };
  /** The rollback this window last saw the terminal come back from (TerminalInfo.rolledBack). */
  private rollbackSeen: string | null;
  private readonly listeners = new Set<() => void>();

  /**
   * `openedAt`: the size the backend was asked to open this terminal with, for output that
   * arrives before the reply that names it (and so before the store knows its size).
   */
  constructor(
    readonly id: string,
    private readonly ctx: SessionContext,
    private readonly openedAt: TerminalSize | null = null,
  ) {
    this.host = document.createElement('div');
    this.host.className = 'terminal-host';
    this.acks = new AckScheduler((bytes) => ctx.ack(id, bytes));
    this.inputQueue = new InputQueue(
      (data) => ctx.input(id, data),
      undefined,
      (err, dropped) => this.toast(`${dropped} bytes of input were not delivered: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.bundle = this.makeBundle();
    this.watch = new OutputWatch(
      () => screenDigest(this.bundle.term.buffer.active, this.bundle.term.rows),
      () => ctx.activity(id),
    );
    this.watch.hidden();
    // A window that comes later never saw what was shown before a rollback: nothing to keep.
    this.rollbackSeen = ctx.info(id)?.rolledBack?.at ?? null;
  }

  // --- React glue -------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  private update(patch: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  get isMounted(): boolean {
    return this.container !== null;
  }

  get renderer(): 'webgl' | 'dom' {
    return this.bundle.renderer;
  }

  // --- output -----------------------------------------------------------------------------

  /** Output from the backend: bytes straight to xterm; acknowledged once xterm parsed them. */
  write(data: Uint8Array): void {
    if (this.disposed) return;
    const generation = this.generation;
    const bytes = data.byteLength;
    this.wrote = true;
    this.bundle.term.write(data, () => {
      if (generation !== this.generation) return;
      this.acks.consumed(bytes);
      this.watch.parsed();
    });
  }

  /**
   * Called just before terminals.attach (the backend answers with its scrollback first).
   * Returns the number that the matching `attached`/`attachFailed` must carry.
   */
  beginAttach(): number {
    // Anything shown now would be replayed again: start from a fresh xterm.
    if (this.wrote) this.reset();
    this.replaying = true;
    this.update({ attach: 'attaching', error: null });
    return ++this.attachSeq;
  }

  /** terminals.attach answered: all replayed output is queued in xterm by now. */
  attached(seq: number, epoch: number): void {
    if (this.disposed || seq !== this.attachSeq) return;
    this.attachedEpoch = epoch;
    const generation = this.generation;
    // An empty write completes after everything queued before it, i.e. after the replay.
    this.bundle.term.write('', () => {
      if (generation === this.generation && seq === this.attachSeq) this.replaying = false;
    });
    this.update({ attach: 'attached', error: null });
    this.scheduleResize();
  }

  attachFailed(seq: number, message: string): void {
    if (this.disposed || seq !== this.attachSeq) return;
    this.replaying = false;
    this.update({ attach: 'failed', error: message });
  }

  /** This window attached by opening the session (terminals.open attaches the caller). */
  adopt(epoch: number): void {
    this.attachedEpoch = epoch;
    if (this.snapshot.attach !== 'attached') this.update({ attach: 'attached', error: null });
  }

  /** The backend connection was replaced: whatever this window was attached to is gone. */
  connectionLost(): void {
    this.attachedEpoch = -1;
    this.requested = null;
    this.attachSeq++;
    this.replaying = false;
    this.inputQueue.clear();
    this.acks.reset();
    if (this.snapshot.attach !== 'idle') this.update({ attach: 'idle' });
  }

  /**
   * The backend says the terminal reattached after a restore restarted its agent; nothing of
   * the new session is written yet (it comes after this change). What xterm shows now is kept
   * as text, to be shown above a marker (TerminalView), and xterm starts blank for the new one.
   */
  rolledBack(rollback: TerminalRollback): void {
    if (this.disposed || rollback.at === this.rollbackSeen) return;
    this.rollbackSeen = rollback.at;
    if (!this.wrote) return;
    const generation = this.generation;
    const { term } = this.bundle;
    // Read once xterm parsed everything written before; the blanking is queued right behind.
    term.write('', () => {
      if (generation !== this.generation || this.disposed) return;
      const text = shownText(term.buffer.active, { cols: term.cols, rows: term.rows });
      if (!text) return;
      this.update({ before: [...this.snapshot.before, { ...rollback, text }].slice(-KEPT_ROLLBACKS) });
    });
    term.write(FRESH_SCREEN);
  }

  /** The user put the earlier output away. */
  dismissBefore(): void {
    if (this.snapshot.before.length > 0) this.update({ before: [] });
  }

  // --- input ------------------------------------------------------------------------------

  private sendInput(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.disposed || this.replaying) return;
    // Typed while the session is not open (or the backend is out of reach): dropped.
    if (!canSendInput(this.ctx.info(this.id)?.state, this.ctx.link())) return;
    this.inputQueue.push(bytes);
  }

  /** The session stopped being open: input not yet sent must not arrive later. */
  dropPendingInput(): void {
    this.inputQueue.clear();
  }

  /** An ended session takes no more keys and stops blinking at the user. */
  setEnded(ended: boolean): void {
    const { options } = this.bundle.term;
    if (options.disableStdin === ended) return;
    options.disableStdin = ended;
    options.cursorBlink = !ended;
  }

  // --- DOM --------------------------------------------------------------------------------

  mount(container: HTMLElement): void {
    if (this.disposed) return;
    if (this.container && this.container !== container) this.unmount(this.container);
    if (this.container === container) return;
    this.container = container;
    container.appendChild(this.host);
    this.watch.shown();
    if (!this.bundle.isOpen) this.bundle.open(this.host);
    this.bundle.setVisible(true);
    this.observer = new ResizeObserver(() => this.scheduleFit());
    this.observer.observe(container);
    // Fit now, in the layout effect that mounted us: output from here on is drawn at the
    // fitted size, and the backend hears of it without waiting for a timer.
    if (this.fitNow()) this.sendSize();
    this.scheduleFit(0);
  }

  unmount(container: HTMLElement): void {
    if (this.container !== container) return;
    this.observer?.disconnect();
    this.observer = null;
    this.bundle.setVisible(false);
    if (this.host.parentNode === container) container.removeChild(this.host);
    this.container = null;
    this.watch.hidden();
    if (this.snapshot.linkHover) this.update({ linkHover: null });
  }

  focus(): void {
    if (!this.disposed && this.bundle.isOpen) this.bundle.term.focus();
  }

  private scheduleFit(delay = FIT_DELAY_MS): void {
    if (this.fitTimer) clearTimeout(this.fitTimer);
    this.fitTimer = setTimeout(() => {
      this.fitTimer = null;
      this.fitNow();
    }, delay);
  }

  /** Fits xterm to its pane; false when the pane cannot be measured (yet). */
  private fitNow(): boolean {
    if (this.disposed || !this.container || !this.bundle.isOpen) return false;
    if (this.host.clientWidth === 0 || this.host.clientHeight === 0) return false;
    try {
      this.bundle.fit.fit();
    } catch {
      // Not measurable yet (fonts loading, hidden): the next resize fits.
      return false;
    }
    // The backend may hold another size (another window, or the size we opened with).
    this.scheduleResize();
    return true;
  }

  private scheduleResize(): void {
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = null;
      this.sendSize();
    }, RESIZE_DELAY_MS);
  }

  /**
   * Tells the backend the size xterm draws at whenever that differs from the size the backend
   * has (what it last reported, or what we asked since); only a terminal on screen decides.
   */
  sendSize(): void {
    if (this.disposed || !this.container || !this.bundle.isOpen) return;
    const info = this.ctx.info(this.id);
    if (!info || info.state === 'exited' || this.ctx.link() !== 'connected') return;
    const cols = Math.min(1000, Math.max(2, this.bundle.term.cols));
    const rows = Math.min(500, Math.max(2, this.bundle.term.rows));
    const backend = this.requested ?? info;
    if (backend.cols === cols && backend.rows === rows) return;
    this.requested = { cols, rows };
    this.ctx.resize(this.id, cols, rows);
  }

  /**
   * The backend reported the terminal's size (terminals.changed). Off screen, xterm follows
   * it, so output parsed while hidden is laid out as the program wrote it. On screen nothing
   * is sent back: two windows showing one terminal at different sizes would resize it in turn
   * forever; the next fit of either sends its size.
   */
  backendSized(size: TerminalSize): void {
    if (this.disposed) return;
    this.requested = null;
    if (!this.container) this.matchSize(size);
  }

  /** The size the backend's PTY has, as far as this window knows. */
  private backendSize(): TerminalSize {
    const info = this.ctx.info(this.id);
    return this.requested ?? (info ? { cols: info.cols, rows: info.rows } : (this.openedAt ?? FALLBACK_SIZE));
  }

  private matchSize({ cols, rows }: TerminalSize): void {
    const { term } = this.bundle;
    if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
  }

  /** The size to open a new terminal with, when this one is on screen. */
  currentSize(): TerminalSize | null {
    if (!this.container || !this.bundle.isOpen) return null;
    return { cols: this.bundle.term.cols, rows: this.bundle.term.rows };
  }

  /** The grid xterm parses output into, on screen or not. */
  drawnSize(): TerminalSize {
    return { cols: this.bundle.term.cols, rows: this.bundle.term.rows };
  }

  /** For benchmarks: when xterm parsed output and when it drew rows, and what it holds. */
  probe(): TerminalProbe {
    const { term } = this.bundle;
    const off = (d: { dispose(): void }) => () => d.dispose();
    return {
      renderer: this.bundle.renderer,
      onWriteParsed: (listener) => off(term.onWriteParsed(listener)),
      onRender: (listener) => off(term.onRender(listener)),
      charBeforeCursor: () => {
        const buffer = term.buffer.active;
        const x = Math.min(buffer.cursorX, term.cols) - 1;
        return x < 0 ? '' : (buffer.getLine(buffer.baseY + buffer.cursorY)?.getCell(x)?.getChars() ?? '');
      },
    };
  }

  // --- preferences ------------------------------------------------------------------------

  applyTheme(theme: Theme): void {
    this.bundle.term.options.theme = TERMINAL_THEMES[theme];
  }

  applyFontSize(size: number): void {
    if (this.bundle.term.options.fontSize === size) return;
    this.bundle.term.options.fontSize = size;
    this.scheduleFit(0);
  }

  applyOsc52(allowed: boolean): void {
    this.bundle.setOsc52(allowed);
  }

  applyScreenReaderMode(on: boolean): void {
    this.bundle.term.options.screenReaderMode = on;
  }

  // --- user actions -----------------------------------------------------------------------

  hasSelection(): boolean {
    return this.bundle.term.hasSelection();
  }

  copySelection(): void {
    const text = this.bundle.term.getSelection();
    if (!text) return;
    if (copyInGesture(text)) return;
    navigator.clipboard.writeText(text).catch(() => this.toast('Copying was blocked by the browser.'));
  }

  /**
   * Ctrl+Shift+V: the browser's own paste normally follows the key (xterm handles the paste
   * event). Where it does not, read the clipboard instead (this may need a permission).
   */
  private pasteShortcut(): void {
    const textarea = this.bundle.term.textarea;
    let pasted = false;
    const onPaste = () => {
      pasted = true;
    };
    textarea?.addEventListener('paste', onPaste, true);
    setTimeout(() => {
      textarea?.removeEventListener('paste', onPaste, true);
      if (!pasted) void this.pasteFromClipboard();
    }, NATIVE_PASTE_WAIT_MS);
  }

  async pasteFromClipboard(): Promise<void> {
    let text: string;
    try {
      text = await navigator.clipboard.readText();
    } catch {
      this.toast('Reading the clipboard was blocked: allow clipboard access for this page to paste.');
      return;
    }
    if (text && !this.disposed) {
      // paste() adds bracketed-paste markers when the program asked for them.
      this.bundle.term.paste(text);
      this.focus();
    }
  }

  selectAll(): void {
    this.bundle.term.selectAll();
  }

  /** Clears the scrollback, keeping the line the cursor is on. */
  clear(): void {
    this.bundle.term.clear();
  }

  requestFind(): void {
    this.update({ findRequest: this.snapshot.findRequest + 1 });
  }

  find(query: string, direction: 'next' | 'previous', options: { caseSensitive: boolean; regex: boolean; incremental?: boolean }): boolean {
    if (!query) {
      this.clearSearch();
      return false;
    }
    const searchOptions: ISearchOptions = {
      caseSensitive: options.caseSensitive,
      regex: options.regex,
      incremental: options.incremental ?? false,
      decorations: SEARCH_COLORS[this.ctx.theme()],
    };
    try {
      return direction === 'next'
        ? this.bundle.search.findNext(query, searchOptions)
        : this.bundle.search.findPrevious(query, searchOptions);
    } catch {
      // An invalid regular expression: no match.
      this.update({ search: { index: -1, count: 0 } });
      return false;
    }
  }

  clearSearch(): void {
    this.bundle.search.clearDecorations();
    if (this.snapshot.search) this.update({ search: null });
  }

  toast(message: string): void {
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.update({ toast: message });
    this.toastTimer = setTimeout(() => {
      this.toastTimer = null;
      this.update({ toast: null });
    }, 4000);
  }

  /** Every line of the active buffer (scrollback and screen), trailing blank lines dropped. */
  text(): string {
    const buffer = this.bundle.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.container) this.unmount(this.container);
    for (const timer of [this.fitTimer, this.resizeTimer, this.toastTimer]) if (timer) clearTimeout(timer);
    this.acks.reset();
    this.inputQueue.clear();
    this.watch.dispose();
    this.bundle.dispose();
    this.host.remove();
    this.listeners.clear();
  }

  // --- internals --------------------------------------------------------------------------

  /** A fresh xterm in place of the current one (same host, same pane). */
  private reset(): void {
    this.generation++;
    this.acks.reset();
    this.inputQueue.clear();
    const old = this.bundle;
    this.bundle = this.makeBundle();
    old.dispose();
    this.wrote = false;
    if (this.container) {
      this.bundle.open(this.host);
      this.bundle.setVisible(true);
      this.scheduleFit(0);
    } else {
      this.watch.hidden();
    }
    this.update({ search: null, linkHover: null });
  }

  private makeBundle(): TerminalBundle {
    const bundle = createTerminal({
      ...this.backendSize(),
      theme: TERMINAL_THEMES[this.ctx.theme()],
      fontSize: this.ctx.fontSize(),
      allowOsc52: this.ctx.allowOsc52(),
      screenReaderMode: this.ctx.screenReaderMode(),
      onLinkHover: (url) => {
        if (url !== this.snapshot.linkHover) this.update({ linkHover: url });
      },
      onShortcut: (shortcut) => this.onShortcut(shortcut),
    });
    const { term } = bundle;
    if (this.ctx.info(this.id)?.state === 'exited') {
      term.options.disableStdin = true;
      term.options.cursorBlink = false;
    }
    term.onData((data) => this.sendInput(encoder.encode(data)));
    term.onBinary((data) => this.sendInput(binaryStringToBytes(data)));
    term.onResize(() => this.scheduleResize());
    bundle.search.onDidChangeResults(({ resultIndex, resultCount }) =>
      this.update({ search: { index: resultIndex, count: resultCount } }),
    );
    return bundle;
  }

  private onShortcut(shortcut: TerminalShortcut): void {
    switch (shortcut) {
      case 'copy':
        this.copySelection();
        return;
      case 'paste':
        this.pasteShortcut();
        return;
      case 'find':
        this.requestFind();
        return;
      default:
        this.ctx.shortcut(this.id, shortcut);
    }
  }
}
