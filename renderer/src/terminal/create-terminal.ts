/**
 * The one place an xterm is made: options, addons and the escape-sequence policy (harden.ts).
 * Sessions (session.ts) own the result; React never touches xterm directly.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { type IDisposable, type ITheme, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { allowOsc52Writes, hardenParser } from './harden.js';
import { type TerminalShortcut, shortcutFor } from './keys.js';
import { isMacPlatform, openLink } from './links.js';

export const TERMINAL_FONT_FAMILY =
  "ui-monospace, 'SFMono-Regular', 'Cascadia Mono', 'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";
export const SCROLLBACK_LINES = 10_000;

export interface CreateTerminalOptions {
  /** The grid to parse output into until a fit: the size the backend's PTY has. */
  cols: number;
  rows: number;
  theme: ITheme;
  fontSize: number;
  allowOsc52: boolean;
  /** xterm keeps the screen's text in the DOM for assistive technology (it draws on a canvas). */
  screenReaderMode: boolean;
  /** The URL under the mouse (to show how to open it), or null when the mouse leaves it. */
  onLinkHover(url: string | null): void;
  /** A shortcut the terminal keeps for itself was pressed (the key never reaches the program). */
  onShortcut(shortcut: TerminalShortcut): void;
}

export interface TerminalBundle {
  readonly term: Terminal;
  readonly fit: FitAddon;
  readonly search: SearchAddon;
  readonly isOpen: boolean;
  /** 'webgl' while the GPU renderer runs, else xterm's DOM renderer. */
  readonly renderer: 'webgl' | 'dom';
  /** Opens xterm in `parent` (which must be in the document, so cells can be measured). */
  open(parent: HTMLElement): void;
  /** WebGL only while on screen: browsers allow few WebGL contexts, hidden tabs need none. */
  setVisible(visible: boolean): void;
  setOsc52(allowed: boolean): void;
  dispose(): void;
}

export function createTerminal(options: CreateTerminalOptions): TerminalBundle {
  const term = new Terminal({
    // Unicode11Addon switches term.unicode and SearchAddon highlights with decorations: both
    // are xterm's "proposed" API, refused unless this is set.
    allowProposedApi: true,
    // Not xterm's 80×24: output that arrives before the first fit was written for the PTY's size.
    cols: options.cols,
    rows: options.rows,
    // Window manipulation and reports (CSI t) all off. This is xterm's default; stated so it
    // stays that way. harden.ts swallows CSI t entirely as well.
    windowOptions: {},
    scrollback: SCROLLBACK_LINES,
    fontFamily: TERMINAL_FONT_FAMILY,
    fontSize: options.fontSize,
    lineHeight: 1.15,
    cursorBlink: true,
    cursorStyle: 'block',
    cursorInactiveStyle: 'outline',
    macOptionIsMeta: true,
    theme: options.theme,
    screenReaderMode: options.screenReaderMode,
    overviewRuler: { width: 8 },
    // OSC 8 hyperlinks: same policy as plain URLs (http(s) only, Ctrl/Cmd+click).
    linkHandler: {
      allowNonHttpProtocols: false,
      activate: (event, uri) => void openLink(event, uri),
      hover: (_event, uri) => options.onLinkHover(uri),
      leave: () => options.onLinkHover(null),
    },
  });

  const disposables: IDisposable[] = [...hardenParser(term)];

  const fit = new FitAddon();
  term.loadAddon(fit);
  const search = new SearchAddon({ highlightLimit: 2000 });
  term.loadAddon(search);
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  term.loadAddon(
    new WebLinksAddon((event, uri) => void openLink(event, uri), {
      hover: (_event, uri) => options.onLinkHover(uri),
      leave: () => options.onLinkHover(null),
    }),
  );

  // Our shortcuts: act on keydown, and keep every phase of the key from the program.
  term.attachCustomKeyEventHandler((event) => {
    const shortcut = shortcutFor(event, isMacPlatform);
    if (!shortcut) return true;
    if (event.type === 'keydown') {
      // Paste is left to the browser: its own paste (Ctrl+Shift+V / Cmd+V) needs no clipboard
      // permission, and xterm turns the paste event into input (bracketed paste included).
      if (shortcut !== 'paste') event.preventDefault();
      options.onShortcut(shortcut);
    }
    return false;
  });

  let osc52: IDisposable | null = null;
  const setOsc52 = (allowed: boolean) => {
    if (allowed && !osc52) osc52 = allowOsc52Writes(term, (text) => navigator.clipboard.writeText(text));
    if (!allowed && osc52) {
      osc52.dispose();
      osc52 = null;
    }
  };
  setOsc52(options.allowOsc52);

  let webgl: WebglAddon | null = null;
  let opened = false;
  let visible = false;

  const dropWebgl = () => {
    const addon = webgl;
    webgl = null;
    try {
      addon?.dispose();
    } catch {
      // Disposing after a lost context can throw; the DOM renderer takes over either way.
    }
  };
  const loadWebgl = () => {
    if (webgl || !opened) return;
    try {
      const addon = new WebglAddon();
      // A lost context (GPU reset, too many contexts): fall back to the DOM renderer.
      addon.onContextLoss(() => {
        if (webgl === addon) dropWebgl();
      });
      term.loadAddon(addon);
      webgl = addon;
    } catch {
      // No WebGL2 here (e.g. a headless browser without GPU): xterm's DOM renderer it is.
      webgl = null;
    }
  };

  return {
    term,
    fit,
    search,
    get isOpen() {
      return opened;
    },
    get renderer() {
      return webgl ? 'webgl' : 'dom';
    },
    open(parent) {
      if (opened) return;
      term.open(parent);
      opened = true;
      if (visible) loadWebgl();
    },
    setVisible(next) {
      visible = next;
      if (next) loadWebgl();
      else dropWebgl();
    },
    setOsc52,
    dispose() {
      dropWebgl();
      setOsc52(false);
      for (const d of disposables) d.dispose();
      term.dispose();
    },
  };
}
